using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using static NestedHvDashboard.Core.Tests.Inventory.InventoryData;

namespace NestedHvDashboard.Core.Tests.Inventory;

/// <summary>The VM a change read back, written into the store: one source of truth that never goes back.</summary>
public sealed class InventoryStoreChangeTests
{
    private static readonly Guid A = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid B = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 1, 0, 0, TimeSpan.Zero);

    private static HostInventory ReadAt(DateTimeOffset at, params NestedHvDashboard.Core.VirtualMachines.VmSnapshot[] vms) => Read("hv1", vms) with { ReadAt = at };

    [Fact]
    public void A_changes_snapshot_is_published_as_one_step_of_the_hosts_version()
    {
        var store = new InventoryStore();
        store.ApplyInventory("hv1", ReadAt(T0, Vm(A, "a"), Vm(B, "b")));

        var change = store.ApplyVm("hv1", Vm(A, "a", spoofing: true), T0.AddSeconds(1));

        Assert.Equal(InventoryChangeKind.VmChanged, change?.Kind);
        var host = Assert.Single(store.GetSnapshot().Hosts);
        Assert.Equal(2, host.Version);
        Assert.True(host.Vms.Single(v => v.Id == A).NetworkAdapters[0].MacAddressSpoofing);
        Assert.Equal([A, B], host.Vms.Select(v => v.Id));
    }

    [Fact]
    public void An_inventory_read_before_the_change_does_not_take_the_store_back()
    {
        var store = new InventoryStore();
        store.ApplyInventory("hv1", ReadAt(T0, Vm(A, "a")));
        store.ApplyVm("hv1", Vm(A, "a", spoofing: true), T0.AddSeconds(2));

        var changes = store.ApplyInventory("hv1", ReadAt(T0.AddSeconds(1), Vm(A, "a"), Vm(B, "b")));

        Assert.Equal([InventoryChangeKind.VmAdded], changes.Select(c => c.Kind));
        Assert.True(store.GetSnapshot().Hosts[0].Vms.Single(v => v.Id == A).NetworkAdapters[0].MacAddressSpoofing);

        // A read after the change is the truth again, whatever it says.
        store.ApplyInventory("hv1", ReadAt(T0.AddSeconds(3), Vm(A, "a"), Vm(B, "b")));
        Assert.False(store.GetSnapshot().Hosts[0].Vms.Single(v => v.Id == A).NetworkAdapters[0].MacAddressSpoofing);
    }

    [Fact]
    public void A_snapshot_older_than_the_feeds_is_dropped()
    {
        var store = new InventoryStore();
        store.ApplyInventory("hv1", ReadAt(T0.AddSeconds(5), Vm(A, "a")));
        var version = store.GetSnapshot().Hosts[0].Version;

        Assert.Null(store.ApplyVm("hv1", Vm(A, "a", spoofing: true), T0));
        store.ApplyVm("hv1", Vm(A, "a", memory: 1), T0.AddSeconds(7));
        Assert.Null(store.ApplyVm("hv1", Vm(A, "a", memory: 2), T0.AddSeconds(6)));

        var host = store.GetSnapshot().Hosts[0];
        Assert.Equal(version + 1, host.Version);
        Assert.Equal((4L << 30) + (1L << 20), host.Vms[0].MemoryAssignedBytes);
    }

    [Fact]
    public void A_new_vm_is_added_and_kept_until_a_read_after_it_and_an_unknown_host_is_left_alone()
    {
        var store = new InventoryStore();
        store.ApplyInventory("hv1", ReadAt(T0, Vm(A, "a")));

        Assert.Equal(InventoryChangeKind.VmAdded, store.ApplyVm("hv1", Vm(B, "b"), T0.AddSeconds(2))?.Kind);
        store.ApplyInventory("hv1", ReadAt(T0.AddSeconds(1), Vm(A, "a")));
        Assert.Equal([A, B], store.GetSnapshot().Hosts[0].Vms.Select(v => v.Id));

        Assert.Null(store.ApplyVm("hv-unknown", Vm(B, "b")));
        Assert.Single(store.GetSnapshot().Hosts);
    }
}
