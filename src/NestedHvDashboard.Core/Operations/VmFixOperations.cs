using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Operations;

/// <summary>
/// The one place a readiness fix changes a VM's configuration: take the per-VM lock (the one nested and power changes take)
/// → read the VM fresh → nothing to do when the fix is already there → refuse a state the change does not allow → shut the
/// VM down (or turn it off) when the user asked, change it, start it again → report. Authorisation and audit belong to the caller.
/// </summary>
/// <remarks>
/// Never half-applied: each change is one Hyper-V call that either happens or not. When it fails after the VM was stopped for
/// it, the VM is started again (a compensating start), so it ends as it was. When the VM does not stop, nothing is changed.
/// </remarks>
public sealed class VmFixOperations(NestedVirtualizationOperations locks)
{
    /// <summary>True while a change (fix, power or nested) runs on the VM.</summary>
    public bool IsRunning(string hostName, Guid vmId) => locks.IsRunning(hostName, vmId);

    /// <summary>Makes <paramref name="fix"/> on the VM, reporting each step as its status changes. Never throws for a host's refusal.</summary>
    /// <param name="host">The host the VM is on.</param>
    /// <param name="facts">The host's facts (the version an upgrade goes to), or null when not read yet.</param>
    /// <param name="vmId">The VM.</param>
    /// <param name="vmName">The VM's name as the caller knows it (for a busy refusal before the VM is read), or null.</param>
    /// <param name="fix">The change.</param>
    /// <param name="stopFirst">For a running VM: how to stop it before the change (it is started again after); null refuses a running VM.</param>
    /// <param name="progress">Each step's reports, or null.</param>
    /// <param name="cancellationToken">Stops waiting for the host: the host finishes the step it runs; a stopped VM is started again.</param>
    public async Task<OperationResult> RunAsync(
        IHyperVHost host, HostFacts? facts, Guid vmId, string? vmName, VmFix fix, StopMode? stopFirst, IProgress<OperationStep>? progress = null,
        CancellationToken cancellationToken = default)
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
        if (VmFixes.AlreadyDone(fix, vm, facts) is { } done)
        {
            return Ended(OperationOutcome.NoChange, hostName, vmId, vm.Name, $"{done} Nothing was changed on {target}.", finalVm: vm);
        }

        if (fix is VmFix.UpdateVersion && VmFixes.TargetVersion(facts) is null)
        {
            return Ended(OperationOutcome.Refused, hostName, vmId, vm.Name,
                $"The host's configuration versions have not been read, so the version {target} would go to is unknown. Nothing was changed.", finalVm: vm);
        }

        var stopping = vm.State is VmState.Running && stopFirst is not null;
        if (VmFixes.WhyNot(vm.State, stopping) is { } why)
        {
            return Ended(OperationOutcome.Refused, hostName, vmId, vm.Name, $"{VmFixes.Title(fix)} on {target} was refused: {why} Nothing was changed.", finalVm: vm);
        }

        var plan = new List<(OperationStepKind Kind, string Title)>();
        if (stopping)
        {
            plan.Add(stopFirst is StopMode.TurnOff ? (OperationStepKind.TurnOff, "Turn off (Stop-VM -TurnOff)") : (OperationStepKind.ShutDown, "Shut down (Stop-VM -Force)"));
        }

        plan.Add((VmFixes.StepKind(fix), VmFixes.StepTitle(fix, facts)));
        if (stopping)
        {
            plan.Add((OperationStepKind.Start, "Start again (Start-VM)"));
        }

        var steps = plan.Select((s, i) => new OperationStep(hostName, vmId, vm.Name, i, s.Kind, s.Title, OperationStepStatus.Pending)).ToList();
        steps.ForEach(s => progress?.Report(s));
        var last = vm;
        for (var i = 0; i < steps.Count; i++)
        {
            Update(i, OperationStepStatus.Running);
            try
            {
                last = await CallAsync(host, vmId, fix, steps[i].Kind, cancellationToken);
                Update(i, OperationStepStatus.Done);
            }
            catch (Exception ex) when (ex is HostOperationException or OperationCanceledException)
            {
                return await StoppedAsync(i, ex);
            }
        }

        var after = stopping ? " and started it again" : "";
        return new OperationResult(OperationOutcome.Succeeded, hostName, vmId, vm.Name,
            $"{VmFixes.Title(fix)}: done on {target}{after}; the VM is {last.State}.", [.. steps], null, null, last);

        OperationStep Update(int index, OperationStepStatus status, string? hostMessage = null)
        {
            var step = steps[index] with { Status = status, HostMessage = hostMessage ?? steps[index].HostMessage };
            steps[index] = step;
            progress?.Report(step);
            return step;
        }

        // A step failed or was abandoned: skip what follows; when the VM was stopped for a change that did not happen, start it again.
        async Task<OperationResult> StoppedAsync(int i, Exception ex)
        {
            var canceled = ex is OperationCanceledException;
            var still = ex is HostOperationException { Kind: HostErrorKind.StillRunning };
            var said = ex is HostOperationException hostError ? hostError.HostMessage : "Canceled while the host was running this step.";
            var failed = Update(i, still ? OperationStepStatus.StillRunning : OperationStepStatus.Failed, said);
            for (var j = i + 1; j < steps.Count; j++)
            {
                Update(j, OperationStepStatus.Skipped);
            }

            var changeStep = stopping ? 1 : 0;
            var startedAgain = false;
            if (stopping && i == changeStep)
            {
                // The VM was stopped for a change the host did not make: it runs again, as before.
                Update(0, OperationStepStatus.Compensated);
                var compensating = new OperationStep(hostName, vmId, vm.Name, steps.Count, OperationStepKind.CompensatingStart, "Start the VM again (Start-VM)", OperationStepStatus.Running);
                steps.Add(compensating);
                progress?.Report(compensating);
                try
                {
                    last = await host.StartVmAsync(vmId, CancellationToken.None);
                    Update(steps.Count - 1, OperationStepStatus.Done);
                    startedAgain = true;
                }
                catch (HostOperationException startError)
                {
                    Update(steps.Count - 1, OperationStepStatus.Failed, startError.HostMessage);
                }
            }

            last = await RereadAsync(host, vmId, last);
            var title = steps[i].Title;
            var what = i < changeStep ? "Nothing was changed." : i == changeStep
                ? startedAgain ? "Nothing was changed; the VM was started again." : "Nothing was changed."
                : $"The change was made, but the VM was not started again: start it yourself.";
            var outcome = canceled ? OperationOutcome.Canceled : still ? OperationOutcome.StillRunning : OperationOutcome.Failed;
            var message = canceled
                ? $"Stopped waiting during '{title}' on {target}: the host was left to finish it. {what} The VM is {last.State}."
                : $"'{title}' failed on {target}: {said} {what} The VM is {last.State}.";
            return new OperationResult(outcome, hostName, vmId, vm.Name, message, [.. steps], failed, said, last);
        }
    }

    private static Task<VmSnapshot> CallAsync(IHyperVHost host, Guid vmId, VmFix fix, OperationStepKind kind, CancellationToken cancellationToken) => kind switch
    {
        OperationStepKind.ShutDown => host.StopVmAsync(vmId, StopMode.ShutDown, cancellationToken),
        OperationStepKind.TurnOff => host.StopVmAsync(vmId, StopMode.TurnOff, cancellationToken),
        OperationStepKind.Start => host.StartVmAsync(vmId, cancellationToken),
        _ => fix switch
        {
            VmFix.UpdateVersion => host.UpdateVmVersionAsync(vmId, cancellationToken),
            VmFix.StartupMemory => host.SetStartupMemoryAsync(vmId, VmFixes.StartupBytes, cancellationToken),
            VmFix.StaticMemory => host.SetDynamicMemoryAsync(vmId, false, cancellationToken),
            VmFix.ProcessorCount => host.SetProcessorCountAsync(vmId, VmFixes.ProcessorCount, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(fix), fix, null),
        },
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

    private static OperationResult Ended(
        OperationOutcome outcome, string hostName, Guid vmId, string? vmName, string message, string? hostMessage = null, VmSnapshot? finalVm = null) =>
        new(outcome, hostName, vmId, vmName, message, [], null, hostMessage, finalVm);
}
