using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
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
    /// connection, its channels under <see cref="ClusterSettings.KeyPrefix"/>, so that hub messages to groups or to all reach
    /// the clients of every instance.
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

        services.AddSignalR().AddStackExchangeRedis(options => options.Configuration.ChannelPrefix = RedisChannel.Literal(settings.KeyPrefix));
        services.AddOptions<RedisOptions>().Configure<IConnectionMultiplexer>((options, redis) => options.ConnectionFactory = _ => Task.FromResult(redis));
        return services;
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
