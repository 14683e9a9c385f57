using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Cluster;
using NestedHvDashboard.Web.Inventory;
using StackExchange.Redis;
using static NestedHvDashboard.Web.Tests.Cluster.FeedData;

namespace NestedHvDashboard.Web.Tests.Cluster;

/// <summary>The feed while Redis is lost and when it is back, and the hub's Redis backplane in cluster mode only.</summary>
public sealed class ClusterFeedRedisLossTests
{
    private const string H1 = "HV-01";
    private const string H2 = "HV-02";

    [Fact]
    public async Task While_redis_is_lost_each_instance_keeps_its_own_hosts_live_and_when_it_is_back_both_sides_resynchronize()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var leases = new FakeLeases();
        await using var a = await FeedInstance.StartAsync("A", redis, leases, hosts: [H1, H2]);
        await using var b = await FeedInstance.StartAsync("B", redis, leases, hosts: [H1, H2]);
        leases.Grant(H1, "A");
        leases.Grant(H2, "B");
        var web = Vm("web01", VmState.Running, 10);
        var db = Vm("db01");
        Read(a.Store, H1, web);
        Read(b.Store, H2, db);
        await Eventually.HoldsAsync(() => Same(b.Host(H1), a.Host(H1)) && Same(a.Host(H2), b.Host(H2)));

        await redis.StopAsync();
        await Eventually.HoldsAsync(() => !a.Redis.IsConnected && !b.Redis.IsConnected);

        // Each instance's own hosts go on changing in its own store (its pages); nothing escapes from publishing.
        var webOff = web with { State = VmState.Off, Uptime = TimeSpan.Zero, CpuUsagePercent = 0 };
        var added = Vm("app01");
        Read(a.Store, H1, webOff, added);
        Read(b.Store, H2, db with { State = VmState.Running, Uptime = TimeSpan.FromSeconds(5) });
        Assert.Equal(2, a.Host(H1)!.Vms.Count);
        Assert.Single(b.Host(H1)!.Vms);

        await redis.StartAsync();
        await Eventually.HoldsAsync(() => Same(b.Host(H1), a.Host(H1)) && Same(a.Host(H2), b.Host(H2)), TimeSpan.FromSeconds(30));
        foreach (var instance in new[] { a, b })
        {
            Assert.Single(instance.Log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("Redis is lost", StringComparison.Ordinal));
        }

        // And the feed goes on as before.
        Read(a.Store, H1, webOff with { Name = "web01-after" }, added);
        await Eventually.HoldsAsync(() => b.Host(H1)!.Vms.Any(v => v.Name == "web01-after"));
    }

    [Fact]
    public async Task Cluster_mode_sends_hub_messages_through_the_redis_backplane_under_the_key_prefix()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:Enabled"] = "true",
            ["Cluster:KeyPrefix"] = "lab1",
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
        }).Build();
        var services = Services(configuration);

        Assert.Contains(services, d => d.ServiceType == typeof(HubLifetimeManager<>) && d.ImplementationType == typeof(RedisHubLifetimeManager<>));
        Assert.Contains(services, d => d.ServiceType == typeof(ClusterFeedReplicator));
        await using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<RedisOptions>>().Value;
        Assert.Equal("lab1:", options.Configuration.ChannelPrefix.ToString());
        Assert.Equal(redis.ConnectionString, Assert.Single(options.Configuration.EndPoints).ToString());

        // A hub message to all goes out on Redis under the prefix, for every instance's backplane to hear.
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listener = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using (listener)
        {
            await listener.GetSubscriber().SubscribeAsync(RedisChannel.Pattern("lab1:*"), (channel, _) => received.TrySetResult(channel.ToString()));
            await provider.GetRequiredService<HubLifetimeManager<InventoryHub>>().SendAllAsync("Ping", []);
            Assert.StartsWith("lab1:", await received.Task.WaitAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_single_instance_has_no_backplane_and_no_feed()
    {
        var services = Services(new ConfigurationBuilder().Build());

        Assert.DoesNotContain(services, d => d.ImplementationType == typeof(RedisHubLifetimeManager<>));
        Assert.Contains(services, d => d.ServiceType == typeof(HubLifetimeManager<>) && d.ImplementationType == typeof(DefaultHubLifetimeManager<>));
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(ClusterFeedReplicator) || d.ServiceType == typeof(IConnectionMultiplexer));
    }

    private static ServiceCollection Services(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging();
        services.AddInventoryHub();
        services.AddDashboardCluster(configuration);
        return services;
    }
}
