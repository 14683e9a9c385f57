using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.Tests.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Operations;

public sealed class NestedVirtualizationOperationsTests
{
    private const string HostName = "HV01";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly VmSnapshot OffVm = Lab.Vm(state: VmState.Off);
    private static readonly VmSnapshot RunningVm = Lab.Vm(state: VmState.Running);
    private readonly NestedVirtualizationOperations _operations = new();

    private static OperationsFakeHost HostWith(params VmSnapshot[] vms) => new(HostName, Lab.Host(), vms);

    private static NestedVirtualizationRequest Enable(VmSnapshot vm, PowerAction action = PowerAction.None, bool macSpoofing = false) =>
        new(HostName, vm.Id, true, action, macSpoofing);

    private static string[] Statuses(OperationResult result) => [.. result.Steps.Select(s => $"{s.Title}: {s.Status}")];

    [Fact]
    public async Task Off_vm_is_changed_at_once_and_stays_off()
    {
        var host = HostWith(OffVm);

        var result = await _operations.RunAsync(host, Enable(OffVm));

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["GetVm", "GetHostFacts", "SetNested True"], host.Calls);
        Assert.Equal(["Set ExposeVirtualizationExtensions $true: Done"], Statuses(result));
        Assert.Equal(VmState.Off, host.Vm(OffVm.Id).State);
        Assert.True(host.Vm(OffVm.Id).ExposeVirtualizationExtensions);
        Assert.Equal(host.Vm(OffVm.Id), result.FinalVm);
    }

    [Theory]
    [InlineData(PowerAction.ShutDown, "Stop ShutDown", "Shut down")]
    [InlineData(PowerAction.TurnOff, "Stop TurnOff", "Turn off")]
    public async Task Running_vm_is_stopped_set_and_started_again(PowerAction action, string stopCall, string stopTitle)
    {
        var host = HostWith(RunningVm);

        var result = await _operations.RunAsync(host, Enable(RunningVm, action));

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["GetVm", "GetHostFacts", stopCall, "SetNested True", "Start"], host.Calls);
        Assert.Equal([$"{stopTitle}: Done", "Set ExposeVirtualizationExtensions $true: Done", "Start: Done"], Statuses(result));
        Assert.Equal(VmState.Running, host.Vm(RunningVm.Id).State);
        Assert.True(host.Vm(RunningVm.Id).ExposeVirtualizationExtensions);
        Assert.Equal(VmState.Running, result.FinalVm?.State);
        Assert.Contains("L1-Lab", result.Message, StringComparison.Ordinal);
        Assert.Contains(HostName, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabling_needs_no_readiness_and_sets_false()
    {
        var enabled = RunningVm with { ExposeVirtualizationExtensions = true };
        var host = HostWith(enabled);

        var result = await _operations.RunAsync(host, new NestedVirtualizationRequest(HostName, enabled.Id, false, PowerAction.ShutDown));

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["GetVm", "Stop ShutDown", "SetNested False", "Start"], host.Calls);
        Assert.Equal("Set ExposeVirtualizationExtensions $false", result.Steps[1].Title);
        Assert.False(host.Vm(enabled.Id).ExposeVirtualizationExtensions);
        Assert.Equal(VmState.Running, host.Vm(enabled.Id).State);
    }

    [Fact]
    public async Task Already_in_the_requested_setting_is_a_no_op()
    {
        var enabled = RunningVm with { ExposeVirtualizationExtensions = true };
        var host = HostWith(enabled);

        var result = await _operations.RunAsync(host, Enable(enabled, PowerAction.TurnOff));

        Assert.Equal(OperationOutcome.NoChange, result.Outcome);
        Assert.True(result.IsSuccess);
        Assert.Equal(["GetVm"], host.Calls);
        Assert.Empty(result.Steps);
        Assert.Contains("already enabled", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Running_vm_without_a_power_action_is_refused_naming_the_vm_and_its_state()
    {
        var host = HostWith(RunningVm);

        var result = await _operations.RunAsync(host, Enable(RunningVm));

        Assert.Equal(OperationOutcome.Refused, result.Outcome);
        Assert.Empty(host.Changes);
        Assert.Contains("VM 'L1-Lab' on host 'HV01' is Running", result.Message, StringComparison.Ordinal);
        Assert.Contains("Shut down or Turn off", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(VmState.Saved, "Remove-VMSavedState")]
    [InlineData(VmState.Paused, "Resume-VM")]
    [InlineData(VmState.Stopping, "Wait until the VM is Off or Running")]
    public async Task Saved_paused_or_moving_vm_is_refused_with_what_to_do(VmState state, string advice)
    {
        var vm = Lab.Vm(state: state);
        var host = HostWith(vm);

        var result = await _operations.RunAsync(host, Enable(vm, PowerAction.TurnOff));

        Assert.Equal(OperationOutcome.Refused, result.Outcome);
        Assert.Empty(host.Changes);
        Assert.Contains($"is {state}", result.Message, StringComparison.Ordinal);
        Assert.Contains(advice, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enabling_is_refused_when_readiness_blocks_with_the_failing_reason()
    {
        var old = Lab.Vm(configVersion: "7.0", state: VmState.Off);
        var host = HostWith(old);
        var blocking = ReadinessEvaluator.BlockingFailures(ReadinessEvaluator.EvaluateVm(Lab.Host(), old)).ToList();

        var result = await _operations.RunAsync(host, Enable(old));

        Assert.NotEmpty(blocking);
        Assert.Equal(OperationOutcome.Refused, result.Outcome);
        Assert.Empty(host.Changes);
        Assert.All(blocking, check => Assert.Contains(check.Reason, result.Message, StringComparison.Ordinal));
        // Each blocking check as its own sentences: a reason without a period no longer runs into its "Fix:".
        Assert.All(blocking, check => Assert.Contains(check.Explained, result.Message, StringComparison.Ordinal));
        Assert.DoesNotMatch(@"[^.!?…] Fix:", result.Message);
        Assert.Contains("cannot be enabled on VM 'L1-Lab'", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabling_is_not_blocked_by_readiness()
    {
        var old = Lab.Vm(configVersion: "7.0", state: VmState.Off) with { ExposeVirtualizationExtensions = true };
        var host = HostWith(old);

        var result = await _operations.RunAsync(host, new NestedVirtualizationRequest(HostName, old.Id, false));

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.False(host.Vm(old.Id).ExposeVirtualizationExtensions);
    }

    [Fact]
    public async Task Request_for_another_host_is_refused()
    {
        var host = HostWith(OffVm);

        var result = await _operations.RunAsync(host, Enable(OffVm) with { HostName = "HV02" });

        Assert.Equal(OperationOutcome.Refused, result.Outcome);
        Assert.Empty(host.Calls);
        Assert.Contains("'HV02'", result.Message, StringComparison.Ordinal);
    }

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

    [Fact]
    public async Task Mac_spoofing_companion_fix_runs_after_set_while_the_vm_is_off()
    {
        var vm = RunningVm with
        {
            NetworkAdapters = [new VmNetworkAdapterInfo("Network Adapter", "External", "00155D010203", false), new VmNetworkAdapterInfo("Lab", null, "00155D010204", false)],
        };
        var host = HostWith(vm);

        var result = await _operations.RunAsync(host, Enable(vm, PowerAction.ShutDown, macSpoofing: true));

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["Stop ShutDown", "SetNested True", "SetMacSpoofing * True", "Start"], host.Changes);
        Assert.All(host.Vm(vm.Id).NetworkAdapters, a => Assert.True(a.MacAddressSpoofing));
        Assert.Equal(VmState.Running, host.Vm(vm.Id).State);
    }

    [Fact]
    public async Task Mac_spoofing_alone_needs_no_power_change()
    {
        var vm = RunningVm with
        {
            ExposeVirtualizationExtensions = true,
            NetworkAdapters = [new VmNetworkAdapterInfo("Network Adapter", "External", "00155D010203", false)],
        };
        var host = HostWith(vm);

        var result = await _operations.RunAsync(host, Enable(vm, macSpoofing: true));

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["SetMacSpoofing * True"], host.Changes);
        Assert.Equal(VmState.Running, host.Vm(vm.Id).State);
    }

    [Fact]
    public async Task Progress_reports_every_status_change_in_order_naming_host_and_vm()
    {
        var host = HostWith(RunningVm);
        var progress = new RecordingProgress();

        await _operations.RunAsync(host, Enable(RunningVm, PowerAction.ShutDown), progress);

        Assert.Equal(
            [
                "0 Pending", "1 Pending", "2 Pending",
                "0 Running", "0 Done",
                "1 Running", "1 Done",
                "2 Running", "2 Done",
            ],
            progress.Reports.Select(r => $"{r.Index} {r.Status}"));
        Assert.All(progress.Reports, r =>
        {
            Assert.Equal(HostName, r.HostName);
            Assert.Equal(RunningVm.Id, r.VmId);
            Assert.Equal("L1-Lab", r.VmName);
        });
    }

    [Fact]
    public async Task Progress_reports_the_failure_and_the_compensation()
    {
        var host = HostWith(RunningVm);
        host.Fail(HostCall.SetNested, "Access is denied.");
        var progress = new RecordingProgress();

        await _operations.RunAsync(host, Enable(RunningVm, PowerAction.ShutDown), progress);

        Assert.Equal(
            [
                "0 Pending", "1 Pending", "2 Pending",
                "0 Running", "0 Done",
                "1 Running", "1 Failed Access is denied.",
                "2 Skipped",
                "3 Running", "3 Done", "0 Compensated",
            ],
            progress.Reports.Select(r => $"{r.Index} {r.Status}{(r.Status is OperationStepStatus.Failed ? " " + r.HostMessage : "")}"));
    }

    [Fact]
    public async Task Second_request_on_the_same_vm_is_refused_while_the_first_runs()
    {
        var host = HostWith(RunningVm);
        var held = host.Hold(HostCall.Stop);

        var first = _operations.RunAsync(host, Enable(RunningVm, PowerAction.ShutDown));
        await held.Entered.WaitAsync(Patience);
        var second = await _operations.RunAsync(host, Enable(RunningVm, PowerAction.TurnOff) with { HostName = "hv01" });

        Assert.Equal(OperationOutcome.Busy, second.Outcome);
        Assert.Equal("Another change is running on VM 'L1-Lab' on host 'hv01'; try again when it has finished.", second.Message);
        Assert.True(_operations.IsRunning(HostName, RunningVm.Id));
        Assert.Equal(["Stop ShutDown"], host.Changes);

        held.Release();
        var firstResult = await first.WaitAsync(Patience);

        Assert.Equal(OperationOutcome.Succeeded, firstResult.Outcome);
        Assert.False(_operations.IsRunning(HostName, RunningVm.Id));
        Assert.Equal(["Stop ShutDown", "SetNested True", "Start"], host.Changes);
        var third = await _operations.RunAsync(host, Enable(RunningVm, PowerAction.TurnOff));
        Assert.Equal(OperationOutcome.NoChange, third.Outcome);
    }

    [Fact]
    public async Task Different_vms_run_in_parallel()
    {
        var other = RunningVm with { Id = Guid.Parse("0d3c2b1a-0000-4000-8000-000000000002"), Name = "L1-Other" };
        var host = HostWith(RunningVm, other);
        var heldA = host.Hold(HostCall.Stop, RunningVm.Id);
        var heldB = host.Hold(HostCall.Stop, other.Id);

        var a = _operations.RunAsync(host, Enable(RunningVm, PowerAction.ShutDown));
        var b = _operations.RunAsync(host, Enable(other, PowerAction.TurnOff));

        // Both plans are inside their stop step at once: neither waits for the other's lock.
        await Task.WhenAll(heldA.Entered, heldB.Entered).WaitAsync(Patience);
        Assert.True(_operations.IsRunning(HostName, RunningVm.Id));
        Assert.True(_operations.IsRunning(HostName, other.Id));
        heldA.Release();
        heldB.Release();
        var results = await Task.WhenAll(a, b).WaitAsync(Patience);

        Assert.All(results, r => Assert.Equal(OperationOutcome.Succeeded, r.Outcome));
        Assert.True(host.Vm(RunningVm.Id).ExposeVirtualizationExtensions);
        Assert.True(host.Vm(other.Id).ExposeVirtualizationExtensions);
    }

    [Fact]
    public async Task Cancellation_before_a_step_stops_there_and_restores_the_power_state()
    {
        var host = HostWith(RunningVm);
        using var cts = new CancellationTokenSource();
        var progress = new RecordingProgress(step =>
        {
            if (step is { Kind: OperationStepKind.ShutDown, Status: OperationStepStatus.Done })
            {
                cts.Cancel();
            }
        });

        var result = await _operations.RunAsync(host, Enable(RunningVm, PowerAction.ShutDown), progress, cts.Token);

        Assert.Equal(OperationOutcome.Canceled, result.Outcome);
        Assert.Equal(["Stop ShutDown", "Start"], host.Changes);
        Assert.Equal(
            ["Shut down: Compensated", "Set ExposeVirtualizationExtensions $true: Skipped", "Start: Skipped", "Start again (restore Running): Done"],
            Statuses(result));
        Assert.Contains("Canceled before 'Set ExposeVirtualizationExtensions $true'", result.Message, StringComparison.Ordinal);
        Assert.Equal(VmState.Running, host.Vm(RunningVm.Id).State);
        Assert.False(host.Vm(RunningVm.Id).ExposeVirtualizationExtensions);
    }

    [Fact]
    public async Task Cancellation_during_a_step_restores_the_power_state()
    {
        var host = HostWith(RunningVm);
        var held = host.Hold(HostCall.SetNested);
        using var cts = new CancellationTokenSource();

        var run = _operations.RunAsync(host, Enable(RunningVm, PowerAction.TurnOff), null, cts.Token);
        await held.Entered.WaitAsync(Patience);
        await cts.CancelAsync();
        var result = await run.WaitAsync(Patience);

        Assert.Equal(OperationOutcome.Canceled, result.Outcome);
        Assert.Equal("Set ExposeVirtualizationExtensions $true", result.FailedStep?.Title);
        Assert.Contains("Canceled during 'Set ExposeVirtualizationExtensions $true'", result.Message, StringComparison.Ordinal);
        Assert.Equal(["Stop TurnOff", "SetNested True", "Start"], host.Changes);
        Assert.Equal(VmState.Running, host.Vm(RunningVm.Id).State);
        Assert.False(_operations.IsRunning(HostName, RunningVm.Id));
    }

    [Fact]
    public async Task Canceled_before_starting_throws_and_touches_nothing()
    {
        var host = HostWith(RunningVm);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _operations.RunAsync(host, Enable(RunningVm, PowerAction.ShutDown), null, cts.Token));

        Assert.Empty(host.Calls);
        Assert.False(_operations.IsRunning(HostName, RunningVm.Id));
    }
}
