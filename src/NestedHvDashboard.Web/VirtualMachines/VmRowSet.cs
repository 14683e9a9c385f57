using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using NestedHvDashboard.Core.Inventory;

namespace NestedHvDashboard.Web.VirtualMachines;

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

    // Each host's last rows, so a metrics update (every host's state anew every few seconds) keeps their readiness.
    private static readonly ConcurrentDictionary<string, Dictionary<Guid, VmRow>> LastRows = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(VmGridColumn Column, bool Descending), Lazy<IReadOnlyList<VmRow>>> _sorted = new();

    private VmRowSet(IReadOnlyList<HostInventoryState> hosts)
    {
        var rows = new List<VmRow>(hosts.Sum(h => h.Vms.Count));
        foreach (var host in hosts)
        {
            rows.AddRange(HostRows.GetValue(host, static h => BuildRows(h)));
        }

        Rows = rows;
    }

    private static VmRow[] BuildRows(HostInventoryState host)
    {
        var previous = LastRows.GetValueOrDefault(host.Name);
        var rows = new VmRow[host.Vms.Count];
        var byId = new Dictionary<Guid, VmRow>(rows.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            var vm = host.Vms[i];
            rows[i] = (previous is not null && previous.TryGetValue(vm.Id, out var last) ? last.Reuse(host.Facts, vm) : null)
                ?? new VmRow(host.Name, host.Facts, vm);
            byId[vm.Id] = rows[i];
        }

        LastRows[host.Name] = byId;
        return rows;
    }

    /// <summary>
    /// One host's rows for this state of it: the same array for the same state, whoever asks (the grid, the overview's and
    /// the wall's tiles), and each row keeps its readiness through a metrics update.
    /// </summary>
    public static IReadOnlyList<VmRow> RowsOf(HostInventoryState host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return HostRows.GetValue(host, static h => BuildRows(h));
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
