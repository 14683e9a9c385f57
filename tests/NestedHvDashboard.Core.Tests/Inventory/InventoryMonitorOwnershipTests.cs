using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;
using static NestedHvDashboard.Core.Tests.Inventory.InventoryData;

namespace NestedHvDashboard.Core.Tests.Inventory;

/// <summary>
/// In a cluster the monitor watches a host only while this instance holds its lease: it waits for the lease before
/// connecting, stops the watch when the lease is lost without marking the host failed (its new owner reports it), waits
/// for the lease again, and gives it back when the host is removed.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class InventoryMonitorOwnershipTests : IAsyncLifetime
{
    private static readonly TimeSpan HostTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new();
    private readonly InventoryStore _store = new(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(10) });
    private readonly FakeHost _alpha = new("alpha", Vm(Guid.NewGuid(), "one"));
    private readonly FakeHost _beta = new("beta", Vm(Guid.NewGuid(), "b1"));
    private readonly FakeOwnership _ownership = new();
    private readonly InventoryMonitor _monitor;

    public InventoryMonitorOwnershipTests()
    {
        var options = new InventoryMonitorOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(100),
            ReconnectDelay = TimeSpan.FromMilliseconds(200),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(800),
        };
        _monitor = new InventoryMonitor(
            [new(_alpha, HostTimeout), new(_beta, HostTimeout)],
            _store,
            options,
            NullLogger<InventoryMonitor>.Instance,
            timeProvider: _time,
            ownership: _ownership);
    }

    public Task InitializeAsync() => _monitor.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _monitor.StopAsync(CancellationToken.None).WaitAsync(Patience);
        _monitor.Dispose();
    }

    private HostStatus? StatusOf(string host) => _store.GetSnapshot(host).Find(host)?.Status;

    [Fact]
    public async Task A_host_whose_lease_is_not_held_is_neither_read_nor_given_a_status_here()
    {
        await Eventually.HoldsAsync(() => _ownership.IsWaiting("alpha") && _ownership.IsWaiting("beta"));
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(0, _alpha.Reads);
        Assert.Null(StatusOf("alpha"));

        _ownership.Grant("alpha");
        await AdvanceUntilAsync(() => StatusOf("alpha")?.State == HostConnectionState.Connected, "alpha connected once owned");

        Assert.Equal(0, _beta.Reads);
        Assert.Null(StatusOf("beta"));
    }

    [Fact]
    public async Task A_lost_lease_stops_the_watch_without_marking_the_host_unreachable_and_it_resumes_when_owned_again()
    {
        var first = _ownership.Grant("alpha");
        await AdvanceUntilAsync(() => StatusOf("alpha")?.State == HostConnectionState.Connected, "alpha connected");

        _ownership.Lose("alpha");

        // The loop waits for the lease again: its watch has ended.
        await Eventually.HoldsAsync(() => _ownership.IsWaiting("alpha"));
        var reads = _alpha.Reads;
        for (var i = 0; i < 8; i++)
        {
            _time.Advance(Step);
        }

        Assert.Equal(reads, _alpha.Reads);
        Assert.Equal(HostConnectionState.Connected, StatusOf("alpha")?.State);
        Assert.Contains(first, _ownership.Released);

        _ownership.Grant("alpha");
        await AdvanceUntilAsync(() => _alpha.Reads > reads, "alpha read again once owned again");
        Assert.Equal(HostConnectionState.Connected, StatusOf("alpha")?.State);
    }

    [Fact]
    public async Task A_host_that_fails_while_owned_is_still_marked_unreachable()
    {
        _alpha.Mode = FakeHostMode.Down;
        _ownership.Grant("alpha");

        await AdvanceUntilAsync(() => StatusOf("alpha")?.State == HostConnectionState.Unreachable, "alpha unreachable");
    }

    [Fact]
    public async Task Removing_an_owned_host_gives_its_lease_back()
    {
        var lease = _ownership.Grant("beta");
        await AdvanceUntilAsync(() => StatusOf("beta")?.State == HostConnectionState.Connected, "beta connected");

        Assert.True(await _monitor.RemoveHostAsync("beta").WaitAsync(Patience));

        Assert.Contains(lease, _ownership.Released);
        Assert.Null(StatusOf("beta"));
    }

    [Fact]
    public async Task A_host_taken_over_while_its_former_owner_read_it_is_watched_from_the_vms_it_reported_and_a_reconnect_reads_everything()
    {
        // What this instance's store holds from the feed before it takes the hosts: gamma read and Connected at its former
        // owner; delta Unreachable there; epsilon never heard of.
        var store = new InventoryStore(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(10) });
        var reported = new[] { Vm(Guid.NewGuid(), "g1"), Vm(Guid.NewGuid(), "g2") };
        store.ApplyInventory("gamma", Read("gamma", reported));
        store.SetHostStatus("gamma", new HostStatus(HostConnectionState.Connected, _time.GetUtcNow()));
        store.ApplyInventory("delta", Read("delta", Vm(Guid.NewGuid(), "d1")));
        store.SetHostStatus("delta", new HostStatus(HostConnectionState.Unreachable, _time.GetUtcNow(), "refused"));
        var watch = new RecordingWatch();
        var ownership = new FakeOwnership();
        using var monitor = new InventoryMonitor(
            [new(new FakeHost("gamma"), HostTimeout), new(new FakeHost("delta"), HostTimeout), new(new FakeHost("epsilon"), HostTimeout)],
            store,
            new InventoryMonitorOptions { ReconnectDelay = TimeSpan.FromMilliseconds(200), MaxReconnectDelay = TimeSpan.FromMilliseconds(800) },
            NullLogger<InventoryMonitor>.Instance,
            watch,
            _time,
            ownership);
        await monitor.StartAsync(CancellationToken.None);
        try
        {
            ownership.Grant("gamma");
            ownership.Grant("delta");
            ownership.Grant("epsilon");
            await AdvanceUntilAsync(() => watch.Sessions("gamma").Count >= 2 && watch.Sessions("delta").Count >= 1 && watch.Sessions("epsilon").Count >= 1, "every host watched, gamma twice");

            var gamma = watch.Sessions("gamma");
            Assert.Equal(reported, gamma[0]);
            Assert.Null(gamma[1]);
            Assert.Null(watch.Sessions("delta")[0]);
            Assert.Null(watch.Sessions("epsilon")[0]);
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None).WaitAsync(Patience);
        }
    }

    [Fact]
    public void Only_a_host_its_former_owner_was_reading_is_taken_over_from_its_vms()
    {
        var vms = new[] { Vm(Guid.NewGuid(), "one") };
        HostInventoryState Known(HostConnectionState state, bool facts = true) =>
            new("alpha", new HostStatus(state, _time.GetUtcNow()), facts ? Facts("alpha") : null, vms, 1, _time.GetUtcNow());

        Assert.Same(vms, InventoryMonitor.TakenOver(Known(HostConnectionState.Connected)));
        Assert.Same(vms, InventoryMonitor.TakenOver(Known(HostConnectionState.Connecting)));
        Assert.Null(InventoryMonitor.TakenOver(Known(HostConnectionState.Unreachable)));
        Assert.Null(InventoryMonitor.TakenOver(Known(HostConnectionState.AuthenticationFailed)));
        Assert.Null(InventoryMonitor.TakenOver(Known(HostConnectionState.Connected, facts: false)));
    }

    // Moves fake time a step at a time, letting the loops run, until the condition holds.
    private async Task AdvanceUntilAsync(Func<bool> condition, string what)
    {
        var steps = 0;
        while (true)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromMilliseconds(100);
            while (DateTime.UtcNow < deadline)
            {
                if (condition())
                {
                    return;
                }

                await Task.Delay(5);
            }

            Assert.True(++steps < 200, $"{what}: not within {steps} steps of host time");
            _time.Advance(Step);
        }
    }

    /// <summary>
    /// Records the known VMs each watch session was started with; the first session of each host yields one inventory and
    /// ends (as a host that broke), every later one yields one and stays.
    /// </summary>
    private sealed class RecordingWatch : IHostInventoryWatch
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, List<IReadOnlyList<VmSnapshot>?>> _sessions = new(StringComparer.OrdinalIgnoreCase);

        public IReadOnlyList<IReadOnlyList<VmSnapshot>?> Sessions(string host)
        {
            lock (_gate)
            {
                return _sessions.TryGetValue(host, out var sessions) ? [.. sessions] : [];
            }
        }

        public async IAsyncEnumerable<HostInventory> WatchAsync(MonitoredHost host, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            int session;
            lock (_gate)
            {
                if (!_sessions.TryGetValue(host.Name, out var sessions))
                {
                    _sessions[host.Name] = sessions = [];
                }

                sessions.Add(host.KnownVms);
                session = sessions.Count;
            }

            yield return Read(host.Name, [.. host.KnownVms ?? []]);
            if (session == 1)
            {
                yield break;
            }

            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
    }

    /// <summary>Leases the test grants and takes away by hand, as the cluster's lease manager would.</summary>
    private sealed class FakeOwnership : IHostOwnership
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, TaskCompletionSource<HostLease>> _pending = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, CancellationTokenSource> _held = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<HostLease> _released = [];
        private readonly HashSet<string> _waiting = new(StringComparer.OrdinalIgnoreCase);
        private long _fence;

        public IReadOnlyList<HostLease> Released
        {
            get
            {
                lock (_gate)
                {
                    return [.. _released];
                }
            }
        }

        public bool IsWaiting(string host)
        {
            lock (_gate)
            {
                return _waiting.Contains(host);
            }
        }

        public HostLease Grant(string host)
        {
            var lost = new CancellationTokenSource();
            TaskCompletionSource<HostLease> pending;
            HostLease lease;
            lock (_gate)
            {
                pending = Pending(host);
                _held[host] = lost;
                lease = new HostLease(host, ++_fence, lost.Token);
            }

            pending.SetResult(lease);
            return lease;
        }

        public void Lose(string host)
        {
            CancellationTokenSource lost;
            lock (_gate)
            {
                lost = _held[host];
                _held.Remove(host);
            }

            lost.Cancel();
        }

        public async ValueTask<HostLease> AcquireAsync(string host, CancellationToken cancellationToken)
        {
            TaskCompletionSource<HostLease> pending;
            lock (_gate)
            {
                pending = Pending(host);
                _waiting.Add(host);
            }

            try
            {
                return await pending.Task.WaitAsync(cancellationToken);
            }
            finally
            {
                lock (_gate)
                {
                    _waiting.Remove(host);

                    // A grant is taken once: the next wait is for the next grant.
                    if (pending.Task.IsCompleted && _pending.TryGetValue(host, out var current) && current == pending)
                    {
                        _pending.Remove(host);
                    }
                }
            }
        }

        public ValueTask ReleaseAsync(HostLease lease)
        {
            lock (_gate)
            {
                _released.Add(lease);
            }

            return ValueTask.CompletedTask;
        }

        private TaskCompletionSource<HostLease> Pending(string host)
        {
            if (!_pending.TryGetValue(host, out var pending))
            {
                _pending[host] = pending = new TaskCompletionSource<HostLease>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return pending;
        }
    }
}
