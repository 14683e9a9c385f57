using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using NestedHvDashboard.Core.Inventory;

namespace NestedHvDashboard.Web.Vms;

/// <summary>
/// The VM grid's rows for one inventory state, with their sort orders, computed once and shared by every circuit that
/// shows that state. States are immutable and shared by reference (<see cref="Inventory.SharedInventory"/>), so the
/// host list is the key: a host's rows (and their readiness) are built once per change of that host, a sort order once
/// per state and column, and a circuit keeps only its filter's result. Thread-safe.
/// </summary>
public sealed class VmRowSet
{
    private static readonly ConditionalWeakTable<IReadOnlyList<HostInventoryState>, VmRowSet> Sets = new();
    private static readonly ConditionalWeakTable<HostInventoryState, VmRow[]> HostRows = new();
    private readonly ConcurrentDictionary<(VmGridColumn Column, bool Descending), Lazy<IReadOnlyList<VmRow>>> _sorted = new();

    private VmRowSet(IReadOnlyList<HostInventoryState> hosts)
    {
        var rows = new List<VmRow>(hosts.Sum(h => h.Vms.Count));
        foreach (var host in hosts)
        {
            rows.AddRange(HostRows.GetValue(host, static h => [.. h.Vms.Select(vm => new VmRow(h.Name, h.Facts, vm))]));
        }

        Rows = rows;
    }

    /// <summary>The rows of these hosts: the same instance for the same list, whoever asks.</summary>
    public static VmRowSet Of(IReadOnlyList<HostInventoryState> hosts)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        return Sets.GetValue(hosts, static h => new VmRowSet(h));
    }

    /// <summary>Every VM of every host, in host order then VM order.</summary>
    public IReadOnlyList<VmRow> Rows { get; }

    /// <summary>Every row sorted by a column (ties by host, then name), computed once per set.</summary>
    public IReadOnlyList<VmRow> Sorted(VmGridColumn column, bool descending) =>
        _sorted.GetOrAdd((column, descending), key => new Lazy<IReadOnlyList<VmRow>>(() => VmGridQuery.Sort(Rows, key.Column, key.Descending))).Value;
}
