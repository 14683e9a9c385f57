using System.Management.Automation;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.PowerShell;

/// <summary>
/// A new VM's steps (<see cref="NewVmPlan.Steps"/>) as its script's Step rows report them: all Pending at first, then the one
/// a row names Running (those before it Done), and when the call ends the running one Done, Failed or still running.
/// </summary>
internal sealed class NewVmSteps
{
    private readonly Lock _gate = new();
    private readonly IProgress<OperationStep> _progress;
    private readonly OperationStep[] _steps;
    private int _running = -1;
    private bool _ended;

    public NewVmSteps(string hostName, string vmName, IProgress<OperationStep> progress)
    {
        _progress = progress;
        _steps = [.. NewVmPlan.Steps.Select((s, i) => new OperationStep(hostName, Guid.Empty, vmName, i, s.Kind, s.Title, OperationStepStatus.Pending))];
        foreach (var step in _steps)
        {
            progress.Report(step);
        }
    }

    /// <summary>Takes one row of the script's output as it arrives (on the thread that received it, the script waiting for it in-process).</summary>
    public void Read(PSObject row)
    {
        if (HostRows.KindOf(row) != "Step")
        {
            return;
        }

        var index = HostRows.Int32(row, "Index");
        lock (_gate)
        {
            if (_ended || index < 0 || index >= _steps.Length || index <= _running)
            {
                return;
            }

            for (var i = Math.Max(_running, 0); i < index; i++)
            {
                Set(i, OperationStepStatus.Done, null);
            }

            // The script's own words for the step, should they ever differ from the plan's.
            var title = HostRows.OptionalText(row, "Title") ?? _steps[index].Title;
            _steps[index] = _steps[index] with { Title = title };
            Set(index, OperationStepStatus.Running, null);
            _running = index;
        }
    }

    /// <summary>The call ended: the running step (or, for a success, every step) takes <paramref name="status"/>; later steps Skipped when it failed.</summary>
    public void End(OperationStepStatus status, string? hostMessage)
    {
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            if (status is OperationStepStatus.Done)
            {
                for (var i = 0; i < _steps.Length; i++)
                {
                    if (_steps[i].Status is not OperationStepStatus.Done)
                    {
                        Set(i, OperationStepStatus.Done, null);
                    }
                }

                return;
            }

            if (_running >= 0 && status is not OperationStepStatus.Skipped)
            {
                Set(_running, status, hostMessage);
            }

            if (status is not OperationStepStatus.StillRunning)
            {
                for (var i = _running + 1; i < _steps.Length; i++)
                {
                    Set(i, OperationStepStatus.Skipped, null);
                }
            }
        }
    }

    private void Set(int index, OperationStepStatus status, string? hostMessage)
    {
        _steps[index] = _steps[index] with { Status = status, HostMessage = hostMessage };
        _progress.Report(_steps[index]);
    }
}
