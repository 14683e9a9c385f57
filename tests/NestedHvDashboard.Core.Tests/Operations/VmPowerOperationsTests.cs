using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.Tests.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Operations;

public sealed class VmPowerOperationsTests
{
    private const string HostName = "HV01";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly NestedVirtualizationOperations _nested = new();

    private VmPowerOperations Operations => new(_nested);

    private static OperationsFakeHost HostWith(VmSnapshot vm) => new(HostName, Lab.Host(), vm);

    // Hyper-V Manager's own rules: which action each settled state offers.
    [Theory]
    [InlineData(VmState.Off, new[] { VmPowerAction.Start })]
    [InlineData(VmState.Running, new[] { VmPowerAction.ShutDown, VmPowerAction.TurnOff, VmPowerAction.Save, VmPowerAction.Pause, VmPowerAction.Restart, VmPowerAction.Reset })]
    [InlineData(VmState.Paused, new[] { VmPowerAction.TurnOff, VmPowerAction.Save, VmPowerAction.Resume })]
    [InlineData(VmState.Saved, new[] { VmPowerAction.Start, VmPowerAction.DeleteSavedState })]
    [InlineData(VmState.Stopping, new VmPowerAction[0])]
    [InlineData(VmState.Starting, new VmPowerAction[0])]
    public void Each_state_allows_only_the_actions_hyper_v_allows(VmState state, VmPowerAction[] allowed)
    {
        Assert.Equal(allowed, VmPowerActions.All.Where(a => VmPowerActions.AppliesTo(a, state)));
        Assert.All(VmPowerActions.All.Except(allowed), a => Assert.False(string.IsNullOrWhiteSpace(VmPowerActions.WhyNot(a, state))));
    }

    [Fact]
    public void The_reasons_say_what_to_do_instead()
    {
        Assert.Equal("The VM is Paused: resume it instead.", VmPowerActions.WhyNot(VmPowerAction.Start, VmState.Paused));
        Assert.Equal("The VM is Running; only a paused VM can be resumed.", VmPowerActions.WhyNot(VmPowerAction.Resume, VmState.Running));
        Assert.Equal("The VM is Off; only a saved VM has a saved state to delete.", VmPowerActions.WhyNot(VmPowerAction.DeleteSavedState, VmState.Off));
        Assert.Equal("The VM is Stopping; wait until it has finished.", VmPowerActions.WhyNot(VmPowerAction.Start, VmState.Stopping));
        Assert.Equal("Remove-VMSavedState -VMName 'Lab VM 01'", VmPowerActions.Command(VmPowerAction.DeleteSavedState, "Lab VM 01"));
        Assert.Contains("like pulling the plug", VmPowerActions.Warning(VmPowerAction.TurnOff), StringComparison.Ordinal);
        Assert.Null(VmPowerActions.Warning(VmPowerAction.Restart));
    }

    [Theory]
    [InlineData(VmPowerAction.Pause, VmState.Running, "Power Suspend", VmState.Paused)]
    [InlineData(VmPowerAction.Resume, VmState.Paused, "Power Resume", VmState.Running)]
    [InlineData(VmPowerAction.Save, VmState.Running, "Stop Save", VmState.Saved)]
    [InlineData(VmPowerAction.TurnOff, VmState.Running, "Stop TurnOff", VmState.Off)]
    [InlineData(VmPowerAction.DeleteSavedState, VmState.Saved, "Power RemoveSavedState", VmState.Off)]
    [InlineData(VmPowerAction.Start, VmState.Saved, "Start", VmState.Running)]
    [InlineData(VmPowerAction.Reset, VmState.Running, "Power Restart", VmState.Running)]
    public async Task Each_action_runs_its_one_call_and_ends_in_its_state(VmPowerAction action, VmState from, string call, VmState to)
    {
        var vm = Lab.Vm(state: from);
        var host = HostWith(vm);

        var result = await Operations.RunAsync(host, vm.Id, vm.Name, action);

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal([call], host.Changes);
        Assert.Equal(to, result.FinalVm!.State);
        Assert.Equal(to, host.Vm(vm.Id).State);
    }

    [Fact]
    public async Task A_graceful_restart_shuts_down_then_starts()
    {
        var vm = Lab.Vm(state: VmState.Running);
        var host = HostWith(vm);

        var result = await Operations.RunAsync(host, vm.Id, vm.Name, VmPowerAction.Restart);

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["Stop ShutDown", "Start"], host.Changes);
        Assert.Equal($"Restarted (shut down, then started) VM '{vm.Name}' on host '{HostName}'; the VM is Running.", result.Message);
    }

    [Fact]
    public async Task An_action_the_fresh_state_does_not_allow_is_refused_and_nothing_runs()
    {
        var vm = Lab.Vm(state: VmState.Off);
        var host = HostWith(vm);

        var result = await Operations.RunAsync(host, vm.Id, vm.Name, VmPowerAction.Resume);

        Assert.Equal(OperationOutcome.Refused, result.Outcome);
        Assert.Equal($"Resuming VM '{vm.Name}' on host '{HostName}' was refused: The VM is Off; only a paused VM can be resumed. Nothing was changed.", result.Message);
        Assert.Empty(host.Changes);
    }

    [Fact]
    public async Task A_host_refusal_is_reported_in_the_hosts_words_with_the_vm_read_again()
    {
        var vm = Lab.Vm(state: VmState.Running);
        var host = HostWith(vm);
        host.Fail(HostCall.Power, "'L1-Lab' failed to pause. The operation failed.");

        var result = await Operations.RunAsync(host, vm.Id, vm.Name, VmPowerAction.Pause);

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal("'L1-Lab' failed to pause. The operation failed.", result.HostMessage);
        Assert.Contains("'Pause (Suspend-VM)' failed on VM 'L1-Lab' on host 'HV01': 'L1-Lab' failed to pause. The operation failed. The VM is Running.", result.Message, StringComparison.Ordinal);
        Assert.Equal(OperationStepStatus.Failed, Assert.Single(result.Steps).Status);
    }

    [Fact]
    public async Task A_vm_busy_with_a_nested_change_is_refused_busy_and_the_other_way_round()
    {
        var vm = Lab.Vm(state: VmState.Running);
        var host = HostWith(vm);
        var held = host.Hold(HostCall.Stop, vm.Id);
        var nested = _nested.RunAsync(host, new NestedVirtualizationRequest(HostName, vm.Id, true, PowerAction.ShutDown));
        await held.Entered.WaitAsync(Patience);

        var busy = await Operations.RunAsync(host, vm.Id, vm.Name, VmPowerAction.TurnOff);

        Assert.Equal(OperationOutcome.Busy, busy.Outcome);
        Assert.Equal($"Another change is running on VM '{vm.Name}' on host '{HostName}'; try again when it has finished.", busy.Message);
        held.Release();
        await nested.WaitAsync(Patience);

        var power = host.Hold(HostCall.Power, vm.Id);
        var pausing = Operations.RunAsync(host, vm.Id, vm.Name, VmPowerAction.Pause);
        await power.Entered.WaitAsync(Patience);
        Assert.True(_nested.IsRunning(HostName, vm.Id));
        var refused = await _nested.RunAsync(host, new NestedVirtualizationRequest(HostName, vm.Id, false, PowerAction.ShutDown));
        Assert.Equal(OperationOutcome.Busy, refused.Outcome);
        power.Release();
        Assert.Equal(OperationOutcome.Succeeded, (await pausing.WaitAsync(Patience)).Outcome);
        Assert.False(_nested.IsRunning(HostName, vm.Id));
    }
}
