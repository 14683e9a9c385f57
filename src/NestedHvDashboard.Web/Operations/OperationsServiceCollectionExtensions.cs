using Microsoft.Extensions.DependencyInjection.Extensions;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.Audit;
namespace NestedHvDashboard.Web.Operations;

/// <summary>Registration of the nested virtualization change: the operations, the pending changes (kept in the database) and their applier.</summary>
public static class OperationsServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="NestedVirtualizationOperations"/> and <see cref="PendingNestedChanges"/> as singletons, the latter kept in
    /// <see cref="DatabasePendingChangeStore"/> (the database of <see cref="Data.DatabaseServiceCollectionExtensions.AddDashboardDatabase"/>) unless another
    /// <see cref="IPendingChangeStore"/> was registered earlier, <see cref="IHostLookup"/> (the <see cref="HostDirectory"/>
    /// unless one was registered earlier) and the <see cref="PendingChangeApplier"/> that applies "at next shutdown" changes.
    /// Needs an inventory feed and the database.
    /// </summary>
    public static IServiceCollection AddNestedVirtualizationOperations(this IServiceCollection services)
    {
        services.TryAddSingleton<NestedVirtualizationOperations>();
        services.TryAddSingleton<IPendingChangeStore, DatabasePendingChangeStore>();
        services.TryAddSingleton(sp => new PendingNestedChanges(sp.GetRequiredService<IPendingChangeStore>()));
        services.TryAddSingleton<HostDirectory>();
        services.TryAddSingleton<IHostLookup>(sp => sp.GetRequiredService<HostDirectory>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Audit.AuditQuery>();
        services.TryAddSingleton<ActivityLog>();
        services.TryAddSingleton<NestedSwitchService>();
        services.AddHostedService<PendingChangeApplier>();
        return services;
    }
}
