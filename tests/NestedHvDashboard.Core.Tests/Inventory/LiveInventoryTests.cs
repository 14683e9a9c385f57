using NestedHvDashboard.Core.Inventory;

namespace NestedHvDashboard.Core.Tests.Inventory;

public sealed class LiveInventoryTests
{
    private static readonly Guid A = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid B = Guid.Parse("00000000-0000-0000-0000-00000000000b");

    [Fact]
    public async Task A_copy_fed_by_the_store_ends_equal_to_the_store()
    {
        var store = new InventoryStore(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(10) });
        store.ApplyInventory("hv1", InventoryData.Read("hv1", InventoryData.Vm(A, "alpha")));
        await using var subscription = store.Subscribe();
        var live = new LiveInventory(subscription.Snapshot);

        store.ApplyInventory("hv1", InventoryData.Read("hv1", InventoryData.Vm(A, "alpha", cpu: 40), InventoryData.Vm(B, "bravo")));
        store.ApplyInventory("hv2", InventoryData.Read("hv2", InventoryData.Vm(Guid.NewGuid(), "charlie")));
        store.ApplyInventory("hv1", InventoryData.Read("hv1", InventoryData.Vm(B, "bravo")));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var batch in subscription.ReadBatchesAsync(timeout.Token))
        {
            live.Apply(batch);
            if (live.Find("hv2")?.Vms.Count == 1 && live.Find("hv1")?.Vms.Count == 1)
            {
                break;
            }
        }

        var expected = store.GetSnapshot();
        Assert.Equal(expected.Hosts.Select(h => h.Name), live.Hosts.Select(h => h.Name));
        foreach (var host in expected.Hosts)
        {
            var mine = live.Find(host.Name)!;
            Assert.Equal(host.Version, mine.Version);
            Assert.Equal(host.Vms.Select(v => (v.Id, v.Name, v.CpuUsagePercent)), mine.Vms.Select(v => (v.Id, v.Name, v.CpuUsagePercent)));
        }

        Assert.Equal("bravo", Assert.Single(live.Find("hv1")!.Vms).Name);
    }

    [Fact]
    public void A_resync_replaces_everything_and_stale_changes_are_ignored()
    {
        var store = new InventoryStore();
        store.ApplyInventory("hv1", InventoryData.Read("hv1", InventoryData.Vm(A, "alpha")));
        var live = new LiveInventory(store.GetSnapshot());
        var version = live.Find("hv1")!.Version;

        // A change at or below the version the snapshot already holds must not undo it.
        var stale = InventoryChange.VmRemoved("hv1", version, A);
        Assert.Empty(live.Apply(new InventoryBatch([stale], null)));
        Assert.Single(live.Find("hv1")!.Vms);

        store.ApplyInventory("hv9", InventoryData.Read("hv9", InventoryData.Vm(B, "bravo")));
        var touched = live.Apply(new InventoryBatch([], store.GetSnapshot("hv9")));

        Assert.Equal(["hv9"], touched);
        Assert.Null(live.Find("hv1"));
        Assert.Equal("bravo", Assert.Single(live.Find("hv9")!.Vms).Name);
    }

    [Fact]
    public void A_removed_host_leaves_the_copy_and_one_added_again_under_its_name_starts_afresh()
    {
        var store = new InventoryStore();
        store.ApplyInventory("hv1", InventoryData.Read("hv1", InventoryData.Vm(A, "alpha")));
        store.ApplyInventory("hv2", InventoryData.Read("hv2", InventoryData.Vm(B, "bravo")));
        var live = new LiveInventory(store.GetSnapshot());

        var removed = store.RemoveHost("HV1")!;
        var touched = live.Apply(new InventoryBatch([removed], null));

        Assert.Equal(["hv1"], touched);
        Assert.Null(live.Find("hv1"));
        Assert.Equal(["hv2"], live.Hosts.Select(h => h.Name));

        // Added again: versions go on from the removal, so the copy takes the new host's changes.
        var again = store.ApplyInventory("hv1", InventoryData.Read("hv1", InventoryData.Vm(B, "charlie")));
        Assert.All(again, c => Assert.True(c.Version > removed.Version));
        live.Apply(new InventoryBatch(again, null));

        Assert.Equal(["hv2", "hv1"], live.Hosts.Select(h => h.Name));
        Assert.Equal("charlie", Assert.Single(live.Find("hv1")!.Vms).Name);
    }

    [Fact]
    public void A_metric_update_shows_current_cpu_and_uptime_but_touches_no_host()
    {
        var store = new InventoryStore();
        store.ApplyInventory("hv1", InventoryData.Read("hv1", InventoryData.Vm(A, "alpha", cpu: 5), InventoryData.Vm(B, "bravo")));
        var live = new LiveInventory(store.GetSnapshot());
        var version = live.Find("hv1")!.Version;

        var touched = live.Apply(new InventoryBatch([], null, [new HostMetrics("hv1", [new VmMetric(A, 77, TimeSpan.FromHours(3))])]));

        // Pending-change triggers and anything else that follows touched hosts see nothing.
        Assert.Empty(touched);
        var alpha = live.Find("hv1")!.Vms.Single(v => v.Id == A);
        Assert.Equal((77, TimeSpan.FromHours(3)), (alpha.CpuUsagePercent, alpha.Uptime));
        Assert.Equal(version, live.Find("hv1")!.Version);
    }

    [Fact]
    public void A_batch_rebuilds_only_the_hosts_it_touched_and_readers_keep_what_they_got()
    {
        var store = new InventoryStore();
        store.ApplyInventory("hv1", InventoryData.Read("hv1", InventoryData.Vm(A, "alpha")));
        store.ApplyInventory("hv2", InventoryData.Read("hv2", InventoryData.Vm(B, "bravo")));
        var live = new LiveInventory(store.GetSnapshot());
        var before = live.Hosts;

        // Nothing changed: the same list, so readers (every circuit) can share it by reference.
        Assert.Same(before, live.Hosts);

        var changes = store.ApplyInventory("hv2", InventoryData.Read("hv2", InventoryData.Vm(B, "bravo-2")));
        live.Apply(new InventoryBatch(changes, null));
        var after = live.Hosts;

        Assert.NotSame(before, after);
        Assert.Same(before[0], after[0]);
        Assert.NotSame(before[1], after[1]);
        Assert.Equal("bravo", before[1].Vms[0].Name);
        Assert.Equal("bravo-2", after[1].Vms[0].Name);
    }
}
