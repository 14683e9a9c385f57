using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NestedHvDashboard.Core.Inventory;
using static NestedHvDashboard.Core.Tests.Inventory.InventoryData;

namespace NestedHvDashboard.Core.Tests.Inventory;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class InventoryMonitorTests : IAsyncLifetime
{
    private static readonly TimeSpan HostTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly Guid One = Guid.Parse("00000000-0000-0000-0000-000000000001");
    private static readonly Guid Two = Guid.Parse("00000000-0000-0000-0000-000000000002");
    private static readonly Guid Three = Guid.Parse("00000000-0000-0000-0000-000000000003");

    private readonly FakeTimeProvider _time = new();
    private readonly InventoryStore _store = new(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(10) });
    private readonly FakeHost _alpha = new("alpha", Vm(One, "one"), Vm(Two, "two"));
    private readonly FakeHost _beta = new("beta", Vm(Guid.NewGuid(), "b1"));
    private readonly FakeHost _gamma = new("gamma", Vm(Guid.NewGuid(), "g1"));
    private readonly InventoryMonitor _monitor;

    public InventoryMonitorTests()
    {
        var options = new InventoryMonitorOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(100),
            ReconnectDelay = TimeSpan.FromMilliseconds(200),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(800),
        };
        _monitor = new InventoryMonitor(
            [new(_alpha, HostTimeout), new(_beta, HostTimeout), new(_gamma, HostTimeout)],
            _store,
            options,
            NullLogger<InventoryMonitor>.Instance,
            timeProvider: _time);
    }

    public Task InitializeAsync() => _monitor.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        // Stopping must not wait for the hung host.
        await _monitor.StopAsync(CancellationToken.None).WaitAsync(Patience);
        _monitor.Dispose();
    }

    private HostStatus StatusOf(string host) => _store.GetSnapshot(host).Hosts[0].Status;

    private long VersionOf(string host) => _store.GetSnapshot(host).Hosts[0].Version;

    /// <summary>
    /// Moves fake time one step at a time, letting the loops run after each, until the condition
    /// holds; returns the fake time that took, or fails past the budget.
    /// </summary>
    private async Task<TimeSpan> AdvanceUntilAsync(Func<bool> condition, TimeSpan budget, string what)
    {
        var elapsed = TimeSpan.Zero;
        while (true)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromMilliseconds(100);
            while (DateTime.UtcNow < deadline)
            {
                if (condition())
                {
                    return elapsed;
                }

                await Task.Delay(5);
            }

            Assert.True(elapsed < budget, $"{what}: not within {budget.TotalSeconds} s of host time");
            _time.Advance(Step);
            elapsed += Step;
        }
    }

    [Fact]
    public async Task Every_host_is_connected_with_its_vms_after_the_first_read()
    {
        await AdvanceUntilAsync(() => new[] { "alpha", "beta", "gamma" }.All(h => StatusOf(h).State == HostConnectionState.Connected), HostTimeout, "all connected");

        var snapshot = _store.GetSnapshot();
        Assert.Equal(["alpha", "beta", "gamma"], snapshot.Hosts.Select(h => h.Name));
        Assert.Equal([One, Two], snapshot.Find("alpha")!.Vms.Select(v => v.Id));
        Assert.All(snapshot.Hosts, h => Assert.NotNull(h.Facts));
    }

    [Fact]
    public async Task A_hung_host_is_unreachable_within_twice_its_timeout_while_the_others_keep_streaming_and_it_resyncs_when_back()
    {
        await using var subscription = _store.Subscribe("alpha");
        var replica = new Replica(subscription.Snapshot);
        var seen = new List<InventoryChange>();
        using var stop = new CancellationTokenSource();
        var follow = Task.Run(async () =>
        {
            await foreach (var batch in subscription.ReadBatchesAsync(stop.Token))
            {
                lock (seen)
                {
                    replica.Apply(batch);
                    seen.AddRange(batch.Changes);
                }
            }
        });

        await AdvanceUntilAsync(() => StatusOf("alpha").State == HostConnectionState.Connected && StatusOf("beta").State == HostConnectionState.Connected, HostTimeout, "connected");
        _alpha.Mode = FakeHostMode.Hung;
        var beta = VersionOf("beta");
        var gamma = VersionOf("gamma");

        await AdvanceUntilAsync(() => StatusOf("alpha").State == HostConnectionState.Unreachable, 2 * HostTimeout, "alpha unreachable");

        Assert.Contains("alpha", StatusOf("alpha").LastError, StringComparison.Ordinal);
        Assert.Contains("no answer", StatusOf("alpha").LastError, StringComparison.Ordinal);
        await AdvanceUntilAsync(() => VersionOf("beta") > beta && VersionOf("gamma") > gamma, HostTimeout, "beta and gamma stream on");
        Assert.Equal(HostConnectionState.Connected, StatusOf("beta").State);
        Assert.Equal(HostConnectionState.Connected, StatusOf("gamma").State);

        // While it was away, one VM went and another came.
        _alpha.SetVms(Vm(Two, "two"), Vm(Three, "three"));
        _alpha.Mode = FakeHostMode.Healthy;
        await AdvanceUntilAsync(() => StatusOf("alpha").State == HostConnectionState.Connected, TimeSpan.FromSeconds(2), "alpha back");

        Assert.Equal([Two, Three], _store.GetSnapshot("alpha").Hosts[0].Vms.Select(v => v.Id));
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            lock (seen)
            {
                if (seen.Any(c => c is { Kind: InventoryChangeKind.HostChanged, Status.State: HostConnectionState.Connected } && c.Version > 3))
                {
                    replica.AssertMatches(_store.GetSnapshot("alpha"));
                    Assert.Contains(seen, c => c is { Kind: InventoryChangeKind.VmRemoved } && c.VmId == One);
                    Assert.Contains(seen, c => c is { Kind: InventoryChangeKind.VmAdded } && c.VmId == Three);
                    Assert.Contains(seen, c => c is { Kind: InventoryChangeKind.HostChanged, Status.State: HostConnectionState.Unreachable });
                    break;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, "the subscriber never saw alpha reconnect");
            await Task.Delay(10);
        }

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => follow);
    }

    [Fact]
    public async Task Refused_credentials_show_as_authentication_failed_with_the_hosts_message()
    {
        _beta.Mode = FakeHostMode.RejectsCredentials;

        await AdvanceUntilAsync(() => StatusOf("beta").State == HostConnectionState.AuthenticationFailed, HostTimeout, "auth failed");

        Assert.Contains("Access is denied.", StatusOf("beta").LastError, StringComparison.Ordinal);
        Assert.Contains("authentication failed", StatusOf("beta").LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusing_host_stays_unreachable_since_its_first_failure_while_retrying()
    {
        _gamma.Mode = FakeHostMode.Down;
        await AdvanceUntilAsync(() => StatusOf("gamma").State == HostConnectionState.Unreachable, HostTimeout, "unreachable");
        var since = StatusOf("gamma").Since;
        var reads = _gamma.Reads;

        await AdvanceUntilAsync(() => _gamma.Reads >= reads + 2, TimeSpan.FromSeconds(3), "two retries");

        Assert.Equal(HostConnectionState.Unreachable, StatusOf("gamma").State);
        Assert.Equal(since, StatusOf("gamma").Since);
        Assert.Contains("Connection refused", StatusOf("gamma").LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_added_while_running_is_connecting_at_once_then_connected_with_its_vms()
    {
        await using var subscription = _store.Subscribe();
        var live = new LiveInventory(subscription.Snapshot);
        var delta = new FakeHost("delta", Vm(Three, "three"));

        _monitor.AddHost(new MonitoredHost(delta, HostTimeout));

        Assert.Equal(HostConnectionState.Connecting, StatusOf("delta").State);
        Assert.Contains("delta", _monitor.HostNames);
        await AdvanceUntilAsync(() => StatusOf("delta").State == HostConnectionState.Connected, HostTimeout, "delta connected");
        Assert.Equal([Three], _store.GetSnapshot("delta").Hosts[0].Vms.Select(v => v.Id));

        await FollowUntilAsync(subscription, live, () => live.Find("delta") is { Status.State: HostConnectionState.Connected, Vms.Count: 1 });
        Assert.Throws<InvalidOperationException>(() => _monitor.AddHost(new MonitoredHost(new FakeHost("DELTA"), HostTimeout)));
    }

    [Fact]
    public async Task A_removed_host_leaves_the_feed_and_is_never_read_again_while_the_others_stream_on()
    {
        await AdvanceUntilAsync(() => StatusOf("beta").State == HostConnectionState.Connected, HostTimeout, "beta connected");
        await using var subscription = _store.Subscribe();
        var live = new LiveInventory(subscription.Snapshot);
        Assert.NotNull(live.Find("beta"));

        Assert.True(await _monitor.RemoveHostAsync("BETA").WaitAsync(Patience));

        Assert.DoesNotContain(_store.GetSnapshot().Hosts, h => h.Name == "beta");
        Assert.DoesNotContain("beta", _monitor.HostNames);
        Assert.False(await _monitor.RemoveHostAsync("beta"));
        await FollowUntilAsync(subscription, live, () => live.Find("beta") is null);

        var reads = _beta.Reads;
        var alpha = VersionOf("alpha");
        await AdvanceUntilAsync(() => VersionOf("alpha") > alpha + 2, TimeSpan.FromSeconds(3), "alpha streams on");
        Assert.Equal(reads, _beta.Reads);
        Assert.DoesNotContain(_store.GetSnapshot().Hosts, h => h.Name == "beta");
    }

    [Fact]
    public async Task A_hung_host_can_be_removed()
    {
        await AdvanceUntilAsync(() => StatusOf("gamma").State == HostConnectionState.Connected, HostTimeout, "gamma connected");
        _gamma.Mode = FakeHostMode.Hung;
        var reads = _gamma.Reads;
        await AdvanceUntilAsync(() => _gamma.Reads > reads, HostTimeout, "a hung read");

        Assert.True(await _monitor.RemoveHostAsync("gamma").WaitAsync(Patience));

        Assert.Empty(_store.GetSnapshot("gamma").Hosts);
    }

    [Fact]
    public async Task Replacing_a_host_watches_the_new_settings_under_the_new_name()
    {
        await AdvanceUntilAsync(() => StatusOf("alpha").State == HostConnectionState.Connected, HostTimeout, "alpha connected");
        var renamed = new FakeHost("alpha-2", Vm(Three, "three"));

        await _monitor.ReplaceHostAsync("alpha", new MonitoredHost(renamed, HostTimeout)).WaitAsync(Patience);

        var reads = _alpha.Reads;
        await AdvanceUntilAsync(() => StatusOf("alpha-2").State == HostConnectionState.Connected && renamed.Reads > 2, TimeSpan.FromSeconds(3), "alpha-2 connected");
        Assert.Equal(reads, _alpha.Reads);
        Assert.Equal(["beta", "gamma", "alpha-2"], _store.GetSnapshot().Hosts.Select(h => h.Name));
        Assert.Equal([Three], _store.GetSnapshot("alpha-2").Hosts[0].Vms.Select(v => v.Id));
    }

    [Fact]
    public async Task Hosts_added_before_the_start_wait_for_it_and_then_behave_like_the_first_ones()
    {
        var store = new InventoryStore(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(10) });
        using var monitor = new InventoryMonitor([], store, new InventoryMonitorOptions { PollInterval = TimeSpan.FromMilliseconds(100) }, NullLogger<InventoryMonitor>.Instance, timeProvider: _time);
        var delta = new FakeHost("delta", Vm(One, "one"));
        monitor.AddHost(new MonitoredHost(delta, HostTimeout));
        Assert.Empty(store.GetSnapshot().Hosts);

        await monitor.StartAsync(CancellationToken.None);
        try
        {
            Assert.Equal(["delta"], store.GetSnapshot().Hosts.Select(h => h.Name));
            await AdvanceUntilAsync(() => store.GetSnapshot("delta").Hosts[0].Status.State == HostConnectionState.Connected, HostTimeout, "delta connected");
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None).WaitAsync(Patience);
        }
    }

    [Fact]
    public async Task A_host_whose_endpoint_refuses_tcp_is_unreachable_without_its_transport_being_started()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var delta = new FakeHost("delta", Vm(One, "one"));

        _monitor.AddHost(new MonitoredHost(delta, HostTimeout, ("127.0.0.1", port)));

        await AdvanceUntilAsync(() => StatusOf("delta").State == HostConnectionState.Unreachable, HostTimeout, "delta unreachable");
        Assert.Contains($"TCP connect to 127.0.0.1:{port} on host 'delta': host unreachable", StatusOf("delta").LastError, StringComparison.Ordinal);
        Assert.Equal(0, delta.Reads);
    }

    [Fact]
    public async Task A_host_whose_endpoint_listens_is_read_as_usual()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var delta = new FakeHost("delta", Vm(One, "one"));
            _monitor.AddHost(new MonitoredHost(delta, HostTimeout, ("127.0.0.1", ((System.Net.IPEndPoint)listener.LocalEndpoint).Port)));

            await AdvanceUntilAsync(() => StatusOf("delta").State == HostConnectionState.Connected, HostTimeout, "delta connected");
            Assert.True(delta.Reads > 0);
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>Reads the subscription into <paramref name="live"/> until the condition holds, or fails past the patience.</summary>
    private static async Task FollowUntilAsync(InventorySubscription subscription, LiveInventory live, Func<bool> condition)
    {
        using var patience = new CancellationTokenSource(Patience);
        await foreach (var batch in subscription.ReadBatchesAsync(patience.Token))
        {
            live.Apply(batch);
            if (condition())
            {
                return;
            }
        }
    }
}
