using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

/// <summary>The simulator's cost model (<see cref="SimulatedHostCost"/>): off by default, and what it charges when on.</summary>
public sealed class CostModelTests : IDisposable
{
    private readonly SimulatedHost host = TestHosts.Create();
    private readonly SimulatorSession session;

    public CostModelTests() => session = new SimulatorSession(host);

    public void Dispose() => session.Dispose();

    [Fact]
    public void The_figures_are_those_of_the_public_measurement()
    {
        // Windows-Admin-Center-Ideas-and-Feedback #120: 150 VMs, Select ProcessorCount 25 s, Select CPUUsage 2 s.
        Assert.Equal(153.33, SimulatedHostCost.WmiPropertyRead.TotalMilliseconds, precision: 2);
        Assert.Equal(SimulatedHostCost.WmiPropertyRead, SimulatedHostCost.CmdletCall);
        Assert.Equal(2_000, (SimulatedHostCost.CmdletCall + (150 * SimulatedHostCost.VmObject)).TotalMilliseconds, precision: 0);
        Assert.Equal(25_000, (SimulatedHostCost.CmdletCall + (150 * (SimulatedHostCost.VmObject + SimulatedHostCost.WmiPropertyRead))).TotalMilliseconds, precision: 0);
    }

    [Fact]
    public void Off_by_default()
    {
        Assert.Null(host.Cost);
        session.Run("Get-VM | ForEach-Object { $_.ProcessorCount }").Succeeded();
        Assert.Null(host.Cost);
    }

    [Fact]
    public void Get_vm_charges_one_call_and_each_object_and_a_lazy_property_once_per_object()
    {
        var cost = new SimulatedHostCost();
        host.Cost = cost;
        var vms = host.Read(h => h.Vms.Count);
        Assert.True(vms >= 2);

        // Fast fields cost nothing beyond the objects.
        session.Run("$all = @(Get-VM); foreach ($vm in $all) { $null = $vm.State, $vm.CPUUsage, $vm.Uptime, $vm.MemoryAssigned }").Succeeded();
        Assert.Equal((1, vms, 0L), (cost.Calls, cost.VmObjects, cost.PropertyReads));
        Assert.Equal(SimulatedHostCost.CmdletCall + (vms * SimulatedHostCost.VmObject), cost.Charged);

        // ProcessorCount read twice and MemoryStartup once on each object: two WMI reads per VM.
        session.Run("$all = @(Get-VM); foreach ($vm in $all) { $null = $vm.ProcessorCount, $vm.ProcessorCount, $vm.MemoryStartup }").Succeeded();
        Assert.Equal((2, 2L * vms, 2L * vms), (cost.Calls, cost.VmObjects, cost.PropertyReads));
        Assert.Equal((2 * SimulatedHostCost.CmdletCall) + (2 * vms * SimulatedHostCost.VmObject) + (2 * vms * SimulatedHostCost.WmiPropertyRead), cost.Charged);
    }

    [Fact]
    public void A_component_cmdlet_over_every_vm_is_one_call()
    {
        var cost = new SimulatedHostCost();
        var all = session.Run("Get-VM").Succeeded().Output;
        host.Cost = cost;

        session.Run("param($VM) $null = Get-VMProcessor -VM $VM; $null = Get-VMMemory -VM $VM; $null = Get-CimInstance -ClassName Win32_OperatingSystem", new Dictionary<string, object> { ["VM"] = all }).Succeeded();

        Assert.Equal((3, 0L, 0L), (cost.Calls, cost.VmObjects, cost.PropertyReads));
        Assert.Equal(3 * SimulatedHostCost.CmdletCall, cost.Charged);
    }
}
