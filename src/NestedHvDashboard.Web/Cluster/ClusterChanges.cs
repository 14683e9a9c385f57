using Microsoft.Extensions.DependencyInjection.Extensions;
using NestedHvDashboard.Core.Operations;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>Cluster mode's changes: the per-VM lock across instances, pending changes applied once, Interrupted entries of dead instances.</summary>
public static class ClusterChanges
{
    /// <summary>
    /// Registers the cross-instance VM lock (<see cref="RedisVmLock"/>, which <see cref="NestedVirtualizationOperations"/> takes
    /// after its own), the shared pending changes (<see cref="SharedPendingChangeStore"/> in place of the single instance's
    /// store, kept current by <see cref="PendingChangesRefresh"/>) and the sweeper of dead instances' entries
    /// (<see cref="InterruptedSweeper"/>). The Data Protection keys go to the database with the host connections
    /// (<see cref="Hosts.HostConnectionsServiceCollectionExtensions.AddHostConnections"/>), which reads the same setting.
    /// </summary>
    public static IServiceCollection AddClusterChanges(this IServiceCollection services, ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.TryAddSingleton<RedisVmLock>();
        services.TryAddSingleton<IDistributedVmLock>(sp => sp.GetRequiredService<RedisVmLock>());
        services.RemoveAll<IPendingChangeStore>();
        services.AddSingleton<IPendingChangeStore, SharedPendingChangeStore>();
        services.AddHostedService<PendingChangesRefresh>();
        services.TryAddSingleton<InterruptedSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<InterruptedSweeper>());
        return services;
    }
}
