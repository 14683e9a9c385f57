using System.Diagnostics;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Operations;

/// <summary>One cascade running: the tree's steps, the L2 phases around the L1's own plan, and the restores.</summary>
public sealed partial class NestedCascadeOperations
{
    private sealed class CascadeRun
    {
        private readonly NestedCascadeOperations _owner;
        private readonly IHyperVHost _host;
        private readonly IGuestVms _guest;
        private readonly GuestCredential _credential;
        private readonly NestedVirtualizationRequest _request;
        private readonly NestedCascadePlan _plan;
        private readonly IProgress<OperationStep>? _progress;
        private readonly List<OperationStep> _steps;
        private readonly List<GuestVm> _nested;
        private readonly int _l1First;
        private readonly int _l1Count;
        private readonly Dictionary<int, int> _compensations = [];
        private readonly Func<IHyperVHost, IProgress<OperationStep>, CancellationToken, Task<OperationResult>> _l1Part;
        private VmSnapshot _l1;

        public CascadeRun(
            NestedCascadeOperations owner, IHyperVHost host, IGuestVms guest, GuestCredential credential, NestedVirtualizationRequest request, VmSnapshot vm,
            NestedCascadePlan plan, GuestVmsReading reading, Func<IHyperVHost, IProgress<OperationStep>, CancellationToken, Task<OperationResult>> l1Part,
            IProgress<OperationStep>? progress)
        {
            _l1Part = l1Part;
            (_owner, _host, _guest, _credential, _request, _plan, _progress, _l1) = (owner, host, guest, credential, request, plan, progress, vm);
            _nested = [.. reading.Vms];
            _steps = [.. plan.Steps.Select((s, i) => new OperationStep(request.HostName, vm.Id, vm.Name, i, s.Kind, s.Title, OperationStepStatus.Pending))];
            _l1First = plan.Steps.Count(s => s.Kind is OperationStepKind.StopNestedVm);
            _l1Count = plan.Steps.Count(s => s.NestedVm is null);
        }

        private string L1 => $"L1 '{_l1.Name}' on host '{_request.HostName}'";

        public async Task<NestedCascadeResult> RunAsync(CancellationToken cancellationToken)
        {
            foreach (var step in _steps)
            {
                _progress?.Report(step);
            }

            // 1. The running L2 VMs, shut down in the guest's order.
            var stopped = new List<GuestVm>();
            for (var i = 0; i < _l1First; i++)
            {
                var l2 = _plan.Steps[i].NestedVm!;
                if (cancellationToken.IsCancellationRequested)
                {
                    return await UndoStopsAsync(stopped, OperationOutcome.Canceled, null, $"Canceled before '{_steps[i].Title}'.");
                }

                Update(i, OperationStepStatus.Running);
                try
                {
                    Remember(await _guest.StopGuestVmAsync(_l1.Id, _credential, l2.Id, cancellationToken));
                    Update(i, OperationStepStatus.Done);
                    stopped.Add(l2);
                }
                catch (Exception ex) when (ex is HostOperationException or OperationCanceledException)
                {
                    var said = Said(ex, cancellationToken);
                    var failed = Update(i, OperationStepStatus.Failed, said);
                    return await UndoStopsAsync(stopped, cancellationToken.IsCancellationRequested ? OperationOutcome.Canceled : OperationOutcome.Failed, failed,
                        $"Shutting down L2 VM '{l2.Name}' inside {L1} failed: {said}");
                }
            }

            // 2. The L1's own part (its nested change, or its restart), under the lock this cascade holds; its steps land in the tree's list.
            var inner = await _l1Part(_host, new Inner(this), cancellationToken);
            _l1 = inner.FinalVm ?? _l1;
            var shutDown = stopped.Count == 0 ? "" : $"{Names(stopped)} shut down first inside the guest. ";
            if (inner.Outcome is OperationOutcome.Succeeded)
            {
                return await StartAgainAsync(stopped, shutDown + inner.Message, cancellationToken);
            }

            SkipPending();
            if (inner.Outcome is OperationOutcome.StillRunning)
            {
                var left = stopped.Count == 0 ? "" : $" {Names(stopped)} were shut down by this change and not started again: start them once the L1 runs with nested virtualization on.";
                return Result(inner.Outcome, inner.FailedStep, inner.HostMessage, shutDown + inner.Message + left);
            }

            // The L1's change failed or was canceled: the L2 VMs run again only where the L1 runs Hyper-V again.
            var restored = await RestoreOrLeaveAsync(stopped);
            var failedStep = inner.FailedStep is { } f ? _steps.Find(s => s.Kind == f.Kind && s.Status is OperationStepStatus.Failed) : null;
            return Result(inner.Outcome, failedStep, inner.HostMessage, shutDown + inner.Message + restored);
        }

        /// <summary>3. After the L1's change: the L2 VMs start again (enable, restart), or are left off with the reason (disable).</summary>
        private async Task<NestedCascadeResult> StartAgainAsync(List<GuestVm> stopped, string message, CancellationToken cancellationToken)
        {
            if (_plan.LeftOff.Count > 0)
            {
                return Result(OperationOutcome.Succeeded, null, null, $"{message} {_plan.Message}");
            }

            OperationStep? failed = null;
            string? hostMessage = null;
            var notStarted = new List<string>();
            for (var i = _l1First + _l1Count; i < _plan.Steps.Count; i++)
            {
                var l2 = _plan.Steps[i].NestedVm!;
                if (cancellationToken.IsCancellationRequested)
                {
                    Update(i, OperationStepStatus.Skipped);
                    notStarted.Add($"'{l2.Name}' (canceled)");
                    continue;
                }

                Update(i, OperationStepStatus.Running);
                if (await StartL2Async(l2, cancellationToken) is { } said)
                {
                    failed ??= Update(i, OperationStepStatus.Failed, said);
                    hostMessage ??= said;
                    notStarted.Add($"'{l2.Name}' ({said})");
                }
                else
                {
                    Update(i, OperationStepStatus.Done);
                }
            }

            if (notStarted.Count == 0)
            {
                var again = stopped.Count == 0 ? "" : $" {Names(stopped)} started again inside the guest.";
                return Result(OperationOutcome.Succeeded, null, null, message + again);
            }

            var outcome = failed is null ? OperationOutcome.Canceled : OperationOutcome.Failed;
            return Result(outcome, failed, hostMessage, $"{message} Not started again inside the guest: {string.Join("; ", notStarted)}. Start them from the L1's own Hyper-V.");
        }

        /// <summary>An L2 step failed or was canceled before the L1 was touched: the L2 VMs already shut down start again.</summary>
        private async Task<NestedCascadeResult> UndoStopsAsync(List<GuestVm> stopped, OperationOutcome outcome, OperationStep? failed, string what)
        {
            SkipPending();
            var restored = await RestoreAsync(stopped);
            var nested = _l1.ExposeVirtualizationExtensions ? "on" : "off";
            return Result(outcome, failed, failed?.HostMessage,
                $"{what} Nothing was changed on {L1}: it is {_l1.State}, nested virtualization {nested}.{restored}");
        }

        private async Task<string> RestoreOrLeaveAsync(List<GuestVm> stopped)
        {
            if (stopped.Count == 0)
            {
                return "";
            }

            if (_l1.State is VmState.Running && _l1.ExposeVirtualizationExtensions)
            {
                return await RestoreAsync(stopped);
            }

            var why = _l1.State is VmState.Running ? "nested virtualization is off on it" : $"it is {_l1.State}";
            return $" {Names(stopped)} were left off: the L1 cannot run them ({why}).";
        }

        /// <summary>Best effort, not the caller's token: L2 VMs this cascade shut down run again; says how each ended.</summary>
        private async Task<string> RestoreAsync(List<GuestVm> stopped)
        {
            var failures = new List<string>();
            foreach (var l2 in stopped)
            {
                var index = Add(OperationStepKind.StartNestedVm, $"Start L2 VM '{l2.Name}' again (restore Running)");
                Update(index, OperationStepStatus.Running);
                if (await StartL2Async(l2, CancellationToken.None) is { } said)
                {
                    Update(index, OperationStepStatus.Failed, said);
                    failures.Add($"'{l2.Name}' did not start again: {said}");
                }
                else
                {
                    Update(index, OperationStepStatus.Done);
                    var stop = _steps.FindIndex(s => s.Kind is OperationStepKind.StopNestedVm && s.Title.Contains($"'{l2.Name}'", StringComparison.Ordinal));
                    if (stop >= 0)
                    {
                        Update(stop, OperationStepStatus.Compensated);
                    }
                }
            }

            var started = stopped.Where(v => !failures.Exists(f => f.StartsWith($"'{v.Name}'", StringComparison.Ordinal))).ToList();
            var text = started.Count == 0 ? "" : $" {Names(started)} {(started.Count == 1 ? "was" : "were")} started again.";
            return failures.Count == 0 ? text : $"{text} {string.Join("; ", failures)}.";
        }

        /// <summary>Waits for the guest to answer with Hyper-V running (it may be booting), then starts the L2 VM; null when it runs, else what was said.</summary>
        private async Task<string?> StartL2Async(GuestVm l2, CancellationToken cancellationToken)
        {
            var waited = Stopwatch.StartNew();
            string? lastSaid = null;
            while (true)
            {
                try
                {
                    var reading = await _guest.GetGuestVmsAsync(_l1.Id, _credential, cancellationToken);
                    if (reading.HyperVRuns)
                    {
                        break;
                    }

                    lastSaid = $"Hyper-V does not run inside '{_l1.Name}'.";
                }
                catch (HostOperationException ex)
                {
                    lastSaid = ex.HostMessage ?? ex.Message;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return "Canceled while waiting for the guest to answer.";
                }

                if (waited.Elapsed >= _owner.GuestAnswerTimeout)
                {
                    return $"The guest of '{_l1.Name}' did not answer with Hyper-V running within {_owner.GuestAnswerTimeout.TotalMinutes:0.#} minutes: {lastSaid}";
                }

                try
                {
                    await Task.Delay(_owner.GuestAnswerInterval, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return "Canceled while waiting for the guest to answer.";
                }
            }

            try
            {
                var after = await _guest.StartGuestVmAsync(_l1.Id, _credential, l2.Id, cancellationToken);
                Remember(after);
                return after.IsRunning ? null : $"Start-VM returned with the VM {after.State}.";
            }
            catch (Exception ex) when (ex is HostOperationException or OperationCanceledException)
            {
                return Said(ex, cancellationToken);
            }
        }

        private static string Said(Exception ex, CancellationToken cancellationToken) => ex switch
        {
            HostOperationException hostError => hostError.HostMessage ?? hostError.Message,
            OperationCanceledException when cancellationToken.IsCancellationRequested => "Canceled while the guest was running this step.",
            _ => ex.Message,
        };

        private static string Names(List<GuestVm> vms) =>
            $"L2 {(vms.Count == 1 ? "VM" : "VMs")} {string.Join(", ", vms.Select(v => $"'{v.Name}'"))}";

        private void Remember(GuestVm vm)
        {
            var at = _nested.FindIndex(v => v.Id == vm.Id);
            if (at >= 0)
            {
                _nested[at] = vm;
            }
            else
            {
                _nested.Add(vm);
            }
        }

        private void SkipPending()
        {
            for (var i = 0; i < _steps.Count; i++)
            {
                if (_steps[i].Status is OperationStepStatus.Pending)
                {
                    Update(i, OperationStepStatus.Skipped);
                }
            }
        }

        private int Add(OperationStepKind kind, string title)
        {
            var index = _steps.Count;
            _steps.Add(new OperationStep(_request.HostName, _l1.Id, _l1.Name, index, kind, title, OperationStepStatus.Pending));
            return index;
        }

        private OperationStep Update(int index, OperationStepStatus status, string? hostMessage = null)
        {
            var step = _steps[index] with { Status = status, HostMessage = hostMessage ?? _steps[index].HostMessage };
            _steps[index] = step;
            _progress?.Report(step);
            return step;
        }

        private NestedCascadeResult Result(OperationOutcome outcome, OperationStep? failed, string? hostMessage, string message)
        {
            // The L2 VMs this cascade could not see after a failure keep the state last seen; the tree reads the guest again.
            return new NestedCascadeResult(new OperationResult(outcome, _request.HostName, _l1.Id, _l1.Name, message, [.. _steps], failed, hostMessage, _l1), [.. _nested]);
        }

        /// <summary>The L1 plan's reports, placed in the tree's list: its planned steps at theirs, its restoring start after every step.</summary>
        private sealed class Inner(CascadeRun run) : IProgress<OperationStep>
        {
            public void Report(OperationStep value)
            {
                int index;
                if (value.Index < run._l1Count && value.Kind is not OperationStepKind.CompensatingStart)
                {
                    index = run._l1First + value.Index;
                }
                else if (!run._compensations.TryGetValue(value.Index, out index))
                {
                    index = run.Add(value.Kind, value.Kind is OperationStepKind.CompensatingStart ? $"Start L1 '{run._l1.Name}' again (restore Running)" : value.Title);
                    run._compensations[value.Index] = index;
                }

                run.Update(index, value.Status, value.HostMessage);
            }
        }
    }
}
