using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.Tests.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Operations;

/// <summary>A step whose own limit runs out (StillRunning) and a user who stops waiting: never a false failure, never a start of a VM still shutting down.</summary>
public sealed class OperationLimitTests
{
    private const string HostName = "HV01";
    private const string LimitRanOut = "The host was still running it when its limit of 10 min ran out; it was left to finish on the host.";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly VmSnapshot RunningVm = Lab.Vm(state: VmState.Running);
    private readonly NestedVirtualizationOperations _operations = new();

    private static NestedVirtualizationRequest EnableWithShutDown() => new(HostName, RunningVm.Id, true, PowerAction.ShutDown);

    private static string[] Statuses(OperationResult result) => [.. result.Steps.Select(s => $"{s.Title}: {s.Status}")];

    [Fact]
    public async Task A_shutdown_still_running_when_its_limit_runs_out_is_left_to_finish_and_the_vm_is_never_started()
    {
        var host = new OperationsFakeHost(HostName, Lab.Host(), RunningVm);
        host.Fail(HostCall.Stop, LimitRanOut, HostErrorKind.StillRunning, leaves: VmState.Stopping);
        var progress = new RecordingProgress();

        var result = await _operations.RunAsync(host, EnableWithShutDown(), progress);

        Assert.Equal(OperationOutcome.StillRunning, result.Outcome);
        Assert.False(result.IsSuccess);
        // Read again after the limit, and nothing else: no set, and above all no start of a VM that is still stopping.
        Assert.Equal(["GetVm", "GetHostFacts", "Stop ShutDown", "GetVm"], host.Calls);
        Assert.Equal(["Shut down: StillRunning", "Set ExposeVirtualizationExtensions $true: Skipped", "Start: Skipped"], Statuses(result));
        Assert.Contains(progress.Reports, s => s.Status is OperationStepStatus.StillRunning && s.HostMessage == NestedVirtualizationOperations.StillRunningChecking);
        Assert.Equal(VmState.Stopping, result.FinalVm?.State);
        Assert.Equal(LimitRanOut, result.HostMessage);
        Assert.Contains("still running on VM 'L1-Lab' on host 'HV01'", result.Message, StringComparison.Ordinal);
        Assert.Contains("the VM is Stopping", result.Message, StringComparison.Ordinal);
        Assert.Contains("not started again", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shutdown_found_finished_when_checked_goes_on_with_the_plan()
    {
        var host = new OperationsFakeHost(HostName, Lab.Host(), RunningVm);
        host.Fail(HostCall.Stop, LimitRanOut, HostErrorKind.StillRunning, leaves: VmState.Off);

        var result = await _operations.RunAsync(host, EnableWithShutDown());

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["GetVm", "GetHostFacts", "Stop ShutDown", "GetVm", "SetNested True", "Start"], host.Calls);
        Assert.Equal(["Shut down: Done", "Set ExposeVirtualizationExtensions $true: Done", "Start: Done"], Statuses(result));
        Assert.Contains("Checked again: the VM is Off.", result.Steps[0].HostMessage, StringComparison.Ordinal);
        Assert.True(host.Vm(RunningVm.Id).ExposeVirtualizationExtensions);
        Assert.Equal(VmState.Running, host.Vm(RunningVm.Id).State);
    }

    [Fact]
    public async Task A_start_still_running_after_its_limit_is_not_started_twice()
    {
        var host = new OperationsFakeHost(HostName, Lab.Host(), RunningVm);
        host.Fail(HostCall.Start, "The host was still running it when its limit of 5 min ran out.", HostErrorKind.StillRunning, leaves: VmState.Starting);

        var result = await _operations.RunAsync(host, EnableWithShutDown());

        Assert.Equal(OperationOutcome.StillRunning, result.Outcome);
        Assert.Equal(["GetVm", "GetHostFacts", "Stop ShutDown", "SetNested True", "Start", "GetVm"], host.Calls);
        Assert.Equal(["Shut down: Done", "Set ExposeVirtualizationExtensions $true: Done", "Start: StillRunning"], Statuses(result));
        Assert.Equal(VmState.Starting, result.FinalVm?.State);
    }

    [Fact]
    public async Task Stopping_the_wait_during_a_shutdown_leaves_the_host_to_finish_and_never_starts_the_vm()
    {
        var host = new OperationsFakeHost(HostName, Lab.Host(), RunningVm);
        var shutdown = host.Hold(HostCall.Stop);
        using var wait = new CancellationTokenSource();

        var running = _operations.RunAsync(host, EnableWithShutDown(), null, wait.Token);
        await shutdown.Entered.WaitAsync(Patience);
        await wait.CancelAsync();
        var result = await running.WaitAsync(Patience);

        Assert.Equal(OperationOutcome.Canceled, result.Outcome);
        Assert.Equal(["GetVm", "GetHostFacts", "Stop ShutDown", "GetVm"], host.Calls);
        Assert.Equal(["Shut down: Failed", "Set ExposeVirtualizationExtensions $true: Skipped", "Start: Skipped"], Statuses(result));
        Assert.Contains("Canceled during 'Shut down'", result.Message, StringComparison.Ordinal);
        Assert.Contains("the host was left to finish it", result.Message, StringComparison.Ordinal);
    }
}
