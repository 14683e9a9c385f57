using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.PowerShell;
using NestedHvDashboard.Web.Hosts;
using StackExchange.Redis;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>Cluster mode's shared feed: owners publish their hosts through Redis, every instance's store is fed from there.</summary>
public static class ClusterFeed
{
    /// <summary>
    /// Registers the feed's replicator (<see cref="ClusterFeedReplicator"/>: publishes what this instance owns, applies what the
    /// others own; needs the leases' <see cref="IHostOwnershipView"/>) and the SignalR Redis backplane on the cluster's Redis
    /// (<c>ConnectionStrings:Redis</c>), its channels under <see cref="ClusterSettings.KeyPrefix"/>, so that hub messages to
    /// groups or to all reach the clients of every instance.
    /// </summary>
    public static IServiceCollection AddClusterFeed(this IServiceCollection services, ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(sp => new ClusterFeedReplicator(
            settings,
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<InventoryStore>(),
            sp.GetRequiredService<IHostOwnershipView>(),
            sp.GetService<IClusterMembership>(),
            sp.GetRequiredService<ILogger<ClusterFeedReplicator>>(),
            NudgeOwnerWatch(sp),
            sp.GetService<TimeProvider>()));
        services.AddHostedService(sp => sp.GetRequiredService<ClusterFeedReplicator>());

        // Its own connection to the cluster's Redis: the backplane's channels take their prefix from their connection's
        // configuration, and it unsubscribes everything on its connection when disposed.
        services.AddSignalR().AddStackExchangeRedis(settings.RedisConnectionString!, options =>
        {
            options.Configuration.AbortOnConnectFail = false;
            options.Configuration.ClientName = "nhv-" + settings.InstanceId + "-hub";
            options.Configuration.ChannelPrefix = RedisChannel.Literal(BackplanePrefix(settings));
        });
        return services;
    }

    /// <summary>What the hub backplane's Redis channels start with: the key prefix (<c>nhv:</c>), so dashboards may share a Redis.</summary>
    public static string BackplanePrefix(ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.KeyPrefix + ":";
    }

    // A VM another instance wrote on a host watched here: a host-side watch takes its configuration at its next cycle.
    private static Action<string, VmSnapshot> NudgeOwnerWatch(IServiceProvider services) => (host, vm) =>
    {
        if (services.GetService<IHostLookup>()?.Find(host) is PowerShellHyperVHost watched)
        {
            watched.TakeVmReadElsewhere(vm);
        }
    };
}
