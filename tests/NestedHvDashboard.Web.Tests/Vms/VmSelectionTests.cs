using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.VirtualMachines;

namespace NestedHvDashboard.Web.Tests.Vms;

/// <summary>The grid's selection model, its column choice and the bulk dialog's classes, without a page.</summary>
public sealed class VmSelectionTests
{
    private static readonly VmRow Web = Row("hv-a", "web-01", VmState.Running, nested: true);
    private static readonly VmRow Sql = Row("hv-a", "sql-01", VmState.Off);
    private static readonly VmRow Old = Row("hv-b", "old-01", VmState.Saved);
    private static readonly VmRow Lab = Row("hv-b", "lab-01", VmState.Paused);
    private static readonly VmRow[] Inventory = [Web, Sql, Old, Lab];

    private static VmRow Row(string host, string name, VmState state, bool nested = false) =>
        new(host, VmGridQueryTests.Facts, VmGridQueryTests.Vm(name, state, nested));

    [Fact]
    public void A_selection_built_across_searches_keeps_every_vm_and_counts_those_the_filter_hides()
    {
        // Search "web", tick it; search "old", tick it; search "sql": two selected, neither shown.
        var selection = VmSelection.Empty.With(Web, true, Inventory).With(Old, true, Inventory);

        Assert.Equal(["web-01", "old-01"], selection.Rows.Select(r => r.Vm.Name));
        Assert.Equal("2 selected (2 hidden by filter)", selection.Describe([Sql]));
        Assert.Equal("2 selected (1 hidden by filter)", selection.Describe([Web, Sql]));
        Assert.Equal("2 selected", selection.Describe(Inventory));
    }

    [Fact]
    public void Select_all_and_unselect_all_touch_only_the_rows_shown()
    {
        var selection = VmSelection.Empty.With(Old, true, Inventory).WithShown([Web, Sql], true, Inventory);
        Assert.Equal(3, selection.Count);
        Assert.True(selection.AllSelected([Web, Sql]));

        selection = selection.WithShown([Web, Sql], false, Inventory);

        Assert.Equal(["old-01"], selection.Rows.Select(r => r.Vm.Name));
        Assert.False(selection.AllSelected([Web, Sql]));
        Assert.False(selection.AllSelected([]));
    }

    [Fact]
    public void A_vm_that_leaves_the_inventory_leaves_the_selection_and_the_others_follow_the_feed()
    {
        var selection = VmSelection.Empty.With(Web, true, Inventory).With(Lab, true, Inventory);
        var renewed = new[] { new VmRow("hv-a", VmGridQueryTests.Facts, Web.Vm with { State = VmState.Off }), Sql, Old };

        selection = selection.Following(renewed);

        var row = Assert.Single(selection.Rows);
        Assert.Same(renewed[0], row);
        Assert.True(selection.Contains(Web.Key));
        Assert.False(selection.Contains(Lab.Key));
    }

    [Fact]
    public void The_column_defaults_follow_the_window_width_and_always_keep_nested_mac_spoofing_and_readiness()
    {
        foreach (var width in new[] { 800, 1366, 1920 })
        {
            var shown = VmGridColumns.DefaultsFor(width);
            Assert.Contains(VmGridColumns.Nested, shown);
            Assert.Contains(VmGridColumns.MacSpoofing, shown);
            Assert.Contains(VmGridColumns.Readiness, shown);
        }

        Assert.DoesNotContain(VmGridColumns.Uptime, VmGridColumns.DefaultsFor(1366));
        Assert.DoesNotContain(VmGridColumns.ConfigVersion, VmGridColumns.DefaultsFor(1366));
        Assert.DoesNotContain(VmGridColumns.Memory, VmGridColumns.DefaultsFor(800));
        Assert.Equal(VmGridColumns.All.Count, VmGridColumns.DefaultsFor(1920).Count);
    }

    [Fact]
    public void A_stored_choice_wins_over_the_defaults_and_a_column_added_later_takes_its_default()
    {
        var chosen = new HashSet<string> { VmGridColumns.State, VmGridColumns.Uptime, VmGridColumns.Readiness };
        var stored = VmGridColumns.Store(chosen);

        Assert.Equal(chosen.Order(), VmGridColumns.Resolve(stored, 800).Order());
        Assert.Equal(VmGridColumns.DefaultsFor(1366).Order(), VmGridColumns.Resolve(null, 1366).Order());

        // Stored before "mac" existed: it is neither chosen nor hidden, so its default applies; unknown keys are dropped.
        var older = "state,-uptime,readiness,gone";
        var resolved = VmGridColumns.Resolve(older, 1366);
        Assert.Contains(VmGridColumns.MacSpoofing, resolved);
        Assert.DoesNotContain(VmGridColumns.Uptime, resolved);
        Assert.DoesNotContain("gone", resolved);
    }

    [Fact]
    public void The_bulk_dialog_classes_saved_and_paused_vms_apart_from_running_ones()
    {
        var targets = new BulkNestedTargets(Inventory, Enable: true);

        Assert.Equal((1, 1, 1, 1, 0), (targets.Off, targets.Running, targets.Saved, targets.Paused, targets.Busy));
        Assert.Equal(1, targets.Already);
        Assert.Equal(BulkVmClass.Saved, BulkNestedTargets.ClassOf(VmState.FastSaved));
        Assert.Equal(BulkVmClass.Paused, BulkNestedTargets.ClassOf(VmState.PausedCritical));
        Assert.Equal(BulkVmClass.Busy, BulkNestedTargets.ClassOf(VmState.Starting));
        Assert.Contains("1 Saved", targets.NotOffOrRunning(BulkRunningChoice.ShutDown), StringComparison.Ordinal);
        Assert.Contains("refused", targets.NotOffOrRunning(BulkRunningChoice.ShutDown), StringComparison.Ordinal);
        Assert.Contains("waits until each is next seen Off", targets.NotOffOrRunning(BulkRunningChoice.AtNextShutdown), StringComparison.Ordinal);
        Assert.Equal("", new BulkNestedTargets([Web, Sql], Enable: false).NotOffOrRunning(BulkRunningChoice.ShutDown));
    }
}
