using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

/// <summary>A simulated L1 host: the guest OS of a lab VM that runs Hyper-V, reached as a host of its own.</summary>
public sealed class NestedHostTests
{
    private readonly SimulatedLab _lab = LabScenarios.CreateDefaultLab(SimulationTiming.Fast());

    private static HostConnectionSettings L1(string parent, Guid? vmId) => new()
    {
        Name = "l1",
        Address = "l1",
        Transport = HostTransport.InProcess,
        ParentHost = parent,
        ParentVmId = vmId,
    };

    [Fact]
    public async Task The_inventory_of_an_L1_host_lists_its_L2_vms()
    {
        var parent = _lab.Hosts.First(h => h.FindVm("nested-l1-01") is not null);
        var vm = parent.FindVm("nested-l1-01")!;
        await using var host = HyperVHostFactory.Create(L1(parent.Name, vm.Id), _lab);

        var inventory = await host.GetInventoryAsync();

        Assert.Equal("nested-l1-01", inventory.Facts.Name);
        var expected = vm.Guest!.Host.Read(h => h.Vms.Select(v => v.Name).Order().ToList());
        Assert.Contains("l2-app-01", expected);
        Assert.Equal(expected, inventory.Vms.Select(v => v.Name).Order().ToList());
    }

    [Fact]
    public void A_missing_parent_or_vm_or_a_guest_without_HyperV_is_refused_naming_them()
    {
        var parent = _lab.Hosts.First(h => h.FindVm("nested-l1-01") is not null);
        var plain = parent.Read(h => h.Vms.First(v => v.Guest is not null && !v.GuestIsHyperVHost));

        var noParent = Assert.Throws<ArgumentException>(() => HyperVHostFactory.Create(L1("NO-SUCH-HOST", Guid.NewGuid()), _lab));
        var noVm = Assert.Throws<ArgumentException>(() => HyperVHostFactory.Create(L1(parent.Name, Guid.NewGuid()), _lab));
        var noHyperV = Assert.Throws<ArgumentException>(() => HyperVHostFactory.Create(L1(parent.Name, plain.Id), _lab));

        Assert.Contains("NO-SUCH-HOST", noParent.Message, StringComparison.Ordinal);
        Assert.Contains(parent.Name, noVm.Message, StringComparison.Ordinal);
        Assert.Contains("no such VM", noVm.Message, StringComparison.Ordinal);
        Assert.Contains(plain.Name, noHyperV.Message, StringComparison.Ordinal);
        Assert.Contains("does not run Hyper-V", noHyperV.Message, StringComparison.Ordinal);
    }
}
