using System.Collections.Concurrent;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Operations;

/// <summary>
/// The one place nested virtualization is changed: validate → take the per-VM lock → read the VM fresh →
/// plan → run the steps → compensate a failure → report. Authorisation and audit belong to the caller.
/// </summary>
/// <remarks>
/// The per-VM lock (host name, case-insensitive, + VM id) refuses a second request at once with
/// <see cref="OperationOutcome.Busy"/> instead of queuing it: the user who clicked second sees the first
/// change running and decides again against the VM's new state. Different VMs run in parallel.
/// Cancellation before the first host call throws <see cref="OperationCanceledException"/> (nothing changed);
/// once the plan runs, cancellation stops before the next step, restarts a VM that was stopped, and returns
/// <see cref="OperationOutcome.Canceled"/>.
/// </remarks>
public sealed partial class NestedVirtualizationOperations
{
    /// <summary>What a step shows while the VM is read again after its limit ran out.</summary>
    public const string StillRunningChecking = "still running on the host — checking";

    private readonly ConcurrentDictionary<VmKey, VmLock> _running = new();
    private readonly IDistributedVmLock? _across;

    /// <summary>
    /// The operations with a per-VM lock in this instance, and across instances too when <paramref name="across"/> is given
    /// (cluster mode: a change on another instance refuses one here as "busy", as a second click here does).
    /// </summary>
    public NestedVirtualizationOperations(IDistributedVmLock? across = null) => _across = across;

    /// <summary>True while a change runs on the VM.</summary>
    public bool IsRunning(string hostName, Guid vmId)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        return _running.ContainsKey(VmKey.Of(hostName, vmId));
    }

    /// <summary>Changes nested virtualization on one VM as <paramref name="request"/> asks, reporting each step as its status changes.</summary>
    public async Task<OperationResult> RunAsync(
        IHyperVHost host,
        NestedVirtualizationRequest request,
        IProgress<OperationStep>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();

        if (!string.Equals(host.Name, request.HostName, StringComparison.OrdinalIgnoreCase))
        {
            return Ended(OperationOutcome.Refused, request, null,
                $"The request names host '{request.HostName}' but was sent to host '{host.Name}'; nothing was changed.");
        }

        var mine = new VmLock();
        using var held = Take(VmKey.Of(request.HostName, request.VmId), mine, request.HostName, request.VmId, out var busyName, out var busy);
        if (held is null)
        {
            return Ended(OperationOutcome.Busy, request, busyName, busy!);
        }

        return await RunLockedAsync(host, request, mine, progress, cancellationToken);
    }

    /// <summary>
    /// Applies a pending "at next shutdown" change to a VM the inventory has just seen Off: runs the Off plan
    /// (<see cref="PowerAction.None"/>, so a VM started again meanwhile is refused, not stopped). The pending
    /// change is removed when the VM ends with the requested setting; otherwise it stays and the result says why.
    /// </summary>
    /// <returns>The result, or null when nothing is pending for the VM, it was not seen Off, or (shared pending changes) another instance claimed it.</returns>
    public async Task<OperationResult?> ApplyPendingAsync(
        IHyperVHost host,
        PendingNestedChanges pending,
        VmSnapshot seen,
        IProgress<OperationStep>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(seen);
        if (seen.State is not VmState.Off || pending.Find(host.Name, seen.Id) is not { } change)
        {
            return null;
        }

        // Shared by several instances: taken out first, so exactly one of them applies it.
        if (!await pending.ClaimAsync(change, cancellationToken))
        {
            return null;
        }

        var result = await RunAsync(host, change.ToRequest() with { PowerAction = PowerAction.None }, progress, cancellationToken);
        if (result.IsSuccess)
        {
            if (!pending.IsShared)
            {
                await pending.RemoveAsync(host.Name, seen.Id, cancellationToken);
            }
        }
        else
        {
            // Not the caller's token: a change that did not apply stays pending, as on a single instance.
            await pending.RestoreAsync(change, CancellationToken.None);
        }

        return result;
    }

    private static async Task<OperationResult> RunLockedAsync(
        IHyperVHost host, NestedVirtualizationRequest request, VmLock mine, IProgress<OperationStep>? progress, CancellationToken cancellationToken)
    {
        VmSnapshot vm;
        HostFacts? facts = null;
        try
        {
            vm = await host.GetVmAsync(request.VmId, cancellationToken);
            mine.VmName = vm.Name;
            if (request.Enable && !vm.ExposeVirtualizationExtensions)
            {
                facts = await host.GetHostFactsAsync(cancellationToken);
            }
        }
        catch (HostOperationException ex)
        {
            return Ended(OperationOutcome.Failed, request, mine.VmName, $"{ex.Message} Nothing was changed.", hostMessage: ex.HostMessage);
        }

        var plan = NestedVirtualizationPlan.For(host.Name, request, vm, facts);
        return plan.Verdict switch
        {
            PlanVerdict.NoChange => Ended(OperationOutcome.NoChange, request, vm.Name, plan.Message, finalVm: vm),
            PlanVerdict.Refused => Ended(OperationOutcome.Refused, request, vm.Name, plan.Message, finalVm: vm),
            _ => await new PlanRun(host, request, vm, plan, progress).RunAsync(cancellationToken),
        };
    }

    private static OperationResult Ended(
        OperationOutcome outcome, NestedVirtualizationRequest request, string? vmName, string message, string? hostMessage = null, VmSnapshot? finalVm = null) =>
        new(outcome, request.HostName, request.VmId, vmName, message, [], null, hostMessage, finalVm);

    /// <summary>One plan running against one VM: the steps' statuses, the progress reports and the compensation.</summary>
    private sealed class PlanRun
    {
        private readonly IHyperVHost _host;
        private readonly NestedVirtualizationRequest _request;
        private readonly VmSnapshot _vm;
        private readonly IProgress<OperationStep>? _progress;
        private readonly List<OperationStep> _steps;
        private VmSnapshot _last;

        // True when the last look after a step's limit got no answer: _last is then what was seen before, not a fresh read.
        private bool _unanswered;

        public PlanRun(IHyperVHost host, NestedVirtualizationRequest request, VmSnapshot vm, NestedVirtualizationPlan plan, IProgress<OperationStep>? progress)
        {
            _host = host;
            _request = request;
            _vm = vm;
            _last = vm;
            _progress = progress;
            _steps = [.. plan.Steps.Select((s, i) => new OperationStep(request.HostName, vm.Id, vm.Name, i, s.Kind, s.Title, OperationStepStatus.Pending))];
        }

        private string Target => $"VM '{_vm.Name}' on host '{_request.HostName}'";

        public async Task<OperationResult> RunAsync(CancellationToken cancellationToken)
        {
            foreach (var step in _steps)
            {
                _progress?.Report(step);
            }

            int? stoppedAt = null;
            OperationStep? failed = null;
            OperationStep? leftRunning = null;
            string? hostMessage = null;
            string? canceledBefore = null;
            for (var i = 0; i < _steps.Count; i++)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    canceledBefore = _steps[i].Title;
                    break;
                }

                Update(i, OperationStepStatus.Running);
                try
                {
                    _last = await CallAsync(_steps[i].Kind, cancellationToken);
                    Update(i, OperationStepStatus.Done);
                    stoppedAt = StoppedAfter(i, stoppedAt);
                }
                catch (HostOperationException ex) when (ex.Kind is HostErrorKind.StillRunning && !cancellationToken.IsCancellationRequested)
                {
                    // The step's own limit ran out, not the host: look again before deciding anything.
                    Update(i, OperationStepStatus.StillRunning, StillRunningChecking);
                    if (await CheckAsync(_steps[i].Kind, cancellationToken) is { } finished)
                    {
                        _last = finished;
                        Update(i, OperationStepStatus.Done, $"{ex.HostMessage} Checked again: the VM is {finished.State}.");
                        stoppedAt = StoppedAfter(i, stoppedAt);
                        continue;
                    }

                    hostMessage = ex.HostMessage;
                    leftRunning = Update(i, OperationStepStatus.StillRunning, $"{ex.HostMessage} {Looked()}");
                    break;
                }
                catch (Exception ex)
                {
                    hostMessage = ex switch
                    {
                        HostOperationException hostError => hostError.HostMessage,
                        OperationCanceledException when cancellationToken.IsCancellationRequested => "Canceled while the host was running this step.",
                        _ => ex.Message,
                    };
                    failed = Update(i, OperationStepStatus.Failed, hostMessage);
                    break;
                }
            }

            for (var i = 0; i < _steps.Count; i++)
            {
                if (_steps[i].Status is OperationStepStatus.Pending)
                {
                    Update(i, OperationStepStatus.Skipped);
                }
            }

            if (leftRunning is not null)
            {
                // Never start a VM the host is still shutting down (nor start one twice): leave the host to finish.
                return Result(OperationOutcome.StillRunning, leftRunning, hostMessage,
                    $"'{leftRunning.Title}' is still running on {Target}: {hostMessage} {Looked()} " +
                    "The host was left to finish it; nothing after it ran and the VM was not started again. Run the change again when the host has finished.");
            }

            var restored = stoppedAt is { } stop ? await StartAgainAsync(stop) : "";
            var canceled = canceledBefore is not null || (failed is not null && cancellationToken.IsCancellationRequested);
            if (failed is null && !canceled)
            {
                return Result(OperationOutcome.Succeeded, null, null, $"{Done()}; the VM is {_last.State}.");
            }

            if (stoppedAt is null)
            {
                await RereadAsync();
            }

            var message = canceled
                ? canceledBefore is null
                    ? $"Canceled during '{failed!.Title}' on {Target}: the host was left to finish it; the VM is {_last.State}.{restored}"
                    : $"Canceled before '{canceledBefore}' on {Target}.{restored}"
                : $"'{failed!.Title}' failed on {Target}: {hostMessage}{restored}";
            return Result(canceled ? OperationOutcome.Canceled : OperationOutcome.Failed, failed, hostMessage, message);
        }

        // What the look after a step's limit found; a host that did not answer (frozen, gone) is not reported as checked.
        private string Looked() => _unanswered
            ? $"The host did not answer when read again; the VM was last seen {_last.State}."
            : $"Checked again: the VM is {_last.State}.";

        private int? StoppedAfter(int index, int? stoppedAt) => _steps[index].Kind switch
        {
            OperationStepKind.ShutDown or OperationStepKind.TurnOff => index,
            OperationStepKind.Start => null,
            _ => stoppedAt,
        };

        /// <summary>Reads the VM again after a step's limit ran out; the snapshot when the step turns out finished, else null.</summary>
        private async Task<VmSnapshot?> CheckAsync(OperationStepKind kind, CancellationToken cancellationToken)
        {
            try
            {
                _last = await _host.GetVmAsync(_vm.Id, cancellationToken);
                _unanswered = false;
            }
            catch (Exception ex) when (ex is HostOperationException or OperationCanceledException)
            {
                // Unknown is not finished: the host is left to it and the result says what was last seen.
                _unanswered = true;
                return null;
            }

            var finished = kind switch
            {
                OperationStepKind.ShutDown or OperationStepKind.TurnOff => _last.State is VmState.Off,
                OperationStepKind.Start or OperationStepKind.CompensatingStart => _last.State is VmState.Running,
                _ => false,
            };
            return finished ? _last : null;
        }

        private Task<VmSnapshot> CallAsync(OperationStepKind kind, CancellationToken cancellationToken) => kind switch
        {
            OperationStepKind.ShutDown => _host.StopVmAsync(_vm.Id, StopMode.ShutDown, cancellationToken),
            OperationStepKind.TurnOff => _host.StopVmAsync(_vm.Id, StopMode.TurnOff, cancellationToken),
            OperationStepKind.SetNestedVirtualization => _host.SetNestedVirtualizationAsync(_vm.Id, _request.Enable, cancellationToken),
            OperationStepKind.SetMacAddressSpoofing => _host.SetMacAddressSpoofingAsync(_vm.Id, null, true, cancellationToken),
            OperationStepKind.SetDynamicMemory => _host.SetDynamicMemoryAsync(_vm.Id, false, cancellationToken),
            OperationStepKind.Start or OperationStepKind.CompensatingStart => _host.StartVmAsync(_vm.Id, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };

        /// <summary>What a plan that ran to the end did, e.g. "Nested virtualization enabled on VM 'x' on host 'y', with dynamic memory turned off".</summary>
        private string Done()
        {
            var what = _request.Enable ? "enabled" : "disabled";
            var nested = _steps.Any(s => s.Kind is OperationStepKind.SetNestedVirtualization)
                ? $"Nested virtualization {what} on {Target}"
                : $"Nested virtualization was already {what} on {Target}";
            var fixes = _steps
                .Select(s => s.Kind switch
                {
                    OperationStepKind.SetDynamicMemory => "dynamic memory turned off",
                    OperationStepKind.SetMacAddressSpoofing => "MAC address spoofing turned on",
                    _ => null,
                })
                .OfType<string>()
                .ToList();
            return fixes.Count == 0 ? nested : $"{nested}, with {string.Join(" and ", fixes)}";
        }

        /// <summary>Best effort: the VM was Running before the plan stopped it, so it runs again whatever went wrong after.</summary>
        private async Task<string> StartAgainAsync(int stopIndex)
        {
            var index = _steps.Count;
            _steps.Add(new OperationStep(_request.HostName, _vm.Id, _vm.Name, index, OperationStepKind.CompensatingStart, "Start again (restore Running)", OperationStepStatus.Pending));
            Update(index, OperationStepStatus.Running);
            try
            {
                // Not the caller's token: a canceled request must still leave the VM running as it was.
                _last = await CallAsync(OperationStepKind.CompensatingStart, CancellationToken.None);
                Update(index, OperationStepStatus.Done);
                Update(stopIndex, OperationStepStatus.Compensated);
                return " The VM was started again.";
            }
            catch (Exception ex)
            {
                var said = ex is HostOperationException hostError ? hostError.HostMessage : ex.Message;
                Update(index, OperationStepStatus.Failed, said);
                await RereadAsync();
                return $" Starting the VM again also failed: {said}";
            }
        }

        private async Task RereadAsync()
        {
            try
            {
                _last = await _host.GetVmAsync(_vm.Id, CancellationToken.None);
            }
            catch (Exception)
            {
                // Keep the last snapshot the host returned; the result already carries the failure that matters.
            }
        }

        private OperationStep Update(int index, OperationStepStatus status, string? hostMessage = null)
        {
            var step = _steps[index] with { Status = status, HostMessage = hostMessage ?? _steps[index].HostMessage };
            _steps[index] = step;
            _progress?.Report(step);
            return step;
        }

        private OperationResult Result(OperationOutcome outcome, OperationStep? failed, string? hostMessage, string message) =>
            new(outcome, _request.HostName, _vm.Id, _vm.Name, message, [.. _steps], failed, hostMessage, _last);
    }
}
