using NestedHvDashboard.Core.Inventory;

namespace NestedHvDashboard.Web.Inventory;

/// <summary>
/// One item of the hub's inventory stream: a <c>snapshot</c> (the first item, and again whenever
/// the client fell behind and must start over) or a batch of <c>changes</c> after it.
/// </summary>
public sealed class InventoryStreamItem
{
    public const string SnapshotKind = "snapshot";
    public const string ChangesKind = "changes";

    /// <summary><c>"snapshot"</c> or <c>"changes"</c>.</summary>
    public string Kind { get; set; } = SnapshotKind;

    /// <summary>For a snapshot: every host with its status, facts and VMs. Empty for changes.</summary>
    public IReadOnlyList<HostInventoryState> Hosts { get; set; } = [];

    /// <summary>For changes: the changes since the previous item, oldest first (a <c>HostRemoved</c> one means: drop that host). Empty for a snapshot.</summary>
    public IReadOnlyList<InventoryChange> Changes { get; set; } = [];

    public static InventoryStreamItem Snapshot(InventorySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new() { Kind = SnapshotKind, Hosts = snapshot.Hosts };
    }

    public static InventoryStreamItem From(InventoryBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Resync is { } resync ? Snapshot(resync) : new() { Kind = ChangesKind, Changes = batch.Changes };
    }
}
