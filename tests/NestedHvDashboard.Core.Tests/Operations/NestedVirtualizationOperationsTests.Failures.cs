using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Operations;

public sealed partial class NestedVirtualizationOperationsTests
{
    [Fact]
    public async Task Failed_stop_runs_nothing_else_and_reports_the_host_message()
    {
        var host = HostWith(RunningVm);
        host.Fail(HostCall.Stop, "The guest did not respond to the shutdown request.");

        var result = await _operations.RunAsync(host, Enable(RunningVm, PowerAction.ShutDown));

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal(["Stop ShutDown"], host.Changes);
        Assert.Equal(["Shut down: Failed", "Set ExposeVirtualizationExtensions $true: Skipped", "Start: Skipped"], Statuses(result));
        Assert.Equal("Shut down", result.FailedStep?.Title);
        Assert.Equal("The guest did not respond to the shutdown request.", result.HostMessage);
        Assert.Equal(result.HostMessage, result.FailedStep?.HostMessage);
        Assert.Equal("'Shut down' failed on VM 'L1-Lab' on host 'HV01': The guest did not respond to the shutdown request.", result.Message);
        Assert.Equal(VmState.Running, host.Vm(RunningVm.Id).State);
        Assert.Equal(VmState.Running, result.FinalVm?.State);
    }

    [Fact]
    public async Task Failed_set_on_a_stopped_running_vm_starts_it_again()
    {
        var host = HostWith(RunningVm);
        host.Fail(HostCall.SetNested, "Access is denied.");

        var result = await _operations.RunAsync(host, Enable(RunningVm, PowerAction.TurnOff));

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal(["Stop TurnOff", "SetNested True", "Start"], host.Changes);
        Assert.Equal(
            ["Turn off: Compensated", "Set ExposeVirtualizationExtensions $true: Failed", "Start: Skipped", "Start again (restore Running): Done"],
            Statuses(result));
        Assert.Equal(OperationStepKind.CompensatingStart, result.Steps[^1].Kind);
        Assert.Equal("Access is denied.", result.HostMessage);
        Assert.Contains("'Set ExposeVirtualizationExtensions $true' failed on VM 'L1-Lab' on host 'HV01': Access is denied.", result.Message, StringComparison.Ordinal);
        Assert.Contains("started again", result.Message, StringComparison.Ordinal);
        Assert.Equal(VmState.Running, host.Vm(RunningVm.Id).State);
        Assert.False(host.Vm(RunningVm.Id).ExposeVirtualizationExtensions);
        Assert.Equal(VmState.Running, result.FinalVm?.State);
    }

    [Fact]
    public async Task Failed_start_is_compensated_by_starting_again()
    {
        var host = HostWith(RunningVm);
        host.Fail(HostCall.Start, "Not enough memory in the system to start the virtual machine.");

        var result = await _operations.RunAsync(host, Enable(RunningVm, PowerAction.ShutDown));

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal(["Stop ShutDown", "SetNested True", "Start", "Start"], host.Changes);
        Assert.Equal(
            ["Shut down: Compensated", "Set ExposeVirtualizationExtensions $true: Done", "Start: Failed", "Start again (restore Running): Done"],
            Statuses(result));
        Assert.Equal("Not enough memory in the system to start the virtual machine.", result.HostMessage);
        Assert.Equal(VmState.Running, host.Vm(RunningVm.Id).State);
        Assert.True(host.Vm(RunningVm.Id).ExposeVirtualizationExtensions);
    }

    [Fact]
    public async Task Failed_compensation_is_reported_as_its_own_failed_step()
    {
        var host = HostWith(RunningVm);
        host.Fail(HostCall.SetNested, "Access is denied.");
        host.Fail(HostCall.Start, "The host is out of memory.");

        var result = await _operations.RunAsync(host, Enable(RunningVm, PowerAction.ShutDown));

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal(
            ["Shut down: Done", "Set ExposeVirtualizationExtensions $true: Failed", "Start: Skipped", "Start again (restore Running): Failed"],
            Statuses(result));
        Assert.Equal("The host is out of memory.", result.Steps[^1].HostMessage);
        Assert.Equal("Access is denied.", result.HostMessage);
        Assert.Contains("Starting the VM again also failed: The host is out of memory.", result.Message, StringComparison.Ordinal);
        Assert.Equal(VmState.Off, result.FinalVm?.State);
    }

    [Fact]
    public async Task Failed_set_on_an_off_vm_needs_no_compensation()
    {
        var host = HostWith(OffVm);
        host.Fail(HostCall.SetNested, "The operation failed.", HostErrorKind.InvalidVmState);

        var result = await _operations.RunAsync(host, Enable(OffVm));

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal(["SetNested True"], host.Changes);
        Assert.Equal(["Set ExposeVirtualizationExtensions $true: Failed"], Statuses(result));
        Assert.Equal(VmState.Off, result.FinalVm?.State);
    }

    [Fact]
    public async Task Failed_read_reports_the_host_message_and_changes_nothing()
    {
        var host = HostWith(OffVm);
        host.Fail(HostCall.GetVm, "Connection refused", HostErrorKind.Unreachable);

        var result = await _operations.RunAsync(host, Enable(OffVm));

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal("Connection refused", result.HostMessage);
        Assert.Contains("Connection refused", result.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", result.Message, StringComparison.Ordinal);
        Assert.Empty(host.Changes);
    }
}
