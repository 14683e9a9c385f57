using NestedHvDashboard.Core.Inventory;

namespace NestedHvDashboard.Web.Inventory;

/// <summary>
/// One item of the hub's inventory stream: a <c>snapshot</c> (the first item, and again whenever
/// the client fell behind and must start over), a batch of <c>changes</c> after it, or a
/// <c>metrics</c> item: CPU usage and uptime readings per host, at a lower rate, never changes.
/// A changes item may carry metrics as well. Snapshot and changes items carry the <see cref="Readiness"/> of the VMs
/// they are about, so a client needs no second call to know which VMs can run nested virtualization.
/// </summary>
public sealed class InventoryStreamItem
{
    public const string SnapshotKind = "snapshot";
    public const string ChangesKind = "changes";
    public const string MetricsKind = "metrics";

    /// <summary><c>"snapshot"</c>, <c>"changes"</c> or <c>"metrics"</c>.</summary>
    public string Kind { get; set; } = SnapshotKind;

    /// <summary>For a snapshot: every host with its status, facts and VMs. Empty for changes.</summary>
    public IReadOnlyList<HostInventoryState> Hosts { get; set; } = [];

    /// <summary>For changes: the changes since the previous item, oldest first (a <c>HostRemoved</c> one means: drop that host). Empty for a snapshot.</summary>
    public IReadOnlyList<InventoryChange> Changes { get; set; } = [];

    /// <summary>Per host, the VMs whose CPU usage or uptime moved since the previous metrics. Empty for a snapshot.</summary>
    public IReadOnlyList<HostMetrics> Metrics { get; set; } = [];

    /// <summary>
    /// The readiness of the VMs this item is about: for a snapshot every VM whose host has answered; for changes the VMs
    /// added or changed, and every VM of a host whose facts changed. Empty for metrics. A removed VM's readiness goes with it.
    /// </summary>
    public IReadOnlyList<VmReadiness> Readiness { get; set; } = [];

    /// <summary>The first item of a stream: the whole <paramref name="snapshot"/> with every VM's readiness.</summary>
    public static InventoryStreamItem Snapshot(InventorySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new() { Kind = SnapshotKind, Hosts = snapshot.Hosts, Readiness = StreamReadiness.Of(snapshot.Hosts) };
    }

    /// <summary>The item for <paramref name="batch"/>, with the readiness <paramref name="readiness"/> (the stream's view) gives for it.</summary>
    internal static InventoryStreamItem From(InventoryBatch batch, StreamReadiness readiness)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(readiness);
        var vms = readiness.Apply(batch);
        if (batch.Resync is { } resync)
        {
            return new() { Kind = SnapshotKind, Hosts = resync.Hosts, Readiness = vms };
        }

        return new() { Kind = batch.Changes.Count == 0 ? MetricsKind : ChangesKind, Changes = batch.Changes, Metrics = batch.MetricUpdates, Readiness = vms };
    }
}
