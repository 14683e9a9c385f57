using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Cluster;
using NestedHvDashboard.Web.Tests.Overview;
using NestedHvDashboard.Web.Tests.Pages;

namespace NestedHvDashboard.Web.Tests.Cluster;

/// <summary>
/// The real inventory monitors of two instances over the real leases: every host's watch runs on exactly one instance at
/// any moment, the owner's store shows it Connected, and when an instance stops the other watches its hosts.
/// </summary>
public sealed class ClusterMonitorTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly string[] Hosts = [.. Enumerable.Range(1, 8).Select(i => $"HV-{i:00}")];

    [Fact]
    public async Task Each_host_is_watched_by_one_instance_at_a_time_and_a_stopping_ones_hosts_are_watched_by_the_other()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var watch = new CountingWatch();
        await using var a = await ClusterInstance.StartAsync(redis, "mgmt01:5000", []);
        await using var b = await ClusterInstance.StartAsync(redis, "mgmt02:5000", []);
        var (storeA, monitorA) = Monitor(a, watch);
        var (storeB, monitorB) = Monitor(b, watch);

        // Each sees the other alive before its monitor asks for hosts: else the first may take every host and hand the
        // other's share back a tick later (by design, but then it did watch them).
        await Eventually.HoldsAsync(() => a.Leases.Read().LiveMembers == 2 && b.Leases.Read().LiveMembers == 2, Patience);
        try
        {
            await monitorA.StartAsync(CancellationToken.None);
            await monitorB.StartAsync(CancellationToken.None);
            // Settled: each host watched once, Connected in its owner's store, and owned as rendezvous hashing says.
            await Eventually.HoldsAsync(
                () => Hosts.All(h => watch.Active(h) == 1 && StateIn(a.Leases.Owns(h, out _) ? storeA : storeB, h) == HostConnectionState.Connected
                    && b.Leases.Owns(h, out _) == (Rendezvous.Pick(h, [a.Id, b.Id]) == b.Id)),
                Patience);
            var hers = Hosts.Where(h => b.Leases.Owns(h, out _)).ToList();
            Assert.NotEmpty(hers);
            Assert.Equal(Hosts.Where(h => Rendezvous.Pick(h, [a.Id, b.Id]) == b.Id), hers);

            // The other instance's monitor gives no status to a host it does not own (the owner's feed does).
            Assert.All(hers, h => Assert.Null(StateIn(storeA, h)));

            await b.StopAsync();

            await Eventually.HoldsAsync(
                () => Hosts.All(h => a.Leases.Owns(h, out _) && watch.Active(h) == 1 && StateIn(storeA, h) == HostConnectionState.Connected),
                Patience);

            // Handed back, not failed: the stopping instance never marked them unreachable.
            Assert.All(hers, h => Assert.Equal(HostConnectionState.Connected, StateIn(storeB, h)));
            Assert.Empty(watch.WatchedTwice);
        }
        finally
        {
            await monitorA.StopAsync(CancellationToken.None);
            await monitorB.StopAsync(CancellationToken.None);
            monitorA.Dispose();
            monitorB.Dispose();
        }
    }

    private static HostConnectionState? StateIn(InventoryStore store, string host) => store.GetSnapshot(host).Find(host)?.Status.State;

    private static (InventoryStore Store, InventoryMonitor Monitor) Monitor(ClusterInstance instance, CountingWatch watch)
    {
        var store = new InventoryStore(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(20) });
        var hosts = Hosts.Select(h => new MonitoredHost(new FakeHyperVHost(h, TileData.Intel2022(h)), TimeSpan.FromSeconds(5)));
        var monitor = new InventoryMonitor(hosts, store, new InventoryMonitorOptions(), NullLogger<InventoryMonitor>.Instance, watch, TimeProvider.System, instance.Leases);
        return (store, monitor);
    }

    /// <summary>A watch shared by both instances: one inventory, then quiet until canceled; counts the watches running per host.</summary>
    private sealed class CountingWatch : IHostInventoryWatch
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, int> _active = new(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _twice = new(StringComparer.OrdinalIgnoreCase);

        public IReadOnlyCollection<string> WatchedTwice
        {
            get
            {
                lock (_gate)
                {
                    return [.. _twice];
                }
            }
        }

        public int Active(string host)
        {
            lock (_gate)
            {
                return _active.GetValueOrDefault(host);
            }
        }

        public async IAsyncEnumerable<HostInventory> WatchAsync(MonitoredHost host, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                var now = _active[host.Name] = _active.GetValueOrDefault(host.Name) + 1;
                if (now > 1)
                {
                    _twice.Add(host.Name);
                }
            }

            try
            {
                yield return new HostInventory(TileData.Intel2022(host.Name), [], DateTimeOffset.UtcNow);
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }
            finally
            {
                lock (_gate)
                {
                    _active[host.Name]--;
                }
            }
        }
    }
}
