using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.Tests.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Operations;

public sealed class VmFixOperationsTests
{
    private const string HostName = "HV01";
    private readonly NestedVirtualizationOperations _locks = new();

    private VmFixOperations Operations => new(_locks);

    private static OperationsFakeHost HostWith(VmSnapshot vm) => new(HostName, Lab.Host(), vm);

    [Theory]
    [InlineData(VmFix.StartupMemory, "SetStartupMemory 4294967296")]
    [InlineData(VmFix.StaticMemory, "SetDynamicMemory False")]
    [InlineData(VmFix.ProcessorCount, "SetProcessorCount 225")]
    [InlineData(VmFix.UpdateVersion, "UpdateVersion")]
    public async Task An_off_vm_gets_the_one_change_and_the_check_then_passes(VmFix fix, string call)
    {
        var vm = Lab.Vm(configVersion: "7.0", vcpus: 240, dynamicMemory: true, startupBytes: 2 * Lab.Gb, guestOsName: "Windows Server 2019 Datacenter", guestOsVersion: "10.0.17763");
        var host = HostWith(vm);

        var result = await Operations.RunAsync(host, Lab.Host(), vm.Id, vm.Name, fix, stopFirst: null);

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal([call], host.Changes);
        var step = Assert.Single(result.Steps);
        Assert.Equal(OperationStepStatus.Done, step.Status);
        Assert.Equal(VmFixes.StepTitle(fix, Lab.Host()), step.Title);
        var check = ReadinessEvaluator.EvaluateVm(Lab.Host(), result.FinalVm!).Single(c => c.RuleId == VmFixes.RuleId(fix));
        Assert.Equal(ReadinessStatus.Pass, check.Status);
    }

    [Fact]
    public async Task A_running_vm_is_refused_unless_the_user_chose_to_stop_it_then_it_is_stopped_changed_and_started_again()
    {
        var vm = Lab.Vm(state: VmState.Running, startupBytes: 2 * Lab.Gb);
        var host = HostWith(vm);

        var refused = await Operations.RunAsync(host, Lab.Host(), vm.Id, vm.Name, VmFix.StartupMemory, stopFirst: null);
        Assert.Equal(OperationOutcome.Refused, refused.Outcome);
        Assert.Equal(
            "Set startup memory to 4 GB on VM 'L1-Lab' on host 'HV01' was refused: The VM is Running and the change needs it Off: shut it down (or turn it off) "
            + "first, or let the dashboard do it and start it again after. Nothing was changed.", refused.Message);
        Assert.Empty(host.Changes);

        var progress = new RecordingProgress();
        var result = await Operations.RunAsync(host, Lab.Host(), vm.Id, vm.Name, VmFix.StartupMemory, StopMode.ShutDown, progress);

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["Stop ShutDown", "SetStartupMemory 4294967296", "Start"], host.Changes);
        Assert.Equal(["Shut down (Stop-VM -Force)", "Set startup memory to 4 GB (Set-VMMemory -StartupBytes 4GB)", "Start again (Start-VM)"], result.Steps.Select(s => s.Title));
        Assert.Equal(VmState.Running, result.FinalVm!.State);
        Assert.Equal(4 * Lab.Gb, result.FinalVm.MemoryStartupBytes);
        Assert.Equal("Set startup memory to 4 GB: done on VM 'L1-Lab' on host 'HV01' and started it again; the VM is Running.", result.Message);
        Assert.Contains(progress.Reports, r => r.Status is OperationStepStatus.Running && r.Kind is OperationStepKind.SetStartupMemory);
    }

    [Fact]
    public async Task A_change_the_host_refuses_after_the_stop_starts_the_vm_again_and_changes_nothing()
    {
        var vm = Lab.Vm(state: VmState.Running, vcpus: 240, guestOsName: "Windows Server 2019 Datacenter", guestOsVersion: "10.0.17763");
        var host = HostWith(vm);
        host.Fail(HostCall.Fix, "'L1-Lab' failed to modify device 'Processor'. The number of virtual processors (225) must be between 1 and 64 on this host.");

        var result = await Operations.RunAsync(host, Lab.Host(), vm.Id, vm.Name, VmFix.ProcessorCount, StopMode.TurnOff);

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal(["Stop TurnOff", "SetProcessorCount 225", "Start"], host.Changes);
        Assert.Equal(
            [OperationStepStatus.Compensated, OperationStepStatus.Failed, OperationStepStatus.Skipped, OperationStepStatus.Done],
            result.Steps.Select(s => s.Status));
        Assert.Equal(OperationStepKind.CompensatingStart, result.Steps[^1].Kind);
        Assert.Equal(VmState.Running, result.FinalVm!.State);
        Assert.Equal(240, result.FinalVm.ProcessorCount);
        Assert.Contains("must be between 1 and 64 on this host. Nothing was changed; the VM was started again. The VM is Running.", result.Message, StringComparison.Ordinal);
        Assert.Equal("'L1-Lab' failed to modify device 'Processor'. The number of virtual processors (225) must be between 1 and 64 on this host.", result.HostMessage);
    }

    [Fact]
    public async Task A_shutdown_that_fails_changes_nothing_and_starts_nothing()
    {
        var vm = Lab.Vm(state: VmState.Running, dynamicMemory: true);
        var host = HostWith(vm);
        host.Fail(HostCall.Stop, "The virtual machine could not be shut down: the shutdown integration service is not available.");

        var result = await Operations.RunAsync(host, Lab.Host(), vm.Id, vm.Name, VmFix.StaticMemory, StopMode.ShutDown);

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal(["Stop ShutDown"], host.Changes);
        Assert.Equal([OperationStepStatus.Failed, OperationStepStatus.Skipped, OperationStepStatus.Skipped], result.Steps.Select(s => s.Status));
        Assert.True(result.FinalVm!.DynamicMemoryEnabled);
        Assert.Contains("Nothing was changed. The VM is Running.", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(VmState.Saved, "start it and shut it down, or delete its saved state, first")]
    [InlineData(VmState.Paused, "resume it and shut it down (or turn it off) first")]
    public async Task A_saved_or_paused_vm_is_refused_with_what_to_do_even_when_a_stop_was_chosen(VmState state, string advice)
    {
        var vm = Lab.Vm(state: state, startupBytes: 2 * Lab.Gb);
        var host = HostWith(vm);

        var result = await Operations.RunAsync(host, Lab.Host(), vm.Id, vm.Name, VmFix.StartupMemory, StopMode.ShutDown);

        Assert.Equal(OperationOutcome.Refused, result.Outcome);
        Assert.Contains(advice, result.Message, StringComparison.Ordinal);
        Assert.Empty(host.Changes);
    }

    [Fact]
    public async Task A_fix_already_made_is_no_change_and_a_busy_vm_is_refused_at_once()
    {
        var vm = Lab.Vm(startupBytes: 4 * Lab.Gb);
        var host = HostWith(vm);

        var done = await Operations.RunAsync(host, Lab.Host(), vm.Id, vm.Name, VmFix.StartupMemory, null);
        Assert.Equal(OperationOutcome.NoChange, done.Outcome);
        Assert.Equal("Startup memory is already 4 GB or more. Nothing was changed on VM 'L1-Lab' on host 'HV01'.", done.Message);

        using (_locks.TryLock(HostName, vm.Id, vm.Name, out _))
        {
            var busy = await Operations.RunAsync(host, Lab.Host(), vm.Id, vm.Name, VmFix.StaticMemory, null);
            Assert.Equal(OperationOutcome.Busy, busy.Outcome);
            Assert.Equal("Another change is running on VM 'L1-Lab' on host 'HV01'; try again when it has finished.", busy.Message);
        }

        Assert.Empty(host.Changes);
    }

    [Fact]
    public async Task The_version_upgrade_needs_the_hosts_versions_and_goes_to_its_default()
    {
        var vm = Lab.Vm(configVersion: "7.0");
        var host = new OperationsFakeHost(HostName, Lab.Host(), vm) { DefaultVersion = new Version(9, 0) };

        var unknown = await Operations.RunAsync(host, null, vm.Id, vm.Name, VmFix.UpdateVersion, null);
        Assert.Equal(OperationOutcome.Refused, unknown.Outcome);
        Assert.Contains("have not been read", unknown.Message, StringComparison.Ordinal);

        var facts = Lab.Host(defaultVersion: new Version(9, 0));
        var result = await Operations.RunAsync(host, facts, vm.Id, vm.Name, VmFix.UpdateVersion, null);
        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal("Upgrade the configuration version to 9.0 (Update-VMVersion -Force)", Assert.Single(result.Steps).Title);
        Assert.Equal(new Version(9, 0), result.FinalVm!.ConfigVersion);
    }
}
