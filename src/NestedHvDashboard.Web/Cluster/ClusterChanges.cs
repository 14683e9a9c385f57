namespace NestedHvDashboard.Web.Cluster;

/// <summary>Cluster mode's changes: the per-VM lock across instances, pending changes applied once, Interrupted entries of dead instances.</summary>
public static class ClusterChanges
{
    /// <summary>Registers the cross-instance VM lock, the shared pending changes and the sweeper of dead instances' entries.</summary>
    public static IServiceCollection AddClusterChanges(this IServiceCollection services, ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // TODO(changes): the VM lock, pending changes, the Interrupted sweeper, data protection keys in the database.
        return services;
    }
}
