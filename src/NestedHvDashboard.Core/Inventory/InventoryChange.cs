using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Inventory;

/// <summary>What a change is about.</summary>
public enum InventoryChangeKind
{
    /// <summary>A VM appeared on the host; <see cref="InventoryChange.Vm"/> is the VM.</summary>
    VmAdded,

    /// <summary>A VM's snapshot changed; <see cref="InventoryChange.Vm"/> is the new snapshot.</summary>
    VmChanged,

    /// <summary>A VM is gone from the host; only <see cref="InventoryChange.VmId"/> is set.</summary>
    VmRemoved,

    /// <summary>The host's status or facts changed; <see cref="InventoryChange.Status"/> and <see cref="InventoryChange.Facts"/> are current.</summary>
    HostChanged,

    /// <summary>The host is no longer watched (removed from the dashboard): drop it and its VMs. Only <see cref="InventoryChange.Host"/> and the version are set.</summary>
    HostRemoved,
}

/// <summary>One change to the inventory. Flat on purpose: it crosses the hub as JSON and MessagePack alike.</summary>
/// <param name="Kind">What changed.</param>
/// <param name="Host">The host's name.</param>
/// <param name="Version">The host's version after this change; it only grows.</param>
/// <param name="VmId">The VM's id; <see cref="Guid.Empty"/> for host changes.</param>
/// <param name="Vm">The VM as it is now, for <see cref="InventoryChangeKind.VmAdded"/> and <see cref="InventoryChangeKind.VmChanged"/>.</param>
/// <param name="Status">The host's status, for <see cref="InventoryChangeKind.HostChanged"/>.</param>
/// <param name="Facts">The host's facts (null until the host first answers), for <see cref="InventoryChangeKind.HostChanged"/>.</param>
public sealed record InventoryChange(
    InventoryChangeKind Kind,
    string Host,
    long Version,
    Guid VmId,
    VmSnapshot? Vm,
    HostStatus? Status,
    HostFacts? Facts)
{
    public static InventoryChange VmAdded(string host, long version, VmSnapshot vm) =>
        new(InventoryChangeKind.VmAdded, host, version, vm.Id, vm, null, null);

    public static InventoryChange VmChanged(string host, long version, VmSnapshot vm) =>
        new(InventoryChangeKind.VmChanged, host, version, vm.Id, vm, null, null);

    public static InventoryChange VmRemoved(string host, long version, Guid vmId) =>
        new(InventoryChangeKind.VmRemoved, host, version, vmId, null, null, null);

    public static InventoryChange HostChanged(string host, long version, HostStatus status, HostFacts? facts) =>
        new(InventoryChangeKind.HostChanged, host, version, Guid.Empty, null, status, facts);

    public static InventoryChange HostRemoved(string host, long version) =>
        new(InventoryChangeKind.HostRemoved, host, version, Guid.Empty, null, null, null);
}
