using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.VirtualMachines;

/// <summary>A column of the VM grid, for sorting.</summary>
public enum VmGridColumn
{
    Name,
    Host,
    State,
    Uptime,
    Cpu,
    Memory,
    ConfigVersion,
    Vcpus,
    Nested,
    MacSpoofing,
    Readiness,
}

/// <summary>
/// What the VM grid shows: a search over names, filters for state, nested and readiness, and the sort keys every
/// column uses. A plain value so it can be tested without a page.
/// </summary>
public sealed record VmGridQuery
{
    /// <summary>Text the VM name (or, with <see cref="SearchHosts"/>, the host name) contains, case-insensitive; empty for all.</summary>
    public string Search { get; init; } = "";

    /// <summary>True to match the search against host names too (the all-VMs view).</summary>
    public bool SearchHosts { get; init; }

    /// <summary>Only VMs in this state; null for any.</summary>
    public VmState? State { get; init; }

    /// <summary>Only VMs with nested virtualization on (true) or off (false); null for both.</summary>
    public bool? Nested { get; init; }

    /// <summary>Only VMs whose worst check has this status; null for any.</summary>
    public ReadinessStatus? Readiness { get; init; }

    /// <summary>Only VMs of these hosts (case-insensitive); empty for every host. From the address on /vms (<see cref="VmGridAddress"/>).</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>True when no filter and no search narrows the rows.</summary>
    public bool ShowsEverything => string.IsNullOrWhiteSpace(Search) && State is null && Nested is null && Readiness is null && Hosts.Count == 0;

    /// <summary>
    /// The rows that match, in their given order. With nothing to narrow them, the given list itself (the shared order of
    /// every row): a circuit showing every VM keeps no copy of its own.
    /// </summary>
    public IReadOnlyList<VmRow> Apply(IEnumerable<VmRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (ShowsEverything && rows is IReadOnlyList<VmRow> all)
        {
            return all;
        }

        var search = Search.Trim();
        return [.. rows.Where(row =>
            (search.Length == 0
                || row.Vm.Name.Contains(search, StringComparison.OrdinalIgnoreCase)
                || (SearchHosts && row.Host.Contains(search, StringComparison.OrdinalIgnoreCase)))
            && (State is null || row.Vm.State == State)
            && (Nested is null || row.Vm.ExposeVirtualizationExtensions == Nested)
            && (Readiness is null || row.Readiness == Readiness)
            && (Hosts.Count == 0 || Hosts.Contains(row.Host, StringComparer.OrdinalIgnoreCase)))];
    }

    // One function per column, made once: the grid hands back the function of the column it sorts by, and
    // ColumnOf finds the column again by reference.
    private static readonly Func<VmRow, object>[] Keys = [.. Enum.GetValues<VmGridColumn>().Select(MakeKey)];

    /// <summary>The value a column sorts by (the grid's columns use these); the same function instance each call.</summary>
    public static Func<VmRow, object> SortKey(VmGridColumn column) =>
        (uint)column < (uint)Keys.Length ? Keys[(int)column] : throw new ArgumentOutOfRangeException(nameof(column), column, null);

    /// <summary>The column whose <see cref="SortKey"/> this is, or null for another function.</summary>
    public static VmGridColumn? ColumnOf(Func<VmRow, object?>? key) =>
        key is not null && Array.IndexOf<Delegate>(Keys, key) is var at and >= 0 ? (VmGridColumn)at : null;

    private static Func<VmRow, object> MakeKey(VmGridColumn column) => column switch
    {
        VmGridColumn.Name => row => row.Vm.Name.ToUpperInvariant(),
        VmGridColumn.Host => row => row.Host.ToUpperInvariant(),
        VmGridColumn.State => row => row.Vm.State.ToString(),
        VmGridColumn.Uptime => row => row.Vm.Uptime,
        VmGridColumn.Cpu => row => row.Vm.CpuUsagePercent,
        VmGridColumn.Memory => row => row.Vm.MemoryStartupBytes,
        VmGridColumn.ConfigVersion => row => row.Vm.ConfigVersion,
        VmGridColumn.Vcpus => row => row.Vm.ProcessorCount,
        VmGridColumn.Nested => row => row.Vm.ExposeVirtualizationExtensions,
        VmGridColumn.MacSpoofing => row => Components.Format.MacSpoofing(row.Vm),
        VmGridColumn.Readiness => row => Components.Format.Rank(row.Readiness),
        _ => throw new ArgumentOutOfRangeException(nameof(column), column, null),
    };

    // Name-like keys are upper-cased already: compare them ordinally (a culture-aware compare costs several times more
    // on 10,000 rows, and the sort runs once per inventory state); other keys compare as themselves.
    private static readonly IComparer<object> KeyComparer = Comparer<object>.Create(static (a, b) =>
        a is string x && b is string y ? string.CompareOrdinal(x, y) : Comparer<object>.Default.Compare(a, b));

    /// <summary>The rows sorted by one column, then by host and name so equal keys keep a stable order.</summary>
    public static IReadOnlyList<VmRow> Sort(IEnumerable<VmRow> rows, VmGridColumn column, bool descending)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var key = SortKey(column);
        var sorted = descending ? rows.OrderByDescending(key, KeyComparer) : rows.OrderBy(key, KeyComparer);
        return [.. sorted.ThenBy(r => r.Host, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Vm.Name, StringComparer.OrdinalIgnoreCase)];
    }
}
