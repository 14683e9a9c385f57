using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

/// <summary>The Hyper-V inside an L1 (IL1Hypervisor) against the simulator: the external switch, L2 VMs and their adapters.</summary>
public sealed partial class GuestSetupTests
{
    private static readonly ExternalSwitchRequest External = new("External", "Ethernet");

    // Quotes and a statement separator Hyper-V accepts in a VM name: it must stay a name.
    private const string Sneaky = "l2 'x'; Remove-VM l2-app-01 -Force; #";

    [Fact]
    public async Task The_external_switch_binds_the_guests_adapter_and_its_address_moves_to_the_switchs_host_adapter()
    {
        SpoofingOn("l1-hv");
        var address = GuestAddress("l1-hv", "Ethernet");

        var reading = await DashboardHost.CreateExternalSwitchAsync(Id("l1-hv"), Lab, External);

        Assert.Contains(new L1Switch("External", "External", "Ethernet"), reading.Switches);
        Assert.DoesNotContain(L1SwitchPlan.BindableAdapters(reading), a => a.Name == "Ethernet");
        var seen = InGuest("l1-hv", """
            (Get-VMSwitch -Name External).SwitchType.ToString()
            (Get-NetIPAddress -InterfaceAlias 'vEthernet (External)' -AddressFamily IPv4).IPAddress
            @(Get-NetIPAddress -InterfaceAlias 'Ethernet' -AddressFamily IPv4 -ErrorAction SilentlyContinue).Count
            """);
        Assert.Equal(["External", address, "0"], seen);
    }

    [Fact]
    public async Task Spoofing_off_on_the_l1s_adapters_refuses_the_switch_in_microsofts_words_and_changes_nothing()
    {
        var before = Network(GuestHost("l1-hv"));

        var error = await Assert.ThrowsAsync<L1SwitchRefusedException>(() => DashboardHost.CreateExternalSwitchAsync(Id("l1-hv"), Lab, External));

        var problem = Assert.Single(error.Problems);
        Assert.Equal(L1SwitchField.L1, problem.Field);
        Assert.Contains(L1SwitchPlan.SpoofingWhy, problem.Message, StringComparison.Ordinal);
        Assert.Contains("'Network Adapter'", problem.Message, StringComparison.Ordinal);
        Assert.Equal(before, Network(GuestHost("l1-hv")));
    }

    [Fact]
    public async Task A_taken_name_and_a_bound_adapter_are_refused_before_anything_runs()
    {
        SpoofingOn("l1-hv");
        await DashboardHost.CreateExternalSwitchAsync(Id("l1-hv"), Lab, External);
        var before = Network(GuestHost("l1-hv"));

        var error = await Assert.ThrowsAsync<L1SwitchRefusedException>(() => DashboardHost.CreateExternalSwitchAsync(Id("l1-hv"), Lab, new("External", "Ethernet")));

        Assert.Contains(error.Problems, p => p.Field == L1SwitchField.SwitchName && p.Message.Contains("already has a external switch named 'External'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Field == L1SwitchField.NetAdapterName && p.Message.Contains("already bound to the external switch 'External'", StringComparison.Ordinal));
        Assert.Equal(before, Network(GuestHost("l1-hv")));
    }

    [Fact]
    public async Task A_switch_whose_host_adapter_cannot_be_checked_is_removed_again_by_the_guest()
    {
        SpoofingOn("l1-hv");
        var guest = GuestHost("l1-hv");
        var before = Network(guest);
        guest.FailingAfter["New-VMSwitch"] = ("Get-NetAdapter", "Simulated failure of Get-NetAdapter");

        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.CreateExternalSwitchAsync(Id("l1-hv"), Lab, External));

        Assert.StartsWith("New-VMSwitch -Name External -NetAdapterName Ethernet -AllowManagementOS:$true", error.Operation, StringComparison.Ordinal);
        Assert.Contains("the switch was removed again", error.HostMessage, StringComparison.Ordinal);
        Assert.Contains("Simulated failure of Get-NetAdapter", error.HostMessage, StringComparison.Ordinal);
        guest.FailingCommands.Clear();
        Assert.Equal(before, Network(guest));
    }

    [Fact]
    public async Task A_guest_that_stops_answering_after_the_switch_was_made_gets_it_removed_again()
    {
        SpoofingOn("l1-hv");
        var guest = GuestHost("l1-hv");
        var before = Network(guest);
        guest.FailingAfter["New-VMSwitch"] = ("Get-CimInstance", "The guest stopped answering");

        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.CreateExternalSwitchAsync(Id("l1-hv"), Lab, External));

        Assert.Contains("The guest stopped answering after the switch was created", error.HostMessage, StringComparison.Ordinal);
        Assert.Contains("Undone: Remove-VMSwitch -Name External -Force.", error.HostMessage, StringComparison.Ordinal);
        guest.FailingCommands.Clear();
        Assert.Equal(before, Network(guest));
    }

    [Fact]
    public async Task Removing_is_refused_while_an_l2_adapter_is_on_the_switch_and_names_it_then_runs_once_it_moved()
    {
        SpoofingOn("l1-hv");
        var guest = GuestHost("l1-hv");
        var address = GuestAddress("l1-hv", "Ethernet");
        guest.AddSwitch("VmNAT", VMSwitchType.Internal);
        await DashboardHost.CreateExternalSwitchAsync(Id("l1-hv"), Lab, External);
        var connected = await DashboardHost.ConnectL2AdapterAsync(Id("l1-hv"), Lab, "l2-app-01", "External");
        Assert.Equal("External", Assert.Single(connected.L2Adapters).SwitchName);

        var error = await Assert.ThrowsAsync<L1SwitchRefusedException>(() => DashboardHost.RemoveExternalSwitchAsync(Id("l1-hv"), Lab, "External"));
        Assert.Contains("l2-app-01 (Network Adapter)", Assert.Single(error.Problems).Message, StringComparison.Ordinal);

        await DashboardHost.ConnectL2AdapterAsync(Id("l1-hv"), Lab, "l2-app-01", "VmNAT");
        var after = await DashboardHost.RemoveExternalSwitchAsync(Id("l1-hv"), Lab, "External");

        Assert.DoesNotContain(after.Switches, s => s.Name == "External");
        Assert.Equal("VmNAT", Assert.Single(after.L2Adapters).SwitchName);
        Assert.Equal(address, GuestAddress("l1-hv", "Ethernet"));
    }

    [Fact]
    public async Task An_l2_vm_is_created_off_generation_2_static_on_the_switch_booting_a_differencing_disk_of_the_image()
    {
        var guest = GuestHost("l1-hv");
        guest.AddSwitch("VmNAT", VMSwitchType.Internal);

        var vm = await DashboardHost.CreateL2VmAsync(Id("l1-hv"), Lab, new L2VmRequest(Sneaky, 2, 2 * Gb, "VmNAT", SimulatedImages.WindowsServer2022));

        Assert.Equal((Sneaky, VmState.Off), (vm.Name, vm.State));
        var (generation, dynamic, processors, memory, switchName, disk) = guest.Read(h =>
        {
            var made = h.Vms.Single(v => v.Name == Sneaky);
            return (made.Generation, made.DynamicMemoryEnabled, made.ProcessorCount, made.MemoryStartupBytes, made.NetworkAdapters.Single().SwitchName, h.Disks.Single());
        });
        Assert.Equal((2, false, 2L, 2 * Gb, "VmNAT"), (generation, dynamic, processors, memory, switchName));
        Assert.Equal(SimulatedImages.WindowsServer2022, disk.ParentPath);
        Assert.EndsWith($"\\{Sneaky}.vhdx", disk.Path, StringComparison.Ordinal);
        Assert.Equal(2, guest.Read(h => h.Vms.Count)); // the name stayed a name: nothing else ran
    }

    [Fact]
    public async Task A_half_made_l2_vm_is_removed_again_and_a_taken_name_is_refused()
    {
        var guest = GuestHost("l1-hv");
        guest.AddSwitch("VmNAT", VMSwitchType.Internal);
        guest.FailingCommands["Set-VMProcessor"] = "Simulated failure of Set-VMProcessor";

        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.CreateL2VmAsync(Id("l1-hv"), Lab, new L2VmRequest("l2-new", 2, 1 * Gb, "VmNAT", null)));

        Assert.Contains("Simulated failure of Set-VMProcessor", error.HostMessage, StringComparison.Ordinal);
        Assert.Contains("Undone: Remove-VM -Name 'l2-new' -Force: done", error.HostMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(guest.Read(h => h.Vms.Select(v => v.Name).ToList()), n => n == "l2-new");

        var refused = await Assert.ThrowsAsync<L1SwitchRefusedException>(() => DashboardHost.CreateL2VmAsync(Id("l1-hv"), Lab, new L2VmRequest("l2-app-01", 0, 1000, "Nope", "disk.iso")));
        Assert.Equal(
            [L1SwitchField.L2VmName, L1SwitchField.ProcessorCount, L1SwitchField.MemoryStartupBytes, L1SwitchField.SwitchName, L1SwitchField.OsImagePath],
            refused.Problems.Select(p => p.Field));
    }

    [Fact]
    public async Task A_guest_without_hyper_v_or_an_l1_that_is_off_is_refused_with_why()
    {
        var noHyperV = await Assert.ThrowsAsync<L1SwitchRefusedException>(() => DashboardHost.CreateExternalSwitchAsync(Id("l1-plain"), Lab, External));
        Assert.Contains("Hyper-V does not run inside VM 'l1-plain'", noHyperV.Problems[0].Message, StringComparison.Ordinal);

        var off = await Assert.ThrowsAsync<L1SwitchRefusedException>(() => DashboardHost.ConnectL2AdapterAsync(Id("off-guest"), Lab, "l2-app-01", "External"));
        Assert.Equal("VM 'off-guest' is Off: PowerShell Direct reaches only a running guest; start it first.", Assert.Single(off.Problems).Message);
    }

    [Fact]
    public async Task A_hosts_own_vm_adapter_moves_to_another_switch_and_the_switches_are_listed_with_types()
    {
        _host.AddSwitch("VmNAT", VMSwitchType.Internal);

        var switches = await DashboardHost.GetHostSwitchesAsync();
        var vm = await DashboardHost.ConnectVmAdapterAsync(Id("l1-plain"), "Network Adapter", "VmNAT");

        Assert.Contains(new L1Switch("VmNAT", "Internal", null), switches);
        Assert.Contains(new L1Switch("LabSwitch", "Internal", null), switches);
        Assert.Equal("VmNAT", Assert.Single(vm.NetworkAdapters).SwitchName);
    }

    private void SpoofingOn(string vmName) => _host.Update(h =>
    {
        foreach (var adapter in h.Vms.Single(v => v.Name == vmName).NetworkAdapters)
        {
            adapter.MacAddressSpoofing = true;
        }

        return 0;
    });

    private string GuestAddress(string vmName, string alias) => GuestHost(vmName).Read(h =>
    {
        var index = h.NetAdapters.Single(a => a.Name == alias).InterfaceIndex;
        return string.Join(",", h.IPAddresses.Where(a => a.InterfaceIndex == index).Select(a => a.IPAddress));
    });
}
