using Microsoft.Extensions.Time.Testing;
using NestedHvDashboard.Core.Inventory;
using static NestedHvDashboard.Core.Tests.Inventory.InventoryData;

namespace NestedHvDashboard.Core.Tests.Inventory;

public sealed class InventoryStoreTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly Guid A = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid B = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid C = Guid.Parse("00000000-0000-0000-0000-00000000000c");

    private readonly FakeTimeProvider _time = new();

    private InventoryStore NewStore(int capacity = 4096) =>
        new(new InventoryFeedOptions { BatchInterval = Interval, SubscriberCapacity = capacity }, _time);

    /// <summary>The next batch: lets the subscriber's minimum interval pass in fake time, then waits for it.</summary>
    private async Task<InventoryBatch> NextAsync(IAsyncEnumerator<InventoryBatch> batches)
    {
        var move = batches.MoveNextAsync().AsTask();
        _time.Advance(Interval);
        Assert.True(await move.WaitAsync(Patience), "the feed ended");
        return batches.Current;
    }

    [Fact]
    public void The_first_read_adds_the_host_facts_and_every_vm_as_one_version()
    {
        var store = NewStore();

        var changes = store.ApplyInventory("hv1", Read("hv1", Vm(A, "a"), Vm(B, "b")));

        Assert.Equal([InventoryChangeKind.HostChanged, InventoryChangeKind.VmAdded, InventoryChangeKind.VmAdded], changes.Select(c => c.Kind));
        Assert.All(changes, c => Assert.Equal(1, c.Version));
        var host = Assert.Single(store.GetSnapshot().Hosts);
        Assert.Equal(1, host.Version);
        Assert.Equal([A, B], host.Vms.Select(v => v.Id));
    }

    [Fact]
    public void A_reread_with_equal_values_in_new_lists_is_no_change()
    {
        var store = NewStore();
        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a"), Vm(B, "b")));

        // Fresh adapter and version lists, equal by value: records alone would call them different.
        var changes = store.ApplyInventory("hv1", Read("hv1", Vm(A, "a"), Vm(B, "b")));

        Assert.Empty(changes);
        Assert.Equal(1, store.GetSnapshot().Hosts[0].Version);
    }

    [Fact]
    public void Changed_removed_and_added_vms_are_reported_by_id()
    {
        var store = NewStore();
        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a"), Vm(B, "b")));

        var changes = store.ApplyInventory("hv1", Read("hv1", Vm(A, "a", spoofing: true), Vm(C, "c")));

        Assert.Equal(
            [(InventoryChangeKind.VmChanged, A), (InventoryChangeKind.VmAdded, C), (InventoryChangeKind.VmRemoved, B)],
            changes.Select(c => (c.Kind, c.VmId)));
        Assert.True(changes[0].Vm!.NetworkAdapters[0].MacAddressSpoofing);
        Assert.All(changes, c => Assert.Equal(2, c.Version));
    }

    [Fact]
    public void A_status_that_says_the_same_is_not_published_again()
    {
        var store = NewStore();
        var since = _time.GetUtcNow();

        Assert.NotNull(store.SetHostStatus("hv1", new HostStatus(HostConnectionState.Unreachable, since, "refused")));
        Assert.Null(store.SetHostStatus("hv1", new HostStatus(HostConnectionState.Unreachable, since.AddSeconds(5), "refused")));
        Assert.NotNull(store.SetHostStatus("hv1", new HostStatus(HostConnectionState.Unreachable, since, "timed out")));
        Assert.Equal(2, store.GetSnapshot().Hosts[0].Version);
    }

    [Fact]
    public async Task A_subscriber_gets_every_host_change_in_version_order_and_its_replica_matches_the_store()
    {
        var store = NewStore();
        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a")));
        await using var subscription = store.Subscribe();
        var replica = new Replica(subscription.Snapshot);
        await using var batches = subscription.ReadBatchesAsync().GetAsyncEnumerator();

        var received = new List<InventoryChange>();
        for (var round = 1; round <= 20; round++)
        {
            store.ApplyInventory("hv1", Read("hv1", Vm(A, "a", memory: round), Vm(B, "b", memory: round % 3)));
            store.ApplyInventory("hv2", Read("hv2", round % 2 == 0 ? [Vm(C, "c", memory: round)] : []));
            if (round % 5 == 0)
            {
                store.SetHostStatus("hv2", new HostStatus(round % 10 == 0 ? HostConnectionState.Connected : HostConnectionState.Unreachable, _time.GetUtcNow()));
            }

            var batch = await NextAsync(batches);
            Assert.False(batch.IsResync);
            received.AddRange(batch.Changes);
            replica.Apply(batch);
        }

        replica.AssertMatches(store.GetSnapshot());
        foreach (var host in received.GroupBy(c => c.Host))
        {
            var versions = host.Select(c => c.Version).ToList();
            Assert.Equal(versions.Order(), versions);
            Assert.Equal(store.GetSnapshot(host.Key).Hosts[0].Version, versions[^1]);
        }
    }

    [Fact]
    public async Task Changes_are_coalesced_into_one_batch_per_interval_and_one_change_per_vm()
    {
        var store = NewStore();
        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a"), Vm(B, "b")));
        await using var subscription = store.Subscribe();
        await using var batches = subscription.ReadBatchesAsync().GetAsyncEnumerator();

        for (var memory = 1; memory <= 5; memory++)
        {
            store.ApplyInventory("hv1", Read("hv1", Vm(A, "a", memory: memory), Vm(B, "b", memory: memory * 10)));
        }

        var first = await NextAsync(batches);
        Assert.Equal([(A, Vm(A, "a", memory: 5).MemoryAssignedBytes), (B, Vm(B, "b", memory: 50).MemoryAssignedBytes)], first.Changes.Select(c => (c.VmId, c.Vm!.MemoryAssignedBytes)));
        Assert.All(first.Changes, c => Assert.Equal(6, c.Version));

        // The next batch waits for the interval: with the clock stopped, it cannot come.
        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a", memory: 99), Vm(B, "b", memory: 50)));
        var move = batches.MoveNextAsync();
        Assert.False(move.IsCompleted);
        _time.Advance(Interval);
        Assert.True(await move.AsTask().WaitAsync(Patience));
        var second = Assert.Single(batches.Current.Changes);
        Assert.Equal((A, Vm(A, "a", memory: 99).MemoryAssignedBytes), (second.VmId, second.Vm!.MemoryAssignedBytes));
    }

    [Fact]
    public async Task A_vm_added_then_removed_within_one_interval_is_never_sent()
    {
        var store = NewStore();
        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a")));
        await using var subscription = store.Subscribe();
        await using var batches = subscription.ReadBatchesAsync().GetAsyncEnumerator();

        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a"), Vm(B, "b")));
        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a"), Vm(B, "b", memory: 7)));
        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a", memory: 1)));

        var batch = await NextAsync(batches);
        var change = Assert.Single(batch.Changes);
        Assert.Equal((InventoryChangeKind.VmChanged, A), (change.Kind, change.VmId));
    }

    [Fact]
    public async Task A_lagging_subscriber_is_resynced_with_a_snapshot_while_others_get_every_change()
    {
        var store = NewStore(capacity: 4);
        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a")));
        await using var slow = store.Subscribe();
        await using var fast = store.Subscribe();
        await using var fastBatches = fast.ReadBatchesAsync().GetAsyncEnumerator();
        var fastReplica = new Replica(fast.Snapshot);

        for (var memory = 1; memory <= 10; memory++)
        {
            // Never blocks, though the slow subscriber reads nothing.
            store.ApplyInventory("hv1", Read("hv1", Vm(A, "a", memory: memory)));
            fastReplica.Apply(await NextAsync(fastBatches));
        }

        fastReplica.AssertMatches(store.GetSnapshot());

        await using var slowBatches = slow.ReadBatchesAsync().GetAsyncEnumerator();
        var resync = await NextAsync(slowBatches);
        Assert.True(resync.IsResync);
        Assert.Equal(Vm(A, "a", memory: 10).MemoryAssignedBytes, resync.Resync!.Find("hv1")!.Vms[0].MemoryAssignedBytes);

        // After the resync it follows changes again, from the snapshot on.
        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a", memory: 42)));
        var next = await NextAsync(slowBatches);
        Assert.False(next.IsResync);
        Assert.Equal(Vm(A, "a", memory: 42).MemoryAssignedBytes, Assert.Single(next.Changes).Vm!.MemoryAssignedBytes);
    }

    [Fact]
    public async Task A_host_subscription_sees_only_that_host()
    {
        var store = NewStore();
        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a")));
        store.ApplyInventory("hv2", Read("hv2", Vm(B, "b")));
        await using var subscription = store.Subscribe("HV2");
        await using var batches = subscription.ReadBatchesAsync().GetAsyncEnumerator();

        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a", memory: 1)));
        store.ApplyInventory("hv2", Read("hv2", Vm(B, "b", memory: 2)));

        Assert.Equal(["hv2"], subscription.Snapshot.Hosts.Select(h => h.Name));
        var change = Assert.Single((await NextAsync(batches)).Changes);
        Assert.Equal(("hv2", B), (change.Host, change.VmId));
    }

    [Fact]
    public async Task Disposing_a_subscription_frees_it_and_ends_its_stream()
    {
        var store = NewStore();
        var subscription = store.Subscribe();
        var batches = subscription.ReadBatchesAsync().GetAsyncEnumerator();
        Assert.Equal(1, store.SubscriberCount);

        var move = batches.MoveNextAsync().AsTask();
        await subscription.DisposeAsync();

        Assert.Equal(0, store.SubscriberCount);
        Assert.False(await move.WaitAsync(Patience));
        await batches.DisposeAsync();
        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a")));
        Assert.Equal(0, store.SubscriberCount);
    }

    [Fact]
    public async Task Leaving_the_enumeration_frees_the_subscription()
    {
        var store = NewStore();
        var subscription = store.Subscribe();
        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a")));

        await foreach (var batch in subscription.ReadBatchesAsync())
        {
            Assert.NotEmpty(batch.Changes);
            break;
        }

        Assert.Equal(0, store.SubscriberCount);
    }

    [Fact]
    public async Task Many_idle_subscribers_hold_at_most_their_capacity_and_resync_when_they_read()
    {
        var store = NewStore(capacity: 8);
        var subscriptions = Enumerable.Range(0, 200).Select(_ => store.Subscribe()).ToList();

        for (var memory = 0; memory < 500; memory++)
        {
            store.ApplyInventory("hv1", Read("hv1", Vm(A, "a", memory: memory % 100), Vm(B, "b", memory: memory)));
        }

        await using var batches = subscriptions[^1].ReadBatchesAsync().GetAsyncEnumerator();
        var first = await NextAsync(batches);
        Assert.True(first.IsResync);
        Assert.Equal(Vm(B, "b", memory: 499).MemoryAssignedBytes, first.Resync!.Find("hv1")!.Vms.Single(v => v.Id == B).MemoryAssignedBytes);
        foreach (var subscription in subscriptions)
        {
            await subscription.DisposeAsync();
        }

        Assert.Equal(0, store.SubscriberCount);
    }

    [Fact]
    public async Task Removing_a_host_drops_it_from_the_snapshot_and_tells_every_subscriber()
    {
        var store = NewStore();
        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a")));
        store.ApplyInventory("hv2", Read("hv2", Vm(B, "b")));
        await using var all = store.Subscribe();
        await using var batches = all.ReadBatchesAsync().GetAsyncEnumerator();
        var replica = new Replica(all.Snapshot);

        var removed = store.RemoveHost("hv1");

        Assert.NotNull(removed);
        Assert.Equal((InventoryChangeKind.HostRemoved, "hv1"), (removed.Kind, removed.Host));
        Assert.Equal(["hv2"], store.GetSnapshot().Hosts.Select(h => h.Name));
        Assert.Empty(store.GetSnapshot("hv1").Hosts);
        Assert.Null(store.RemoveHost("hv1"));

        var batch = await NextAsync(batches);
        Assert.Equal(removed, Assert.Single(batch.Changes));
        replica.Apply(batch);
        replica.AssertMatches(store.GetSnapshot());
    }

    [Fact]
    public async Task Changes_waiting_for_a_removed_host_are_dropped_and_a_host_added_again_follows_its_removal()
    {
        var store = NewStore();
        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a")));
        await using var subscription = store.Subscribe();
        await using var batches = subscription.ReadBatchesAsync().GetAsyncEnumerator();
        var replica = new Replica(subscription.Snapshot);

        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a", memory: 5), Vm(B, "b")));
        store.RemoveHost("hv1");
        store.SetHostStatus("hv1", new HostStatus(HostConnectionState.Connecting, _time.GetUtcNow()));
        store.ApplyInventory("hv1", Read("hv1", Vm(C, "c")));

        var batch = await NextAsync(batches);

        Assert.Equal(InventoryChangeKind.HostRemoved, batch.Changes[0].Kind);
        Assert.DoesNotContain(batch.Changes, c => c.VmId == B);
        var versions = batch.Changes.Select(c => c.Version).ToList();
        Assert.Equal(versions.Order(), versions);
        replica.Apply(batch);
        replica.AssertMatches(store.GetSnapshot());
        Assert.Equal([C], store.GetSnapshot("hv1").Hosts[0].Vms.Select(v => v.Id));
    }

    [Fact]
    public async Task Cpu_and_uptime_are_metrics_that_never_count_as_changes_and_reach_subscribers_at_the_metrics_interval()
    {
        var store = NewStore();
        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a", cpu: 5), Vm(B, "b")));
        var version = store.GetSnapshot("hv1").Hosts[0].Version;
        await using var subscription = store.Subscribe();
        await using var batches = subscription.ReadBatchesAsync().GetAsyncEnumerator();

        // Only CPU and uptime moved: no change, no new version, but the store's snapshot is current.
        var changes = store.ApplyInventory("hv1", Read("hv1", Vm(A, "a", cpu: 60) with { Uptime = TimeSpan.FromHours(2) }, Vm(B, "b")));
        Assert.Empty(changes);
        var held = store.GetSnapshot("hv1").Hosts[0];
        Assert.Equal(version, held.Version);
        Assert.Equal((60, TimeSpan.FromHours(2)), held.Vms.Single(v => v.Id == A) is var a ? (a.CpuUsagePercent, a.Uptime) : default);

        // Nothing for the subscriber at the batch interval; a metrics-only batch at the metrics interval.
        var move = batches.MoveNextAsync();
        _time.Advance(Interval);
        Assert.False(move.IsCompleted);
        _time.Advance(new InventoryFeedOptions().MetricsInterval);
        Assert.True(await move.AsTask().WaitAsync(Patience));
        var batch = batches.Current;
        Assert.Empty(batch.Changes);
        var update = Assert.Single(batch.MetricUpdates);
        Assert.Equal("hv1", update.Host);
        Assert.Equal([new VmMetric(A, 60, TimeSpan.FromHours(2))], update.Vms);

        // A real change still goes out as a change, at the batch interval.
        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a", cpu: 60, memory: 1) with { Uptime = TimeSpan.FromHours(2) }, Vm(B, "b")));
        var next = await NextAsync(batches);
        var change = Assert.Single(next.Changes);
        Assert.Equal((InventoryChangeKind.VmChanged, A), (change.Kind, change.VmId));
        Assert.Equal(version + 1, change.Version);
    }
}
