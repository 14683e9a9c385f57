using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.VirtualMachines;
namespace NestedHvDashboard.Web.Tests.Vms;

public sealed class VmGridQueryTests
{
    internal static readonly HostFacts Facts = new(
        "hv-a", "Microsoft Windows Server 2022 Datacenter", "10.0.20348", 20348, true, ProcessorVendor.Intel, "GenuineIntel", "Xeon", 16, 64L << 30, true,
        [new Version(8, 0), new Version(9, 0), new Version(10, 0)], new Version(10, 0), false, null);

    internal static VmSnapshot Vm(string name, VmState state = VmState.Off, bool nested = false, string config = "10.0", int cpu = 0, int vcpus = 4, Guid? id = null) => new(
        id ?? Guid.NewGuid(), name, state, state == VmState.Running ? TimeSpan.FromHours(1) : TimeSpan.Zero, cpu, 8L << 30, false, 8L << 30,
        Version.Parse(config), 2, vcpus, nested, false, [new VmNetworkAdapterInfo("Network Adapter", "Lab", "00155D010203", nested)], null, null);

    private static readonly VmRow[] Rows =
    [
        new("hv-a", Facts, Vm("web-01", VmState.Running, cpu: 40)),
        new("hv-a", Facts, Vm("sql-01", VmState.Off, nested: true, vcpus: 16)),
        new("hv-b", Facts, Vm("old-01", VmState.Off, config: "5.0", cpu: 0)),
        new("hv-b", null, Vm("lab-01", VmState.Saved)),
    ];

    private static string[] Names(IEnumerable<VmRow> rows) => [.. rows.Select(r => r.Vm.Name)];

    [Fact]
    public void An_empty_query_shows_every_row_in_its_order() =>
        Assert.Equal(["web-01", "sql-01", "old-01", "lab-01"], Names(new VmGridQuery().Apply(Rows)));

    [Fact]
    public void An_empty_query_hands_back_the_shared_list_itself_and_a_narrowing_one_a_list_of_its_own()
    {
        // A circuit showing every VM keeps no copy of the shared order (10,000 rows at 200 hosts).
        Assert.Same(Rows, new VmGridQuery().Apply(Rows));
        Assert.Same(Rows, new VmGridQuery { SearchHosts = true, Search = "  " }.Apply(Rows));
        var narrowed = new VmGridQuery { State = VmState.Off }.Apply(Rows);
        Assert.NotSame(Rows, narrowed);
        Assert.Equal(["sql-01", "old-01"], Names(narrowed));
        Assert.Equal(["web-01", "sql-01", "old-01", "lab-01"], Names(new VmGridQuery().Apply(Rows.Where(_ => true))));
    }

    [Fact]
    public void Search_matches_vm_names_and_host_names_only_when_asked()
    {
        Assert.Equal(["web-01"], Names(new VmGridQuery { Search = " WEB " }.Apply(Rows)));
        Assert.Empty(new VmGridQuery { Search = "hv-b" }.Apply(Rows));
        Assert.Equal(["old-01", "lab-01"], Names(new VmGridQuery { Search = "hv-b", SearchHosts = true }.Apply(Rows)));
    }

    [Fact]
    public void Filters_for_state_nested_and_readiness_combine()
    {
        Assert.Equal(["sql-01", "old-01"], Names(new VmGridQuery { State = VmState.Off }.Apply(Rows)));
        Assert.Equal(["sql-01"], Names(new VmGridQuery { Nested = true }.Apply(Rows)));
        Assert.Equal(["old-01"], Names(new VmGridQuery { State = VmState.Off, Nested = false }.Apply(Rows)));
        Assert.Equal(["lab-01"], Names(new VmGridQuery { Readiness = ReadinessStatus.Unknown }.Apply(Rows)));
        Assert.Equal(["old-01"], Names(new VmGridQuery { Readiness = ReadinessStatus.Fail }.Apply(Rows)));
    }

    [Fact]
    public void A_row_without_host_facts_is_unknown_and_a_row_with_them_has_its_worst_check()
    {
        Assert.Null(Rows[3].Worst);
        Assert.Equal(ReadinessStatus.Unknown, Rows[3].Readiness);
        var old = Rows[2];
        Assert.Equal(ReadinessStatus.Fail, old.Readiness);
        Assert.Contains(ReadinessEvaluator.EvaluateVm(Facts, old.Vm), c => c == old.Worst);
    }

    [Theory]
    [InlineData(VmGridColumn.Name, false, new[] { "lab-01", "old-01", "sql-01", "web-01" })]
    [InlineData(VmGridColumn.Cpu, true, new[] { "web-01", "sql-01", "lab-01", "old-01" })]
    [InlineData(VmGridColumn.Vcpus, true, new[] { "sql-01", "web-01", "lab-01", "old-01" })]
    [InlineData(VmGridColumn.ConfigVersion, false, new[] { "old-01", "sql-01", "web-01", "lab-01" })]
    [InlineData(VmGridColumn.Nested, true, new[] { "sql-01", "web-01", "lab-01", "old-01" })]
    [InlineData(VmGridColumn.Host, true, new[] { "lab-01", "old-01", "sql-01", "web-01" })]
    [InlineData(VmGridColumn.Readiness, true, new[] { "old-01", "lab-01", "web-01", "sql-01" })]
    public void Every_column_sorts_with_host_and_name_breaking_ties(VmGridColumn column, bool descending, string[] expected) =>
        Assert.Equal(expected, Names(VmGridQuery.Sort(Rows, column, descending)));

    [Fact]
    public void Every_column_has_a_sort_key() =>
        Assert.All(Enum.GetValues<VmGridColumn>(), c => Assert.NotNull(VmGridQuery.SortKey(c)(Rows[0])));

    [Fact]
    public void Rows_are_the_same_vm_by_host_and_id_and_unchanged_snapshots_keep_their_row()
    {
        var vm = Vm("web-01");
        var first = new VmRow("hv-a", Facts, vm);
        var changed = new VmRow("HV-A", Facts, vm with { State = VmState.Running });
        Assert.Equal(first, changed);
        Assert.NotEqual(first, new VmRow("hv-b", Facts, vm));

        var host = new NestedHvDashboard.Core.Inventory.HostInventoryState(
            "hv-a", new NestedHvDashboard.Core.Inventory.HostStatus(NestedHvDashboard.Core.Inventory.HostConnectionState.Connected, DateTimeOffset.UnixEpoch), Facts, [vm], 1, null);
        var again = VmRow.Of([host], new Dictionary<VmKey, VmRow> { [first.Key] = first });
        Assert.Same(first, Assert.Single(again));
    }
}
