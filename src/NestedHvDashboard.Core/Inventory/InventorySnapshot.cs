using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Inventory;

/// <summary>One host as the store holds it.</summary>
/// <param name="Name">The host's name (its settings' name).</param>
/// <param name="Status">Its connection status.</param>
/// <param name="Facts">Its facts; null until it first answers.</param>
/// <param name="Vms">Its VMs as last read; kept (stale) while the host is unreachable.</param>
/// <param name="Version">Grows with every change to this host; changes carry the version they lead to.</param>
/// <param name="ReadAt">When the host last answered; null if never.</param>
public sealed record HostInventoryState(
    string Name,
    HostStatus Status,
    HostFacts? Facts,
    IReadOnlyList<VmSnapshot> Vms,
    long Version,
    DateTimeOffset? ReadAt);

/// <summary>The whole inventory (or one host's) at one moment.</summary>
/// <param name="Hosts">Every host, in the order they were first seen.</param>
public sealed record InventorySnapshot(IReadOnlyList<HostInventoryState> Hosts)
{
    /// <summary>The host with that name, or null.</summary>
    public HostInventoryState? Find(string host) =>
        Hosts.FirstOrDefault(h => string.Equals(h.Name, host, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// What a subscriber reads: either changes since what it has, or — when it fell too far behind —
/// a fresh snapshot that replaces everything it has.
/// </summary>
/// <param name="Changes">The changes, oldest first; empty for a resync.</param>
/// <param name="Resync">A fresh snapshot to start over from; null for a change batch.</param>
/// <param name="Metrics">
/// CPU and uptime readings per host (see <see cref="HostMetrics"/>); never changes. A batch may carry
/// only metrics (no <paramref name="Changes"/>); a resync carries none (its snapshot is current).
/// </param>
public sealed record InventoryBatch(IReadOnlyList<InventoryChange> Changes, InventorySnapshot? Resync, IReadOnlyList<HostMetrics>? Metrics = null)
{
    public bool IsResync => Resync is not null;

    /// <summary>The metric updates; empty when none.</summary>
    public IReadOnlyList<HostMetrics> MetricUpdates => Metrics ?? [];
}
