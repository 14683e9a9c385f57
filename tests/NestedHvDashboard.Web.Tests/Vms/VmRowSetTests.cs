using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.VirtualMachines;
namespace NestedHvDashboard.Web.Tests.Vms;

/// <summary>
/// A metrics update gives every host a new state every few seconds; the grid's rows keep their readiness through it
/// (readiness does not depend on CPU or uptime), and anything else that changes is evaluated again.
/// </summary>
public sealed class VmRowSetTests
{
    private static HostInventoryState Host(string name, params VmSnapshot[] vms) =>
        new(name, new HostStatus(HostConnectionState.Connected, DateTimeOffset.UnixEpoch), VmGridQueryTests.Facts, vms, 1, null);

    [Fact]
    public void A_reading_keeps_the_rows_readiness_and_shows_the_new_reading()
    {
        var name = $"hv-{Guid.NewGuid():N}";
        var vm = VmGridQueryTests.Vm("web-01", VmState.Running, config: "5.0", cpu: 10);
        var first = Assert.Single(VmRowSet.Of([Host(name, vm)]).Rows);

        var read = Assert.Single(VmRowSet.Of([Host(name, vm with { CpuUsagePercent = 77, Uptime = TimeSpan.FromHours(5) })]).Rows);

        Assert.Equal(77, read.Vm.CpuUsagePercent);
        Assert.Equal(TimeSpan.FromHours(5), read.Vm.Uptime);
        Assert.NotNull(first.Worst);
        Assert.Same(first.Worst, read.Worst); // not evaluated again
        Assert.Equal(first.Key, read.Key);
    }

    [Fact]
    public void A_configuration_change_is_evaluated_again()
    {
        var name = $"hv-{Guid.NewGuid():N}";
        var vm = VmGridQueryTests.Vm("old-01", VmState.Off, config: "5.0");
        var first = Assert.Single(VmRowSet.Of([Host(name, vm)]).Rows);
        Assert.Equal(ReadinessStatus.Fail, first.Readiness); // configuration version 5.0 cannot run nested

        var upgraded = Assert.Single(VmRowSet.Of([Host(name, vm with { ConfigVersion = Version.Parse("10.0"), CpuUsagePercent = 3 })]).Rows);

        Assert.NotSame(first.Worst, upgraded.Worst);
        Assert.Equal(ReadinessStatus.Pass, upgraded.Readiness);
        Assert.Equal(3, upgraded.Vm.CpuUsagePercent);
    }
}
