using NestedHvDashboard.Core.Inventory;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>Cluster mode's host leases and membership (one owner per host, spread over the instances alive).</summary>
public static class ClusterLeases
{
    /// <summary>Registers <see cref="IHostOwnership"/>, <see cref="IClusterMembership"/> and <see cref="IClusterHealth"/> for a cluster.</summary>
    public static IServiceCollection AddClusterLeases(this IServiceCollection services, ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // TODO(leases): the lease manager and the membership.
        return services;
    }
}
