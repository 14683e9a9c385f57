using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Web.Cluster;

namespace NestedHvDashboard.Web.Tests.Cluster;

/// <summary>
/// A takeover opens the dead instance's hosts before their leases run out, against a real redis-server: the instance that
/// will take each host is told once (<see cref="HostLeaseManager.Expected"/>, when the dead one is out of the members)
/// and <see cref="ConnectAhead"/> opens it then.
/// </summary>
public sealed class ConnectAheadTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly string[] Hosts = [.. Enumerable.Range(1, 12).Select(i => $"HV-{i:00}")];

    [Fact]
    public async Task The_survivor_opens_each_host_of_a_vanished_instance_once_before_it_owns_it()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var (a, b) = await TwoInstancesAsync(redis);
        await using var disposeA = a;
        await using var disposeB = b;
        var opened = new ConcurrentQueue<(string Host, bool OwnedThen)>();
        using var ahead = new ConnectAhead(a.Leases, name => new Recording(name, a, opened), NullLogger<ConnectAhead>.Instance);
        await ahead.StartAsync(CancellationToken.None);
        var before = opened.Count;
        var taken = b.Watched;

        b.Vanish();

        await Eventually.HoldsAsync(() => a.Watched.Count == Hosts.Length, Patience);
        var openedAhead = opened.Skip(before).ToList();
        Assert.Equal(taken, openedAhead.Select(o => o.Host).Order(StringComparer.Ordinal).ToList());
        Assert.All(openedAhead, o => Assert.False(o.OwnedThen, $"{o.Host} was opened ahead only once it was owned"));
        await ahead.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_host_that_cannot_be_opened_ahead_is_left_to_its_watch_and_the_lease_tick_goes_on()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var (a, b) = await TwoInstancesAsync(redis);
        await using var disposeA = a;
        await using var disposeB = b;
        var tried = new ConcurrentQueue<string>();
        using var ahead = new ConnectAhead(a.Leases, name => new Failing(name, tried), NullLogger<ConnectAhead>.Instance);
        await ahead.StartAsync(CancellationToken.None);
        var taken = b.Watched;

        b.Vanish();

        await Eventually.HoldsAsync(() => a.Watched.Count == Hosts.Length, Patience);
        Assert.Equal(taken, tried.Distinct().Order(StringComparer.Ordinal).ToList());
        await ahead.StopAsync(CancellationToken.None);
    }

    // Two instances sharing the hosts. A 9 s lease: one is counted out of the members 4.5 s after it vanished, and its
    // locks free 6-9 s after.
    private static async Task<(ClusterInstance A, ClusterInstance B)> TwoInstancesAsync(RedisServer redis)
    {
        var a = await ClusterInstance.StartAsync(redis, "mgmt01:5000", Hosts, leaseSeconds: 9);
        var b = await ClusterInstance.StartAsync(redis, "mgmt02:5000", Hosts, leaseSeconds: 9);
        // Settled as rendezvous hashing splits them, not only both watching some: the first to start may take every host and
        // hand B its share a tick later, and a B still taking its share when the test reads it made a run fail.
        await Eventually.HoldsAsync(
            () => a.Watched.Count + b.Watched.Count == Hosts.Length && Hosts.All(h => b.Watched.Contains(h) == (Rendezvous.Pick(h, [a.Id, b.Id]) == b.Id)),
            Patience);
        return (a, b);
    }

    // Records when it was opened, and whether the instance owned the host then.
    private sealed class Recording(string host, ClusterInstance instance, ConcurrentQueue<(string, bool)> opened) : IConnectAhead
    {
        public Task ConnectAheadAsync(CancellationToken cancellationToken)
        {
            opened.Enqueue((host, instance.Leases.Owns(host, out _)));
            return Task.CompletedTask;
        }
    }

    private sealed class Failing(string host, ConcurrentQueue<string> tried) : IConnectAhead
    {
        public Task ConnectAheadAsync(CancellationToken cancellationToken)
        {
            tried.Enqueue(host);
            return Task.FromException(new HostOperationException(HostErrorKind.Unreachable, host, "Connect", "no answer"));
        }
    }
}
