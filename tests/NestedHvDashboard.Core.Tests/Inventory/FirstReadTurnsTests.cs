using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using static NestedHvDashboard.Core.Tests.Inventory.InventoryData;

namespace NestedHvDashboard.Core.Tests.Inventory;

/// <summary>
/// At most <see cref="InventoryMonitorOptions.MaxConcurrentFirstReads"/> hosts read their first inventory at once (a start
/// with 200 hosts ran ~150 first reads together on two cores, contending for the same locks); the others show Connecting
/// until their turn, and a turn is given back by the first inventory or by a failed session.
/// </summary>
public sealed class FirstReadTurnsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task First_reads_are_bounded_and_every_host_connects_in_turn()
    {
        var watch = new HeldFirstReads(failFirstOf: "h03");
        var store = new InventoryStore(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(10) });
        var hosts = Enumerable.Range(0, 12).Select(i => new MonitoredHost(new FakeHost($"h{i:00}", Vm(Guid.NewGuid(), $"vm{i}")), TimeSpan.FromSeconds(5))).ToList();
        using var monitor = new InventoryMonitor(
            hosts,
            store,
            new InventoryMonitorOptions { MaxConcurrentFirstReads = 3, ReconnectDelay = TimeSpan.FromMilliseconds(10), MaxReconnectDelay = TimeSpan.FromMilliseconds(20) },
            NullLogger<InventoryMonitor>.Instance,
            watch);
        await monitor.StartAsync(CancellationToken.None);
        try
        {
            await WaitAsync(() => watch.Reading == 3);
            await Task.Delay(200); // more would have started by now without the bound
            Assert.Equal(3, watch.Reading);
            Assert.All(store.GetSnapshot().Hosts, h => Assert.Equal(HostConnectionState.Connecting, h.Status.State)); // reading or waiting for a turn

            watch.ReleaseAll();
            await WaitAsync(() => store.GetSnapshot().Hosts.All(h => h.Status.State == HostConnectionState.Connected));
            Assert.Equal(3, watch.MostAtOnce);
            Assert.Equal(13, watch.Sessions); // h03's first session failed and gave its turn back; it connected on the next
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None).WaitAsync(Patience);
        }
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    /// <summary>Each session's first inventory waits until released; h-failing's first session fails instead.</summary>
    private sealed class HeldFirstReads(string failFirstOf) : IHostInventoryWatch
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _reading;
        private int _most;
        private int _sessions;
        private int _failed;

        public int Reading => Volatile.Read(ref _reading);

        public int MostAtOnce => Volatile.Read(ref _most);

        public int Sessions => Volatile.Read(ref _sessions);

        public void ReleaseAll() => _release.TrySetResult();

        public async IAsyncEnumerable<HostInventory> WatchAsync(MonitoredHost host, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sessions);
            var now = Interlocked.Increment(ref _reading);
            InterlockedMax(ref _most, now);
            try
            {
                await _release.Task.WaitAsync(cancellationToken);
                if (host.Name == failFirstOf && Interlocked.Exchange(ref _failed, 1) == 0)
                {
                    throw new HostOperationException(HostErrorKind.Unreachable, host.Name, "Watch inventory", "gone");
                }
            }
            finally
            {
                Interlocked.Decrement(ref _reading);
            }

            yield return await host.Host.GetInventoryAsync(cancellationToken);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }
}
