using NestedHvDashboard.Core.Operations;

namespace NestedHvDashboard.Web.Audit;

/// <summary>
/// Keeps a running one-VM change's audit entry saying where the change is, as each step begins and ends: the note is stored
/// (synchronously, before the step's cmdlet is sent to the host) in the entry's message while it is Started. If the dashboard
/// dies during the change, the next start marks the entry Interrupted with that note, so the audit and the activity page say
/// exactly which step it stopped at and whether the change had left the VM Off. The reports also go on to <paramref name="inner"/>
/// (the page's live step list).
/// </summary>
public sealed class AuditProgress(IAuditTrail audit, long id, IProgress<OperationStep>? inner) : IProgress<OperationStep>
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<int, OperationStep> _steps = [];
    private string? _noted;

    public void Report(OperationStep value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string? note;
        lock (_gate)
        {
            _steps[value.Index] = value;
            note = Describe([.. _steps.Values]);
            if (note is null || note == _noted)
            {
                note = null;
            }
            else
            {
                _noted = note;
            }
        }

        if (note is not null)
        {
            audit.NoteProgress(id, note);
        }

        inner?.Report(value);
    }

    /// <summary>
    /// Where a change is, in the words the Interrupted entry will use: the step it is at (k of n, its title, running or done),
    /// the steps done before it, and, when this change had stopped the VM (or was stopping or starting it) and not started it
    /// again, that the VM may be left Off. Null while no step has begun.
    /// </summary>
    public static string? Describe(IReadOnlyList<OperationStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var planned = steps.Count(s => s.Kind is not OperationStepKind.CompensatingStart);
        var begun = steps.Where(s => s.Status is not (OperationStepStatus.Pending or OperationStepStatus.Skipped)).ToList();
        if (begun.Count == 0)
        {
            return null;
        }

        var current = begun.LastOrDefault(s => s.Status is OperationStepStatus.Running or OperationStepStatus.StillRunning) ?? begun[^1];
        var where = current.Kind is OperationStepKind.CompensatingStart
            ? $"at '{current.Title}' (after step {planned} of {planned} failed)"
            : $"at step {current.Index + 1} of {planned}, '{current.Title}'";
        var how = current.Status switch
        {
            OperationStepStatus.Running => "running on the host",
            OperationStepStatus.StillRunning => "still running on the host",
            OperationStepStatus.Done => "done",
            OperationStepStatus.Failed => "failed",
            _ => current.Status.ToString().ToLowerInvariant(),
        };
        var text = $"It was {where} ({how}).";
        var done = begun.Where(s => s.Index < current.Index && s.Status is OperationStepStatus.Done or OperationStepStatus.Compensated).Select(s => $"'{s.Title}'").ToList();
        if (done.Count > 0)
        {
            text += $" Done before it: {string.Join(", ", done)}.";
        }

        // The VM's power as this change left it: stopped by a done Shut down / Turn off that no done start followed, or being stopped or started.
        var lastStop = begun.LastOrDefault(s => s.Kind is OperationStepKind.ShutDown or OperationStepKind.TurnOff && s.Status is OperationStepStatus.Done or OperationStepStatus.Running or OperationStepStatus.StillRunning);
        var startedAgain = lastStop is not null && begun.Exists(s => s.Index > lastStop.Index && s.Kind is OperationStepKind.Start or OperationStepKind.CompensatingStart && s.Status is OperationStepStatus.Done);
        if (lastStop is not null && !startedAgain)
        {
            var stopped = lastStop.Kind is OperationStepKind.TurnOff ? "turned off" : "shut down";
            text += lastStop.Status is OperationStepStatus.Done
                ? current.Kind is OperationStepKind.Start or OperationStepKind.CompensatingStart && current.Status is not OperationStepStatus.Done
                    ? $" This change had {stopped} the VM and was starting it again: the VM may be left Off; start it if it should run."
                    : $" This change had {stopped} the VM and not started it again: the VM may be left Off; start it if it should run."
                : $" The VM was being {stopped} by this change: it may be left Off; start it if it should run.";
        }

        return text + NestedVmsLeftOff(begun);
    }

    /// <summary>A cascade's L2 VMs it had shut down (or was shutting down) inside the guest and not started again, in the user's words; "" for none.</summary>
    private static string NestedVmsLeftOff(List<OperationStep> begun)
    {
        var left = begun
            .Where(s => s.Kind is OperationStepKind.StopNestedVm && s.Status is OperationStepStatus.Done or OperationStepStatus.Running or OperationStepStatus.StillRunning)
            .Select(s => NameIn(s.Title))
            .Where(name => name is not null && !begun.Exists(s => s.Kind is OperationStepKind.StartNestedVm && s.Status is OperationStepStatus.Done && NameIn(s.Title) == name))
            .ToList();
        return left.Count == 0
            ? ""
            : $" L2 {(left.Count == 1 ? "VM" : "VMs")} {string.Join(", ", left.Select(n => $"'{n}'"))} had been shut down inside the guest by this change and not started again: start them once the L1 runs with nested virtualization on.";
    }

    // The first quoted name in a step's title: the L2 VM of a cascade's L2 step.
    private static string? NameIn(string title)
    {
        var start = title.IndexOf('\'', StringComparison.Ordinal);
        var end = start < 0 ? -1 : title.IndexOf('\'', start + 1);
        return end < 0 ? null : title[(start + 1)..end];
    }
}
