using Microsoft.Extensions.DependencyInjection.Extensions;
using NestedHvDashboard.Core.Inventory;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>Cluster mode's host leases and membership (one owner per host, spread over the instances alive).</summary>
public static class ClusterLeases
{
    /// <summary>
    /// Registers <see cref="IHostOwnership"/>, <see cref="IHostOwnershipView"/>, <see cref="IClusterMembership"/> and
    /// <see cref="IClusterHealth"/> for a cluster: the <see cref="ClusterMembership"/> and the <see cref="HostLeaseManager"/>
    /// over the app's Redis, looked after by the <see cref="ClusterLeaseService"/>, and <see cref="ConnectAhead"/>. Called after the inventory monitor's
    /// registration, so the service stops first and hands every host back at once.
    /// </summary>
    public static IServiceCollection AddClusterLeases(this IServiceCollection services, ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ClusterMembership>();
        services.TryAddSingleton<IClusterMembership>(sp => sp.GetRequiredService<ClusterMembership>());
        services.TryAddSingleton<HostLeaseManager>();
        services.TryAddSingleton<IHostOwnership>(sp => sp.GetRequiredService<HostLeaseManager>());
        services.TryAddSingleton<IHostOwnershipView>(sp => sp.GetRequiredService<HostLeaseManager>());
        services.TryAddSingleton<IClusterHealth>(sp => sp.GetRequiredService<HostLeaseManager>());
        services.AddHostedService<ClusterLeaseService>();
        services.TryAddSingleton<ConnectAhead>();
        services.AddHostedService(sp => sp.GetRequiredService<ConnectAhead>());
        return services;
    }
}
