using Microsoft.Extensions.DependencyInjection.Extensions;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Components;
using NestedHvDashboard.Web.Power;
namespace NestedHvDashboard.Web.Operations;

/// <summary>Registration of the nested virtualization change: the operations, the pending changes (kept in the database) and their applier.</summary>
public static class OperationsServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="NestedVirtualizationOperations"/> and <see cref="PendingNestedChanges"/> as singletons, the latter kept in
    /// <see cref="DatabasePendingChangeStore"/> (the database of <see cref="Data.DatabaseServiceCollectionExtensions.AddDashboardDatabase"/>) unless another
    /// <see cref="IPendingChangeStore"/> was registered earlier, and the <see cref="PendingChangeApplier"/> that applies "at next shutdown" changes.
    /// The VM power actions (<see cref="PowerServiceCollectionExtensions.AddVmPower"/>) and the readiness fixes (<see cref="Fixes.FixesServiceCollectionExtensions.AddVmFixes"/>)
    /// come with it: they share its per-VM lock.
    /// Needs an inventory feed, the database and an <see cref="IHostLookup"/> (<see cref="HostConnectionsServiceCollectionExtensions.AddHostDirectory"/>).
    /// </summary>
    public static IServiceCollection AddNestedVirtualizationOperations(this IServiceCollection services)
    {
        services.TryAddSingleton<NestedVirtualizationOperations>();
        services.TryAddSingleton<IPendingChangeStore, DatabasePendingChangeStore>();
        services.TryAddSingleton(sp => new PendingNestedChanges(sp.GetRequiredService<IPendingChangeStore>()));
        services.AddDashboardClock();
        services.TryAddSingleton<Audit.AuditQuery>();
        services.TryAddSingleton<ActivityLog>();
        services.TryAddSingleton<NestedSwitchService>();
        services.TryAddSingleton<NestedCascadeOperations>();
        services.TryAddSingleton<NestedGuestReader>();
        services.TryAddSingleton<NestedCascadeService>();
        services.AddHostedService<PendingChangeApplier>();
        services.AddVmPower();
        Fixes.FixesServiceCollectionExtensions.AddVmFixes(services);
        return services;
    }
}
