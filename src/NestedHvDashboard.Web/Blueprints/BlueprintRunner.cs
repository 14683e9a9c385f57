using System.Collections.Concurrent;
using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Cluster;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Networking;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>
/// Applies blueprints in the background, one run per blueprint at a time: the review's steps in order, each change an audited
/// change (Operator role, the L1's per-VM lock, the host's words on failure) under the run's own audit entry; a step the lab already
/// is is skipped as done. The run is saved after every step change, so a failed run — or one the app stopped during, marked
/// Interrupted at the next start — resumes from its first step not done, re-checking the earlier ones. Guest accounts stay in
/// memory for the run only (remembered per L1 when asked, by an Administrator); they never reach the audit trail or the log.
/// </summary>
public sealed partial class BlueprintRunner : IBlueprintRunner, IHostedService, IDisposable
{
    private readonly IBlueprintPlanner _planner;
    private readonly IAuditTrail _audit;
    private readonly TimeProvider _time;
    private readonly ILogger<BlueprintRunner> _logger;
    private readonly IBlueprintStore? _store;
    private readonly GuestCredentialStore? _credentials;
    private readonly BlueprintStepWork _work;
    private readonly ConcurrentDictionary<string, BlueprintRun> _lastRuns = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Task> _going = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;
    private readonly ClusterSettings? _cluster;

    /// <summary>A runner over the dashboard's hosts; without a store (<paramref name="store"/> null) every apply is refused.</summary>
    public BlueprintRunner(
        IBlueprintPlanner planner,
        IHostLookup hosts,
        NestedVirtualizationOperations operations,
        IAuditTrail audit,
        TimeProvider time,
        ILogger<BlueprintRunner> logger,
        IBlueprintStore? store = null,
        GuestCredentialStore? credentials = null,
        InventoryStore? inventory = null,
        ClusterSettings? cluster = null)
    {
        _planner = planner ?? throw new ArgumentNullException(nameof(planner));
        _audit = audit ?? throw new ArgumentNullException(nameof(audit));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _store = store;
        _credentials = credentials;
        _cluster = cluster;
        _work = new BlueprintStepWork(hosts, operations, RememberedAsync, inventory);
    }

    /// <inheritdoc />
    public event Action<string>? RunChanged;

    /// <summary>The audit trail's action for a whole apply of <paramref name="blueprint"/>.</summary>
    public static string ApplyAction(string blueprint) => $"Blueprint '{blueprint}': Apply";

    /// <summary>The audit trail's action for one step of <paramref name="blueprint"/> ("Blueprint 'x': Create L1 'lab-a'").</summary>
    public static string StepAction(string blueprint, BlueprintStep step) => $"Blueprint '{blueprint}': {BlueprintCommands.ActionOf(step)}";

    /// <inheritdoc />
    public BlueprintRun? LastRun(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _lastRuns.GetValueOrDefault(name);
    }

    /// <summary>True while a run of blueprint <paramref name="name"/> goes.</summary>
    public bool IsRunning(string name) => _going.ContainsKey(name);

    /// <summary>Waits for the run of <paramref name="name"/> that goes now, if any, to end (for callers that apply and then read the lab).</summary>
    public Task WhenIdleAsync(string name) => _going.TryGetValue(name, out var run) ? run : Task.CompletedTask;

    /// <inheritdoc />
    public async Task<BlueprintChangeResult> ApplyAsync(Actor actor, Blueprint blueprint, BlueprintCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(blueprint);
        ArgumentNullException.ThrowIfNull(credentials);
        var name = blueprint.Name;
        var start = new AuditStart(actor, ApplyAction(name), null, null, null, new { blueprint = name, l1s = blueprint.L1s.Count, l2s = blueprint.L1s.Sum(l => l.L2s.Count) });
        if (!actor.CanOperate)
        {
            var denial = actor.Refusal($"Applying blueprint '{name}'", DashboardRoles.Operator);
            await _audit.RecordAsync(start, new AuditCompletion(AuditResults.Denied, denial), cancellationToken).ConfigureAwait(false);
            return new(false, denial, []);
        }

        var refusal = _store is null
            ? $"Blueprint '{name}' cannot be applied: this dashboard keeps no blueprints (no blueprint store is registered)."
            : _going.ContainsKey(name) ? $"Blueprint '{name}' is being applied already; wait for its run to end." : await MissingCredentialAsync(blueprint, credentials, cancellationToken).ConfigureAwait(false);
        var review = refusal is null ? await _planner.ReviewAsync(blueprint, cancellationToken).ConfigureAwait(false) : null;
        if (refusal is null && review is { CanApply: false })
        {
            refusal = $"Blueprint '{name}' cannot be applied as the hosts are now: {string.Join(" ", review.Problems.Select(p => p.ToString()))}";
        }

        if (refusal is not null)
        {
            await _audit.RecordAsync(start, new AuditCompletion(AuditResults.Refused, refusal), cancellationToken).ConfigureAwait(false);
            return new(false, refusal, review?.Problems ?? []);
        }

        var last = _lastRuns.GetValueOrDefault(name) ?? await _store!.LastRunAsync(name, cancellationToken).ConfigureAwait(false);
        var run = NewRun(actor, name, review!.Steps, last);
        var resumed = run.Id == last?.Id;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_going.TryAdd(name, gate.Task))
        {
            return new(false, $"Blueprint '{name}' is being applied already; wait for its run to end.", []);
        }

        long entry;
        try
        {
            entry = await _audit.BeginAsync(start with { Parameters = new { blueprint = name, run = run.Id, steps = run.Steps.Count, resumed } }, cancellationToken).ConfigureAwait(false);
            await SaveAsync(run).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _going.TryRemove(name, out _);
            gate.SetResult();
            return new(false, ChangeAudit.NotRecorded($"Applying blueprint '{name}'", ex), []);
        }

        var context = new RunContext(actor, blueprint, credentials, entry);
        _ = Task.Run(async () =>
        {
            try
            {
                await RunStepsAsync(context, run, _stopping.Token).ConfigureAwait(false);
            }
            finally
            {
                _going.TryRemove(name, out _);
                gate.SetResult();
            }
        }, CancellationToken.None);
        var from = run.Steps.FirstOrDefault(s => s.State is not BlueprintStepState.Done);
        return new(true, resumed && from is not null
            ? $"Resuming blueprint '{name}' from step {from.Step.Index + 1} of {run.Steps.Count} ({from.Step.Title}); the steps before it are checked again."
            : $"Applying blueprint '{name}': {run.Steps.Count} steps.", []);
    }

    /// <summary>
    /// A new run of the review's steps; or, when the last run failed or was interrupted, that run resumed: the same id, its steps
    /// done before shown done until they are checked again, the others pending.
    /// </summary>
    private BlueprintRun NewRun(Actor actor, string name, IReadOnlyList<BlueprintStep> steps, BlueprintRun? last)
    {
        var now = _time.GetUtcNow();
        if (last is { State: BlueprintRunState.Failed or BlueprintRunState.Interrupted })
        {
            var done = last.Steps.Where(s => s.State is BlueprintStepState.Done).Select(s => Key(s.Step)).ToHashSet();
            return last with
            {
                StartedBy = actor.Name,
                EndedAt = null,
                State = BlueprintRunState.Running,
                Instance = _cluster?.InstanceId,
                Steps = [.. steps.Select(s => done.Contains(Key(s))
                    ? last.Steps.First(p => Key(p.Step) == Key(s)) with { Step = s }
                    : new BlueprintStepProgress(s, BlueprintStepState.Pending, null, false, null, null))],
            };
        }

        return new BlueprintRun(Guid.NewGuid(), name, actor.Name, now, null, BlueprintRunState.Running,
            [.. steps.Select(s => new BlueprintStepProgress(s, BlueprintStepState.Pending, null, false, null, null))], _cluster?.InstanceId);
    }

    private static (BlueprintStepKind, string, string, string?) Key(BlueprintStep step) =>
        (step.Kind, step.Host.ToUpperInvariant(), step.L1.ToUpperInvariant(), step.L2?.ToUpperInvariant());

    /// <summary>
    /// An empty L1 account means "each L1's remembered one": refused, naming them, when an L1 does not exist yet or has none
    /// remembered (a new L1's guest has never been signed in to).
    /// </summary>
    private async Task<string?> MissingCredentialAsync(Blueprint blueprint, BlueprintCredentials credentials, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(credentials.L1Guests.UserName) && credentials.L1Guests.Password.Length > 0)
        {
            return null;
        }

        var missing = new List<string>();
        foreach (var l1 in blueprint.L1s)
        {
            Guid? id = null;
            try
            {
                id = _credentials is null ? null : await _work.L1IdAsync(l1, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is BlueprintStepFailedException or Core.Hosts.HostOperationException)
            {
                // A host that cannot say which VM is the L1 cannot say what is remembered for it either.
            }

            if (id is not { } vmId || !await _credentials!.IsRememberedAsync(l1.Host, vmId, cancellationToken).ConfigureAwait(false))
            {
                missing.Add($"'{l1.Name}'");
            }
        }

        return missing.Count == 0
            ? null
            : $"Blueprint '{blueprint.Name}' needs the L1 guests' administrator account: none is remembered for {string.Join(", ", missing)}.";
    }

    private async Task<GuestCredential?> RememberedAsync(BlueprintStepContext context, Guid vmId) =>
        _credentials is null ? null : await _credentials.FindAsync(context.L1.Host, vmId).ConfigureAwait(false);

    private async Task SaveAsync(BlueprintRun run)
    {
        _lastRuns[run.Blueprint] = run;
        await _store!.SaveRunAsync(run, CancellationToken.None).ConfigureAwait(false);
        RunChanged?.Invoke(run.Blueprint);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Dispose();
        }
    }

    /// <summary>Who applies what with which accounts, and the run's audit entry.</summary>
    private sealed record RunContext(Actor Actor, Blueprint Blueprint, BlueprintCredentials Credentials, long Entry);
}
