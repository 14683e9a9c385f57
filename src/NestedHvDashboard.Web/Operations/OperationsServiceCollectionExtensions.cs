using Microsoft.Extensions.DependencyInjection.Extensions;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Storage;

namespace NestedHvDashboard.Web.Operations;

/// <summary>Registration of the nested virtualization change: the operations, the pending changes (kept in a file) and their applier.</summary>
public static class OperationsServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="NestedVirtualizationOperations"/> and <see cref="PendingNestedChanges"/> as singletons, the latter kept in
    /// <see cref="PendingChangesFile"/> (pending-changes.json in the <see cref="DataFolder"/>) unless another
    /// <see cref="IPendingChangeStore"/> was registered earlier, <see cref="IHostLookup"/> (the <see cref="HostDirectory"/>
    /// unless one was registered earlier) and the <see cref="PendingChangeApplier"/> that applies "at next shutdown" changes.
    /// Needs an inventory feed and a <see cref="DataFolder"/>.
    /// </summary>
    public static IServiceCollection AddNestedVirtualizationOperations(this IServiceCollection services)
    {
        services.TryAddSingleton<NestedVirtualizationOperations>();
        services.TryAddSingleton<IPendingChangeStore, PendingChangesFile>();
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
