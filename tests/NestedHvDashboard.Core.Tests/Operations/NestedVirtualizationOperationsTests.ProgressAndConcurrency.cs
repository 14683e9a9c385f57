using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Operations;

public sealed partial class NestedVirtualizationOperationsTests
{
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
