using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Simulator.HyperV;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

public sealed partial class GuestSetupTests
{
    [Fact]
    public async Task A_new_vm_is_ready_for_nesting()
    {
        var facts = await DashboardHost.GetHostFactsAsync();

        var vm = await DashboardHost.CreateVmAsync(new NewVmRequest("lab-l1", 8 * Gb, 4, "LabSwitch"));

        Assert.Equal("lab-l1", vm.Name);
        Assert.Equal(2, vm.Generation);
        Assert.Equal(facts.SupportedConfigVersions.Max(), vm.ConfigVersion);
        Assert.Equal(8 * Gb, vm.MemoryStartupBytes);
        Assert.False(vm.DynamicMemoryEnabled);
        Assert.Equal(4, vm.ProcessorCount);
        Assert.True(vm.ExposeVirtualizationExtensions);
        var adapter = Assert.Single(vm.NetworkAdapters);
        Assert.Equal("LabSwitch", adapter.SwitchName);
        Assert.True(adapter.MacAddressSpoofing);
        Assert.Equal(VMState.Off, _host.FindVm(vm.Id)!.State);
    }

    [Fact]
    public async Task A_new_vms_steps_are_reported_in_order_each_as_the_host_begins_it()
    {
        // Each report is taken on the script's own thread as its Step row is written, before the step's cmdlet: what the host has
        // then shows the script is between the steps before it and its own.
        var seen = new List<string>();
        var progress = new StepReports(step =>
        {
            var vm = _host.FindVm("lab-l1");
            seen.Add($"{step.Index} {step.Status}: " + (vm is null ? "no VM" : $"{vm.ProcessorCount} cpu, nested {vm.ExposeVirtualizationExtensions}, spoofing {vm.NetworkAdapters.TrueForAll(a => a.MacAddressSpoofing)}"));
        });

        var created = await DashboardHost.CreateVmAsync(new NewVmRequest("lab-l1", 8 * Gb, 4, "LabSwitch"), progress);

        Assert.Equal(
            [
                "0 Pending: no VM", "1 Pending: no VM", "2 Pending: no VM", "3 Pending: no VM",
                "0 Running: no VM",
                "0 Done: 1 cpu, nested False, spoofing False", "1 Running: 1 cpu, nested False, spoofing False",
                "1 Done: 1 cpu, nested False, spoofing False", "2 Running: 1 cpu, nested False, spoofing False",
                "2 Done: 4 cpu, nested True, spoofing False", "3 Running: 4 cpu, nested True, spoofing False",
                "3 Done: 4 cpu, nested True, spoofing True",
            ],
            seen);
        Assert.Equal(
            [
                (OperationStepKind.CreateVm, "New-VM -Generation 2"),
                (OperationStepKind.SetDynamicMemory, "Set-VMMemory -DynamicMemoryEnabled $false"),
                (OperationStepKind.SetNestedVirtualization, "Set-VMProcessor -Count -ExposeVirtualizationExtensions $true"),
                (OperationStepKind.SetMacAddressSpoofing, "Set-VMNetworkAdapter -MacAddressSpoofing On"),
            ],
            progress.Latest.Select(s => (s.Kind, s.Title)));
        Assert.All(progress.Latest, s => Assert.Equal((DashboardHost.Name, "lab-l1"), (s.HostName, s.VmName)));
        Assert.Equal("lab-l1", created.Name);
        Assert.True(created.ExposeVirtualizationExtensions);
    }

    [Fact]
    public async Task A_new_vms_failing_step_is_reported_failed_with_the_hosts_words_and_the_steps_after_it_skipped()
    {
        _host.FailingCommands["Set-VMProcessor"] = "Simulated failure of Set-VMProcessor";
        var progress = new StepReports(_ => { });

        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.CreateVmAsync(new NewVmRequest("lab-l1", 8 * Gb, 4, "LabSwitch"), progress));

        Assert.Equal(
            [OperationStepStatus.Done, OperationStepStatus.Done, OperationStepStatus.Failed, OperationStepStatus.Skipped],
            progress.Latest.Select(s => s.Status));
        Assert.Equal(error.HostMessage, progress.Latest[2].HostMessage);
        Assert.StartsWith("Set-VMProcessor -Count -ExposeVirtualizationExtensions $true failed: Simulated failure of Set-VMProcessor", error.HostMessage, StringComparison.Ordinal);
        Assert.Null(_host.FindVm("lab-l1"));
    }

    [Theory]
    [InlineData("", 8, 4, "LabSwitch", NewVmField.Name)]
    [InlineData("lab-l1", 2, 4, "LabSwitch", NewVmField.MemoryStartupBytes)]
    [InlineData("lab-l1", 8, 1, "LabSwitch", NewVmField.ProcessorCount)]
    [InlineData("lab-l1", 8, 17, "LabSwitch", NewVmField.ProcessorCount)]
    [InlineData("lab-l1", 8, 4, "NoSuchSwitch", NewVmField.SwitchName)]
    public async Task A_bad_new_vm_request_is_refused_naming_the_field(string name, long memoryGb, int processors, string switchName, string field)
    {
        var error = await Assert.ThrowsAsync<NewVmRefusedException>(() => DashboardHost.CreateVmAsync(new NewVmRequest(name, memoryGb * Gb, processors, switchName)));

        Assert.Equal(field, Assert.Single(error.Problems).Field);
        Assert.Equal(6, _host.Read(h => h.Vms.Count));
    }

    [Theory]
    [InlineData("Set-VMProcessor")]
    [InlineData("Set-VMNetworkAdapter")]
    public async Task A_failing_step_removes_the_half_created_vm(string failing)
    {
        _host.FailingCommands[failing] = "Simulated failure of " + failing;

        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.CreateVmAsync(new NewVmRequest("lab-l1", 8 * Gb, 4, "LabSwitch")));

        Assert.Equal("lab-l1", error.VmName);
        Assert.Contains(failing, error.HostMessage, StringComparison.Ordinal);
        Assert.Contains("Simulated failure of " + failing, error.HostMessage, StringComparison.Ordinal);
        Assert.Contains("The half-created VM was removed", error.HostMessage, StringComparison.Ordinal);
        Assert.Null(_host.FindVm("lab-l1"));
        Assert.Equal(6, _host.Read(h => h.Vms.Count));
    }

    [Fact]
    public async Task A_vm_name_with_powershell_syntax_is_only_a_name()
    {
        var vm = await DashboardHost.CreateVmAsync(new NewVmRequest(Malicious, 4 * Gb, 2, "LabSwitch"));

        Assert.Equal(Malicious, vm.Name);
        Assert.Equal(7, _host.Read(h => h.Vms.Count));
        Assert.NotNull(_host.FindVm("l1-hv"));
    }
}
