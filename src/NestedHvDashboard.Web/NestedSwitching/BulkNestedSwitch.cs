using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Operations;
using NestedHvDashboard.Web.VirtualMachines;
namespace NestedHvDashboard.Web.NestedSwitching;

/// <summary>What a bulk change does to the VMs that are running.</summary>
public enum BulkRunningChoice
{
    /// <summary>Graceful shutdown, change, start again.</summary>
    ShutDown,

    /// <summary>Hard power off, change, start again.</summary>
    TurnOff,

    /// <summary>Leave running VMs alone (they are refused); change only the VMs that are off.</summary>
    Skip,

    /// <summary>Change the VMs that are off now; leave the change pending for each running VM until it is seen Off.</summary>
    AtNextShutdown,
}

/// <summary>A bulk change as it runs: the results so far, in the order they ended, and the end.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A CancellationTokenSource without a timer holds nothing to release; Cancel stays safe after the run ended.")]
public sealed class BulkRun
{
    private readonly Lock _gate = new();
    private readonly List<OperationResult> _results = [];
    private readonly CancellationTokenSource _cancel = new();

    internal BulkRun(bool enable, BulkRunningChoice choice, int total)
    {
        Enable = enable;
        Choice = choice;
        Total = total;
    }

    /// <summary>Raised, on any thread, after a result was added and when the run ended.</summary>
    public event Action? Changed;

    public bool Enable { get; }

    /// <summary>What the run does, for its results panel ("Turning off 4 VMs"); null for a nested virtualization run.</summary>
    public string? Title { get; init; }

    public BulkRunningChoice Choice { get; }

    /// <summary>How many VMs the run was asked to change.</summary>
    public int Total { get; }

    /// <summary>Every VM's result so far (no steps: a bulk run keeps one line per VM), in the order the VMs ended.</summary>
    public IReadOnlyList<OperationResult> Results
    {
        get { lock (_gate) { return [.. _results]; } }
    }

    /// <summary>True when every VM has its result.</summary>
    public bool IsDone { get; private set; }

    /// <summary>Completes when the run has ended.</summary>
    public Task Completion { get; internal set; } = Task.CompletedTask;

    internal CancellationToken CancellationToken => _cancel.Token;

    /// <summary>How many VMs ended each way, by outcome, in a fixed order.</summary>
    public IReadOnlyList<KeyValuePair<OperationOutcome, int>> Counts()
    {
        var results = Results;
        return [.. Enum.GetValues<OperationOutcome>()
            .Select(o => KeyValuePair.Create(o, results.Count(r => r.Outcome == o)))
            .Where(c => c.Value > 0)];
    }

    /// <summary>Stops VMs from starting; the ones already changing finish.</summary>
    public void Cancel() => _cancel.Cancel();

    internal void Add(OperationResult result)
    {
        lock (_gate) { _results.Add(result); }
        Changed?.Invoke();
    }

    internal void End()
    {
        IsDone = true;
        Changed?.Invoke();
    }
}

/// <summary>
/// What the grid's bulk toolbar (and the API) does: one confirmation, then every VM's change through
/// <see cref="BulkNestedVirtualization"/>. The actor's role is checked here; every VM's attempt is stored in the audit
/// trail before the run starts and completed when that VM ends, and the run itself has an entry of its own.
/// </summary>
public sealed class BulkNestedSwitch(BulkNestedVirtualization bulk, PendingNestedChanges pending, IAuditTrail audit, TimeProvider time)
{
    /// <summary>VMs changed at once on one host.</summary>
    public int MaxPerHost => bulk.MaxPerHost;

    /// <summary>
    /// Starts the change on <paramref name="vms"/> and returns once every attempt is recorded; the run goes on when the page
    /// closes (a VM that has started changing must finish and be restored). An actor without the Operator role gets a run
    /// that has ended with every VM <see cref="OperationOutcome.Denied"/> (one audit entry for the refused run).
    /// </summary>
    public async Task<BulkRun> StartAsync(Actor actor, IReadOnlyList<VmRow> vms, bool enable, BulkRunningChoice choice, bool enableMacAddressSpoofing, bool disableDynamicMemory = false)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(vms);
        var mac = enable && enableMacAddressSpoofing;
        var staticMemory = enable && disableDynamicMemory;
        var run = new BulkRun(enable, choice, vms.Count);
        var action = enable ? "Bulk enable nested" : "Bulk disable nested";
        var hosts = vms.Select(v => v.Host).Distinct(StringComparer.OrdinalIgnoreCase).Count();
        var correlation = Guid.NewGuid();
        var runStart = new AuditStart(
            actor, action, null, null, null,
            new { vms = vms.Select(v => new { host = v.Host, vm = v.Vm.Name, id = v.Vm.Id }).ToList(), running = choice.ToString(), enableMacAddressSpoofing = mac, disableDynamicMemory = staticMemory },
            $"{vms.Count} VMs on {hosts} hosts", correlation);
        if (!actor.CanOperate)
        {
            var refusal = actor.Refusal($"{action} on {vms.Count} VMs", DashboardRoles.Operator);
            await audit.RecordAsync(runStart, new AuditCompletion(AuditResults.Denied, refusal));
            foreach (var vm in vms)
            {
                run.Add(Line(OperationOutcome.Denied, vm, refusal));
            }

            run.End();
            return run;
        }

        long? runId = null;
        var deferred = choice is BulkRunningChoice.AtNextShutdown ? vms.Where(v => v.Vm.State is not VmState.Off).ToList() : [];
        var now = vms.Except(deferred).DistinctBy(v => v.Key).ToList();
        var power = choice switch
        {
            BulkRunningChoice.ShutDown => PowerAction.ShutDown,
            BulkRunningChoice.TurnOff => PowerAction.TurnOff,
            _ => PowerAction.None,
        };

        // Each VM's attempt is stored before anything runs, so a crash mid-run leaves "Started" entries (marked Interrupted at the next start).
        var entries = new Dictionary<VmKey, long>();
        try
        {
            runId = await audit.BeginAsync(runStart);
            foreach (var vm in now)
            {
                entries[vm.Key] = await audit.BeginAsync(new AuditStart(
                    actor, enable ? "Enable nested" : "Disable nested", vm.Host, vm.Vm.Name, vm.Vm.Id,
                    new { enable, power = power.ToString(), enableMacAddressSpoofing = mac, disableDynamicMemory = staticMemory, bulk = true },
                    ChangeAudit.StateOf(vm.Vm), correlation));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing runs unrecorded: end what was stored (best effort, the trail is failing) and refuse every VM.
            var refusal = ChangeAudit.NotRecorded($"{action} on {vms.Count} VMs", ex);
            var begun = entries.Values.ToList();
            if (runId is { } begunRun)
            {
                begun.Add(begunRun);
            }

            await EndQuietlyAsync(begun, new AuditCompletion(AuditResults.Refused, refusal));
            foreach (var vm in vms)
            {
                run.Add(Line(OperationOutcome.Refused, vm, refusal));
            }

            run.End();
            return run;
        }

        run.Completion = Task.Run(async () =>
        {
            try
            {
                foreach (var vm in deferred)
                {
                    var message = $"VM '{vm.Vm.Name}' on host '{vm.Host}' is {vm.Vm.State}: nested virtualization will be {(enable ? "enabled" : "disabled")} the next time it is seen Off.";
                    var start = new AuditStart(
                        actor, (enable ? "Enable nested" : "Disable nested") + " at next shutdown", vm.Host, vm.Vm.Name, vm.Vm.Id,
                        new { enable, enableMacAddressSpoofing = mac, disableDynamicMemory = staticMemory, bulk = true }, ChangeAudit.StateOf(vm.Vm), correlation);
                    // Stored before the pending change is saved, like every other change.
                    var change = new AuditedChange<OperationResult>(
                        start,
                        $"Leaving the change on VM '{vm.Vm.Name}' on host '{vm.Host}' pending",
                        refusal => Line(OperationOutcome.Refused, vm, refusal),
                        result => result.Outcome is OperationOutcome.Deferred
                            ? new AuditCompletion(AuditResults.Deferred, result.Message, "pending until the VM is Off")
                            : new AuditCompletion(AuditResults.Failed, result.Message));
                    run.Add(await audit.ChangeAsync(change, async _ =>
                    {
                        try
                        {
                            await pending.AddAsync(new PendingNestedChange(vm.Host, vm.Vm.Id, vm.Vm.Name, enable, mac, time.GetUtcNow(), staticMemory));
                            return Line(OperationOutcome.Deferred, vm, message);
                        }
                        catch (Exception ex) when (ex is not OperationCanceledException)
                        {
                            var failed = $"The change on VM '{vm.Vm.Name}' on host '{vm.Host}' could not be left pending: {ex.Message}";
                            return Line(OperationOutcome.Failed, vm, failed);
                        }
                    }));
                }

                var names = vms.ToDictionary(v => v.Key, v => v.Vm.Name);
                var completions = new List<Task>();
                var progress = new Reporter(result =>
                {
                    if (entries.TryGetValue(new VmKey(result.HostName, result.VmId), out var id))
                    {
                        lock (completions)
                        {
                            completions.Add(audit.CompleteAsync(id, ChangeAudit.CompletionOf(result)));
                        }
                    }

                    var name = result.VmName ?? names.GetValueOrDefault(new VmKey(result.HostName, result.VmId)) ?? result.VmId.ToString();
                    run.Add(result with { VmName = name, Steps = [], FailedStep = null, FinalVm = null });
                });
                var request = new BulkNestedRequest([.. now.Select(v => new BulkTarget(v.Host, v.Vm.Id, v.Vm.Name))], enable, power, mac, staticMemory);
                // Each VM's steps are noted in its entry as they begin (as in a one-VM change), so a dashboard killed during the
                // run leaves the VM's Interrupted entry saying which step it stopped at and whether the VM may be left Off.
                _ = await bulk.RunAsync(
                    request, progress, target => entries.TryGetValue(new VmKey(target.HostName, target.VmId), out var entry) ? new AuditProgress(audit, entry, null) : null,
                    run.CancellationToken);
                Task[] pendingCompletions;
                lock (completions)
                {
                    pendingCompletions = [.. completions];
                }

                await Task.WhenAll(pendingCompletions);
                // Every VM's line counts, the pending ones' too: a run with any VM refused, busy, failed or canceled is not "Succeeded".
                var ended = run.Results;
                var counts = BulkCounts.Of(ended);
                var leftPending = ended.Count(r => r.Outcome is OperationOutcome.Deferred);
                await audit.CompleteAsync(runId.Value, new AuditCompletion(
                    RunResult.Of(ended.Select(r => r.Outcome)),
                    $"{action} ended: {counts.Succeeded} succeeded, {counts.NoChange} no change, {counts.Refused} refused, {counts.Busy} busy, {counts.Failed} failed, {counts.Canceled} canceled, {leftPending} deferred."));
            }
            catch (Exception ex)
            {
                // The run broke (the trail, say): end every entry still open so none stays "Started".
                var open = entries.Where(e => !run.Results.Any(r => new VmKey(r.HostName, r.VmId) == e.Key)).Select(e => e.Value);
                await EndQuietlyAsync([.. open, runId.Value], new AuditCompletion(AuditResults.Failed, $"{action} stopped: {ex.Message}"));
                throw;
            }
            finally
            {
                run.End();
            }
        });
        return run;
    }

    /// <summary>Completes entries while the trail may be failing; a completion that cannot be written is left for <see cref="DbAuditTrail.MarkInterruptedAsync"/>.</summary>
    private async Task EndQuietlyAsync(IEnumerable<long> ids, AuditCompletion completion)
    {
        foreach (var id in ids)
        {
            try
            {
                await audit.CompleteAsync(id, completion, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Nothing more can be done here.
            }
        }
    }

    // A VM's line for a change that ran nothing on the host.
    private static OperationResult Line(OperationOutcome outcome, VmRow vm, string message) =>
        new(outcome, vm.Host, vm.Vm.Id, vm.Vm.Name, message, [], null, null, null);

    /// <summary>What the choice does, in the user's words.</summary>
    public static string Describe(BulkRunningChoice choice) => choice switch
    {
        BulkRunningChoice.ShutDown => "shut down, change, start again",
        BulkRunningChoice.TurnOff => "turn off, change, start again",
        BulkRunningChoice.Skip => "skipped",
        _ => "apply at next shutdown",
    };

    /// <summary>Reports on the reporting thread: the run's list is thread-safe and the page re-renders through InvokeAsync.</summary>
    private sealed class Reporter(Action<OperationResult> report) : IProgress<OperationResult>
    {
        public void Report(OperationResult value) => report(value);
    }
}
