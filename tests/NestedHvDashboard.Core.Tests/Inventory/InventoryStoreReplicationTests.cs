using Microsoft.Extensions.Time.Testing;
using NestedHvDashboard.Core.Inventory;
using static NestedHvDashboard.Core.Tests.Inventory.InventoryData;

namespace NestedHvDashboard.Core.Tests.Inventory;

/// <summary>What another instance (the host's owner) published, applied to this instance's store under the store's rules.</summary>
public sealed class InventoryStoreReplicationTests
{
    private static readonly Guid A = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid B = Guid.Parse("00000000-0000-0000-0000-00000000000b");

    [Fact]
    public void The_owner_changes_are_one_step_of_this_store_own_version_each_and_what_says_nothing_new_is_no_change()
    {
        var owner = new InventoryStore();
        var store = new InventoryStore();
        store.SetHostStatus("hv1", new HostStatus(HostConnectionState.Connecting, DateTimeOffset.UtcNow));
        var first = owner.ApplyInventory("hv1", Read("hv1", Vm(A, "a"), Vm(B, "b")));

        var applied = store.ApplyReplicated("hv1", first);
        var again = store.ApplyReplicated("hv1", first);

        Assert.Equal([InventoryChangeKind.HostChanged, InventoryChangeKind.VmAdded, InventoryChangeKind.VmAdded], applied.Select(c => c.Kind));
        Assert.All(applied, c => Assert.Equal(2, c.Version));
        Assert.Empty(again);
        var host = store.GetSnapshot("hv1").Find("hv1")!;
        Assert.Equal(2, host.Version);
        Assert.Equal([A, B], host.Vms.Select(v => v.Id));

        var removed = store.ApplyReplicated("hv1", owner.ApplyInventory("hv1", Read("hv1", Vm(A, "a renamed"))));
        Assert.Equal([InventoryChangeKind.VmChanged, InventoryChangeKind.VmRemoved], removed.Select(c => c.Kind));
        Assert.All(removed, c => Assert.Equal(3, c.Version));
    }

    [Fact]
    public void Cpu_and_uptime_from_the_owner_are_metrics_never_changes()
    {
        var store = new InventoryStore();
        store.ApplyReplicated("hv1", [InventoryChange.VmAdded("hv1", 1, Vm(A, "a", cpu: 5))]);
        var version = store.GetSnapshot("hv1").Find("hv1")!.Version;

        Assert.Empty(store.ApplyReplicated("hv1", [InventoryChange.VmChanged("hv1", 2, Vm(A, "a", cpu: 40))]));
        Assert.True(store.ApplyReplicatedMetrics("hv1", [new VmMetric(A, 70, TimeSpan.FromMinutes(3))]));
        Assert.False(store.ApplyReplicatedMetrics("hv1", [new VmMetric(A, 70, TimeSpan.FromMinutes(3))]));

        var host = store.GetSnapshot("hv1").Find("hv1")!;
        Assert.Equal(version, host.Version);
        Assert.Equal(70, host.Vms.Single().CpuUsagePercent);
    }

    [Fact]
    public void A_full_state_resyncs_the_host_by_difference_and_keeps_a_vm_written_here_after_the_owner_read()
    {
        var store = new InventoryStore();
        var readAt = DateTimeOffset.UtcNow;
        store.ApplyReplicatedState(new HostInventoryState("hv1", new HostStatus(HostConnectionState.Connected, readAt), Facts("hv1"), [Vm(A, "a"), Vm(B, "b")], 9, readAt));
        store.ApplyVm("hv1", Vm(A, "a written here"), readAt.AddSeconds(1));

        var changes = store.ApplyReplicatedState(new HostInventoryState(
            "hv1", new HostStatus(HostConnectionState.Unreachable, readAt, "no answer"), Facts("hv1"), [Vm(A, "a"), Vm(B, "b", cpu: 50)], 12, readAt));

        Assert.Equal([InventoryChangeKind.HostChanged], changes.Select(c => c.Kind));
        var host = store.GetSnapshot("hv1").Find("hv1")!;
        Assert.Equal("a written here", host.Vms.Single(v => v.Id == A).Name);
        Assert.Equal(50, host.Vms.Single(v => v.Id == B).CpuUsagePercent);
        Assert.Equal(HostConnectionState.Unreachable, host.Status.State);
    }

    [Fact]
    public async Task The_replication_subscription_takes_changes_at_its_own_shorter_interval()
    {
        var time = new FakeTimeProvider();
        var store = new InventoryStore(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(100) }, time);
        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a")));
        await using var pages = store.Subscribe();
        await using var feed = store.SubscribeForReplication(TimeSpan.FromMilliseconds(10));
        await using var pageBatches = pages.ReadBatchesAsync().GetAsyncEnumerator();
        await using var feedBatches = feed.ReadBatchesAsync().GetAsyncEnumerator();

        // The first change goes out at once to both; the next waits for each subscriber's own interval.
        store.ApplyVm("hv1", Vm(A, "first"), DateTimeOffset.UtcNow);
        Assert.True(await feedBatches.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await pageBatches.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        var nextFeed = feedBatches.MoveNextAsync().AsTask();
        var nextPage = pageBatches.MoveNextAsync().AsTask();
        store.ApplyVm("hv1", Vm(A, "second"), DateTimeOffset.UtcNow);
        time.Advance(TimeSpan.FromMilliseconds(10));

        Assert.True(await nextFeed.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("second", feedBatches.Current.Changes.Single().Vm!.Name);
        Assert.False(nextPage.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(90));
        Assert.True(await nextPage.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("second", pageBatches.Current.Changes.Single().Vm!.Name);
    }

    [Fact]
    public void A_change_read_back_here_is_told_to_the_cluster_and_one_written_elsewhere_is_not_told_again()
    {
        var store = new InventoryStore();
        store.ApplyInventory("hv1", Read("hv1", Vm(A, "a")));
        var told = new List<string>();
        store.VmWritten += (host, vm) => told.Add($"{host}/{vm.Name}");

        store.ApplyVm("hv1", Vm(A, "changed here"));
        Assert.NotNull(store.ApplyVmWrittenElsewhere("hv1", Vm(A, "changed elsewhere")));

        Assert.Equal(["hv1/changed here"], told);
        Assert.Equal("changed elsewhere", store.GetSnapshot("hv1").Find("hv1")!.Vms.Single().Name);
    }
}
