using System.Text.Json;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

/// <summary>The inventory's answer is one object however many VMs a host has, and lists each VM as reading that VM alone does.</summary>
public sealed class InventoryPackingTests
{
    [Fact]
    public async Task The_inventory_is_one_output_object_and_each_vm_reads_as_Get_VM_alone_reads_it()
    {
        var lab = new SimulatedLab();
        var host = new SimulatedHost("HV-PACK") { Timing = SimulationTiming.Fast() };
        host.AddSwitch("LabSwitch", VMSwitchType.Internal);
        for (var i = 0; i < 30; i++)
        {
            host.AddVm($"vm{i:00}");
        }

        host.AddVm("x'; Remove-Item C:\\ -Recurse; '$(Get-Date) \"Ünïcødé\" 名前", vm =>
        {
            vm.State = VMState.Running;
            vm.RunningSince = DateTimeOffset.UtcNow.AddHours(-2);
            vm.GuestOsName = "Windows Server 2022 Datacenter";
            vm.GuestOsVersion = "10.0.20348";
            vm.NetworkAdapters.Add(new SimulatedVmNetworkAdapter { Name = "Second <&>", SwitchName = "LabSwitch", MacAddress = "00155D0000AA", MacAddressSpoofing = true });
        });
        lab.Add(host);
        await using var dashboardHost = (PowerShellHyperVHost)HyperVHostFactory.Create(
            new HostConnectionSettings { Name = "HV-PACK", Address = "HV-PACK", Transport = HostTransport.InProcess, Timeout = TimeSpan.FromSeconds(60) }, lab);

        var rows = await dashboardHost.Session.InvokeAsync(new HostCommand(HostScript.Inventory, new Dictionary<string, object?>(), "inventory"), CancellationToken.None);
        var inventory = await dashboardHost.GetInventoryAsync();

        Assert.Equal("Rows", HostRows.KindOf(Assert.Single(rows)));
        Assert.Equal(31, inventory.Vms.Count);
        foreach (var vm in inventory.Vms)
        {
            var alone = await dashboardHost.GetVmAsync(vm.Id);
            Assert.Equal(JsonSerializer.Serialize(alone with { Uptime = TimeSpan.Zero, CpuUsagePercent = 0 }), JsonSerializer.Serialize(vm with { Uptime = TimeSpan.Zero, CpuUsagePercent = 0 }));
        }
    }
}
