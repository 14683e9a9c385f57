using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Overview;
using NestedHvDashboard.Web.VirtualMachines;
using static NestedHvDashboard.Web.Tests.Overview.TileData;

namespace NestedHvDashboard.Web.Tests.Overview;

public sealed class HostTileModelTests
{
    [Fact]
    public void Counts_running_nested_and_total_vms_and_averages_the_running_cpu()
    {
        var host = Connected(Intel2022("hv-a"),
            Ready("a", VmState.Running, nested: true, cpu: 30),
            Ready("b", VmState.Running, cpu: 50),
            Ready("c", VmState.Off, nested: true, cpu: 0),
            Ready("d", VmState.Saved));

        var tile = HostTileModel.From(host, ["lab"]);

        Assert.Equal(2, tile.VmsRunning);
        Assert.Equal(4, tile.VmsTotal);
        Assert.Equal(2, tile.NestedOn);
        Assert.Equal(40, tile.CpuPercent);
        Assert.Equal("Windows Server 2022 Datacenter", tile.OsCaption);
        Assert.Equal(20348, tile.OsBuild);
        Assert.Equal("Intel", tile.VendorLabel);
        Assert.Equal(["lab"], tile.Tags);
    }

    [Fact]
    public void A_vm_with_a_failing_check_is_a_problem_and_a_warning_alone_is_counted_apart()
    {
        var host = Connected(Intel2022("hv-a"), Ready("ok"), OldConfig("old"), WithCheckpoint("snap"));

        var tile = HostTileModel.From(host);

        Assert.Equal(0, tile.HostFailures);
        Assert.Equal(1, tile.VmsFailing);
        Assert.Equal(1, tile.Problems);
        Assert.Equal(1, tile.Warnings);
    }

    [Fact]
    public void Counts_are_per_vm_as_the_grid_classes_a_row_so_a_running_vm_with_nested_off_is_a_warn_vm()
    {
        // The grid shows it as Warn (it must stop for the change); the tile's count links to that filter, so it counts it too.
        var tile = HostTileModel.From(Connected(Intel2022("hv-a"), Ready("a", VmState.Running, cpu: 10), Ready("b", VmState.Running, nested: true)));

        Assert.Equal(1, tile.Warnings);
        Assert.Equal(1, tile.VmsReady);
        Assert.Equal(0, tile.Problems);
        Assert.Equal(1, tile.VmsWith(ReadinessStatus.Warn));
        Assert.Equal(1, tile.VmsWith(ReadinessStatus.Pass));
    }

    [Fact]
    public void A_tile_counts_the_grid_own_rows_which_keep_their_readiness_through_a_metrics_update_and_follow_a_real_change()
    {
        var running = Ready("a", VmState.Running, cpu: 10);
        var before = Connected(Intel2022("hv-a"), running, OldConfig("old"));
        var tile = HostTileModel.From(before);
        Assert.Equal((1, 1), (tile.VmsFailing, tile.VmsWith(ReadinessStatus.Warn) + tile.VmsReady));

        // A metrics update: a new snapshot of the running VM, new CPU only. The rows (shared with the grid) keep their checks.
        var metrics = before with { Vms = [running with { CpuUsagePercent = 70 }, before.Vms[1]] };
        var again = HostTileModel.From(metrics);
        Assert.Equal(70, again.CpuPercent);
        Assert.Equal((tile.VmsFailing, tile.VmsReady, tile.Warnings, tile.VmsUnknown), (again.VmsFailing, again.VmsReady, again.Warnings, again.VmsUnknown));
        Assert.Same(VmRowSet.RowsOf(before)[0].Worst, VmRowSet.RowsOf(metrics)[0].Worst);
        Assert.Same(VmRowSet.RowsOf(metrics), VmRowSet.RowsOf(metrics));

        // A real change (the old VM upgraded): evaluated again, the failure is gone.
        var upgraded = metrics with { Vms = [metrics.Vms[0], Ready("old") with { Id = before.Vms[1].Id }] };
        Assert.Equal(0, HostTileModel.From(upgraded).VmsFailing);
    }

    [Fact]
    public void The_verdict_says_whether_the_host_can_nest()
    {
        Assert.Equal("Can run nested (Intel, WS2022)", HostTileModel.From(Connected(Intel2022("hv-a"))).Verdict.Text);
        Assert.Equal("Cannot: AMD needs Windows Server 2022+", HostTileModel.From(Connected(Amd2016("hv-amd"))).Verdict.Text);
        var down = new HostInventoryState("hv-x", new HostStatus(HostConnectionState.Unreachable, DateTimeOffset.UtcNow, "refused"), Intel2022("hv-x"), [], 1, null);
        Assert.Equal("Unknown: host unreachable", HostTileModel.From(down).Verdict.Text);
    }

    [Fact]
    public void A_failing_host_check_counts_once_not_once_per_vm()
    {
        // AMD needs Windows Server 2022 or later: the host's OS check fails, and each VM's host-support check would repeat it.
        var host = Connected(Amd2016("hv-amd"), Ready("a") with { ConfigVersion = new Version(8, 0) }, Ready("b") with { ConfigVersion = new Version(8, 0) });

        var tile = HostTileModel.From(host);

        Assert.True(tile.HostFailures >= 1);
        Assert.Equal("AMD", tile.VendorLabel);
        // Config 8.0 is below AMD's 9.3: each VM fails its own config-version check too.
        Assert.Equal(2, tile.VmsFailing);
        Assert.Equal(tile.HostFailures + 2, tile.Problems);
    }

    [Fact]
    public void A_host_that_never_answered_has_no_facts_and_no_problems_yet()
    {
        var host = new HostInventoryState("hv-x", new HostStatus(HostConnectionState.Unreachable, DateTimeOffset.UtcNow, "hv-x: connection refused"), null, [], 1, null);

        var tile = HostTileModel.From(host);

        Assert.True(tile.IsDown);
        Assert.Null(tile.OsCaption);
        Assert.Null(tile.VendorLabel);
        Assert.Equal(ProcessorVendor.Unknown, tile.ProcessorVendor);
        Assert.Equal(0, tile.Problems);
        Assert.Equal(0, tile.CpuPercent);
        Assert.Equal(HostVerdictKind.Unknown, tile.Verdict.Kind);
        Assert.Empty(tile.Tags);
    }

    [Theory]
    [InlineData(HostConnectionState.Connected, false)]
    [InlineData(HostConnectionState.Connecting, false)]
    [InlineData(HostConnectionState.Unreachable, true)]
    [InlineData(HostConnectionState.AuthenticationFailed, true)]
    public void Down_means_unreachable_or_refused(HostConnectionState state, bool down)
    {
        var host = new HostInventoryState("hv-x", new HostStatus(state, DateTimeOffset.UtcNow), null, [], 1, null);
        Assert.Equal(down, HostTileModel.From(host).IsDown);
    }
}
