using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Operations;

/// <summary>
/// The one place a VM's power is changed by a user's request: take the per-VM lock (the one nested changes take) → read the
/// VM fresh → refuse an action its state does not allow → run the steps → report. Authorisation and audit belong to the caller.
/// </summary>
/// <remarks>
/// A second change on a VM that is busy is refused at once with <see cref="OperationOutcome.Busy"/>. A graceful restart is two
/// steps (shut down, start); a failed shutdown leaves the VM running and skips the start. Canceling stops waiting: the host
/// finishes the step it runs and nothing after it starts.
/// </remarks>
public sealed class VmPowerOperations(NestedVirtualizationOperations locks)
{
    /// <summary>True while a change (power or nested) runs on the VM.</summary>
    public bool IsRunning(string hostName, Guid vmId) => locks.IsRunning(hostName, vmId);

    /// <summary>The steps <paramref name="action"/> runs, in order, with their titles.</summary>
    public static IReadOnlyList<(OperationStepKind Kind, string Title)> StepsOf(VmPowerAction action) => action switch
    {
        VmPowerAction.Start => [(OperationStepKind.Start, "Start (Start-VM)")],
        VmPowerAction.ShutDown => [(OperationStepKind.ShutDown, "Shut down (Stop-VM -Force)")],
        VmPowerAction.TurnOff => [(OperationStepKind.TurnOff, "Turn off (Stop-VM -TurnOff)")],
        VmPowerAction.Save => [(OperationStepKind.Save, "Save (Save-VM)")],
        VmPowerAction.Pause => [(OperationStepKind.Pause, "Pause (Suspend-VM)")],
        VmPowerAction.Resume => [(OperationStepKind.Resume, "Resume (Resume-VM)")],
        VmPowerAction.Restart => [(OperationStepKind.ShutDown, "Shut down (Stop-VM -Force)"), (OperationStepKind.Start, "Start again (Start-VM)")],
        VmPowerAction.Reset => [(OperationStepKind.Reset, "Reset (Restart-VM -Force)")],
        VmPowerAction.DeleteSavedState => [(OperationStepKind.RemoveSavedState, "Delete saved state (Remove-VMSavedState)")],
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    /// <summary>Runs <paramref name="action"/> on the VM, reporting each step as its status changes. Never throws for a host's refusal.</summary>
    /// <param name="host">The host the VM is on.</param>
    /// <param name="vmId">The VM.</param>
    /// <param name="vmName">The VM's name as the caller knows it (for a busy refusal before the VM is read), or null.</param>
    /// <param name="action">What to do.</param>
    /// <param name="progress">Each step's reports, or null.</param>
    /// <param name="cancellationToken">Stops waiting for the host: the host finishes the step it runs, nothing after it starts.</param>
    public async Task<OperationResult> RunAsync(
        IHyperVHost host, Guid vmId, string? vmName, VmPowerAction action, IProgress<OperationStep>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var hostName = host.Name;
        using var held = locks.TryLock(hostName, vmId, vmName, out var busy);
        if (held is null)
        {
            return Ended(OperationOutcome.Busy, hostName, vmId, vmName, busy!);
        }

        VmSnapshot vm;
        try
        {
            vm = await host.GetVmAsync(vmId, cancellationToken);
        }
        catch (HostOperationException ex)
        {
            return Ended(OperationOutcome.Failed, hostName, vmId, vmName, $"{ex.Message} Nothing was changed.", ex.HostMessage);
        }

        var target = $"VM '{vm.Name}' on host '{hostName}'";
        if (VmPowerActions.WhyNot(action, vm.State) is { } why)
        {
            return Ended(OperationOutcome.Refused, hostName, vmId, vm.Name, $"{VmPowerActions.Doing(action)} {target} was refused: {why} Nothing was changed.", finalVm: vm);
        }

        var steps = StepsOf(action).Select((s, i) => new OperationStep(hostName, vmId, vm.Name, i, s.Kind, s.Title, OperationStepStatus.Pending)).ToList();
        steps.ForEach(s => progress?.Report(s));
        var last = vm;
        for (var i = 0; i < steps.Count; i++)
        {
            Update(i, OperationStepStatus.Running);
            try
            {
                last = await CallAsync(host, vmId, steps[i].Kind, cancellationToken);
                Update(i, OperationStepStatus.Done);
            }
            catch (Exception ex) when (ex is HostOperationException or OperationCanceledException)
            {
                var (outcome, said, message) = ex switch
                {
                    HostOperationException { Kind: HostErrorKind.StillRunning } still => (OperationOutcome.StillRunning, still.HostMessage,
                        $"'{steps[i].Title}' is still running on {target}: {still.HostMessage} The host was left to finish it; nothing after it ran."),
                    HostOperationException hostError => (OperationOutcome.Failed, hostError.HostMessage, $"'{steps[i].Title}' failed on {target}: {hostError.HostMessage}"),
                    _ => (OperationOutcome.Canceled, "Canceled while the host was running this step.",
                        $"Stopped waiting during '{steps[i].Title}' on {target}: the host was left to finish it; nothing after it ran."),
                };
                var failed = Update(i, outcome is OperationOutcome.StillRunning ? OperationStepStatus.StillRunning : OperationStepStatus.Failed, said);
                for (var j = i + 1; j < steps.Count; j++)
                {
                    Update(j, OperationStepStatus.Skipped);
                }

                last = await RereadAsync(host, vmId, last);
                return new OperationResult(outcome, hostName, vmId, vm.Name, $"{message} The VM is {last.State}.", [.. steps], failed, said, last);
            }
        }

        return new OperationResult(OperationOutcome.Succeeded, hostName, vmId, vm.Name, $"{Done(action)} {target}; the VM is {last.State}.", [.. steps], null, null, last);

        OperationStep Update(int index, OperationStepStatus status, string? hostMessage = null)
        {
            var step = steps[index] with { Status = status, HostMessage = hostMessage ?? steps[index].HostMessage };
            steps[index] = step;
            progress?.Report(step);
            return step;
        }
    }

    private static Task<VmSnapshot> CallAsync(IHyperVHost host, Guid vmId, OperationStepKind kind, CancellationToken cancellationToken) => kind switch
    {
        OperationStepKind.Start => host.StartVmAsync(vmId, cancellationToken),
        OperationStepKind.ShutDown => host.StopVmAsync(vmId, StopMode.ShutDown, cancellationToken),
        OperationStepKind.TurnOff => host.StopVmAsync(vmId, StopMode.TurnOff, cancellationToken),
        OperationStepKind.Save => host.StopVmAsync(vmId, StopMode.Save, cancellationToken),
        OperationStepKind.Pause => host.SuspendVmAsync(vmId, cancellationToken),
        OperationStepKind.Resume => host.ResumeVmAsync(vmId, cancellationToken),
        OperationStepKind.Reset => host.RestartVmAsync(vmId, cancellationToken),
        OperationStepKind.RemoveSavedState => host.RemoveSavedStateAsync(vmId, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    // After a failed or abandoned step the page must show what the host has now, not what it had before.
    private static async Task<VmSnapshot> RereadAsync(IHyperVHost host, Guid vmId, VmSnapshot last)
    {
        try
        {
            return await host.GetVmAsync(vmId, CancellationToken.None);
        }
        catch (HostOperationException)
        {
            return last;
        }
    }

    private static string Done(VmPowerAction action) => action switch
    {
        VmPowerAction.Start => "Started",
        VmPowerAction.ShutDown => "Shut down",
        VmPowerAction.TurnOff => "Turned off",
        VmPowerAction.Save => "Saved",
        VmPowerAction.Pause => "Paused",
        VmPowerAction.Resume => "Resumed",
        VmPowerAction.Restart => "Restarted (shut down, then started)",
        VmPowerAction.Reset => "Reset",
        VmPowerAction.DeleteSavedState => "Deleted the saved state of",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    private static OperationResult Ended(
        OperationOutcome outcome, string hostName, Guid vmId, string? vmName, string message, string? hostMessage = null, VmSnapshot? finalVm = null) =>
        new(outcome, hostName, vmId, vmName, message, [], null, hostMessage, finalVm);
}
