namespace NestedHvDashboard.Web.Cluster;

/// <summary>Cluster mode's shared feed: owners publish their hosts through Redis, every instance's store is fed from there.</summary>
public static class ClusterFeed
{
    /// <summary>Registers the feed's publisher and subscriber and the SignalR Redis backplane.</summary>
    public static IServiceCollection AddClusterFeed(this IServiceCollection services, ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // TODO(feed): the replicator and the backplane.
        return services;
    }
}
