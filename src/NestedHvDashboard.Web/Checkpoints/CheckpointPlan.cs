using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Checkpoints;

/// <summary>
/// The steps of one checkpoint change on one VM (take, apply, start, delete), run in order; the first that fails stops the rest,
/// which are reported Skipped, and the result carries the host's words.
/// </summary>
internal sealed class CheckpointPlan(string hostName, VmSnapshot vm)
{
    private readonly List<(OperationStepKind Kind, string Title, Func<IHyperVHost, CancellationToken, Task<VmSnapshot>> Call)> _steps = [];

    public string HostName { get; } = hostName;

    public VmSnapshot Vm { get; } = vm;

    public CheckpointPlan Create(string name)
    {
        _steps.Add((OperationStepKind.CreateCheckpoint, $"Take checkpoint '{name}' (Checkpoint-VM)", (host, ct) => host.CreateCheckpointAsync(Vm.Id, name, ct)));
        return this;
    }

    public CheckpointPlan Apply(VmCheckpoint checkpoint)
    {
        // Hyper-V stops a running (or paused) VM itself and discards its state; the title says so, since the user sees it happen.
        var stops = Vm.State is VmState.Running or VmState.Paused ? " — Hyper-V stops the VM, discarding its current state" : "";
        _steps.Add((OperationStepKind.ApplyCheckpoint, $"Apply checkpoint '{checkpoint.Name}' (Restore-VMSnapshot){stops}", (host, ct) => host.ApplyCheckpointAsync(Vm.Id, checkpoint.Id, ct)));
        return this;
    }

    public CheckpointPlan Start()
    {
        _steps.Add((OperationStepKind.Start, "Start the VM (Start-VM)", (host, ct) => host.StartVmAsync(Vm.Id, ct)));
        return this;
    }

    public CheckpointPlan Remove(VmCheckpoint checkpoint, bool includeChildren)
    {
        _steps.Add(includeChildren
            ? (OperationStepKind.RemoveCheckpoint, $"Delete checkpoint '{checkpoint.Name}' and every checkpoint under it (Remove-VMSnapshot -IncludeAllChildSnapshots)",
                (host, ct) => host.RemoveCheckpointAsync(Vm.Id, checkpoint.Id, true, ct))
            : (OperationStepKind.RemoveCheckpoint, $"Delete checkpoint '{checkpoint.Name}', merging it into its children (Remove-VMSnapshot)",
                (host, ct) => host.RemoveCheckpointAsync(Vm.Id, checkpoint.Id, false, ct)));
        return this;
    }

    /// <summary>Runs the steps; <paramref name="what"/> and <paramref name="done"/> are the change and its success in the user's words.</summary>
    public async Task<CheckpointResult> RunAsync(IHyperVHost host, IProgress<OperationStep> progress, string what, string done, CancellationToken cancellationToken)
    {
        var steps = _steps.Select((s, i) => new OperationStep(HostName, Vm.Id, Vm.Name, i, s.Kind, s.Title, OperationStepStatus.Pending)).ToList();
        void Set(int index, OperationStepStatus status, string? said = null)
        {
            steps[index] = steps[index] with { Status = status, HostMessage = said };
            progress.Report(steps[index]);
        }

        foreach (var step in steps)
        {
            progress.Report(step);
        }

        VmSnapshot? last = null;
        for (var i = 0; i < steps.Count; i++)
        {
            Set(i, OperationStepStatus.Running);
            try
            {
                last = await _steps[i].Call(host, cancellationToken);
                Set(i, OperationStepStatus.Done);
            }
            catch (Exception ex) when (ex is HostOperationException or OperationCanceledException)
            {
                var said = ex is HostOperationException hostError ? hostError.HostMessage : null;
                Set(i, OperationStepStatus.Failed, said);
                for (var j = i + 1; j < steps.Count; j++)
                {
                    Set(j, OperationStepStatus.Skipped);
                }

                var outcome = ex is OperationCanceledException ? OperationOutcome.Canceled : OperationOutcome.Failed;
                var earlier = i == 0 ? " Nothing was changed." : $" Done before it: {string.Join(", ", steps.Take(i).Select(s => $"'{s.Title}'"))}.";
                var why = ex is HostOperationException { Kind: var kind } ? Why(kind) : "it was canceled before the host answered.";
                last = await ReadAgainAsync(host, cancellationToken) ?? last;
                return new CheckpointResult(outcome, $"{what} failed at '{steps[i].Title}': {why}{earlier}", said, last, steps);
            }
        }

        return new CheckpointResult(OperationOutcome.Succeeded, done, null, last, steps);
    }

    // The VM as it is after a failed step, so the page and the readiness checklist show what the host did, not what was hoped.
    private async Task<VmSnapshot?> ReadAgainAsync(IHyperVHost host, CancellationToken cancellationToken)
    {
        try
        {
            return cancellationToken.IsCancellationRequested ? null : await host.GetVmAsync(Vm.Id, cancellationToken);
        }
        catch (HostOperationException)
        {
            return null;
        }
    }

    private static string Why(HostErrorKind kind) => kind switch
    {
        HostErrorKind.Unreachable => "the host could not be reached, or the connection broke before it answered; read the checkpoints again to see what was done.",
        HostErrorKind.Timeout => "the host did not answer in time; read the checkpoints again to see what was done.",
        HostErrorKind.VmNotFound => "the host no longer has this VM.",
        HostErrorKind.InvalidVmState => "Hyper-V refused it in the VM's current state.",
        HostErrorKind.AuthenticationFailed => "the host refused the dashboard's credentials.",
        _ => "the host refused it.",
    };
}
