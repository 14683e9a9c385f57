using System.Collections.Concurrent;
using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>
/// The blueprints' one front door for the pages, the REST API and the hub: the store, the file formats, the planner's review,
/// the runner and drift. Saving and deleting need the Operator role and are audited (a refused one too, with why); apply is
/// checked here (role, a run going, guest credentials, the review's problems) before the runner is asked.
/// </summary>
public sealed class BlueprintService : IBlueprintService, IDisposable
{
    /// <summary>The audit trail's action for a save.</summary>
    public const string SaveAction = "Save blueprint";

    /// <summary>The audit trail's action for a delete.</summary>
    public const string DeleteAction = "Delete blueprint";

    /// <summary>The audit trail's action for an apply (a refused one is recorded here; the runner records the run's steps).</summary>
    public const string ApplyAction = "Apply blueprint";

    private readonly IBlueprintStore _store;
    private readonly IAuditTrail _audit;
    private readonly IBlueprintPlanner _planner;
    private readonly IBlueprintRunner _runner;
    private readonly BlueprintDriftMonitor _drift;
    private readonly ConcurrentDictionary<string, byte> _starting = new(StringComparer.OrdinalIgnoreCase);

    public BlueprintService(IBlueprintStore store, IAuditTrail audit, IBlueprintPlanner planner, IBlueprintRunner runner, BlueprintDriftMonitor drift)
    {
        (_store, _audit, _planner, _runner, _drift) = (store, audit, planner, runner, drift);
        _runner.RunChanged += OnRunChanged;
        _drift.Changed += OnDriftChanged;
    }

    /// <inheritdoc />
    public event Action<string>? RunChanged;

    /// <inheritdoc />
    public event Action? DriftChanged;

    /// <inheritdoc />
    public async Task<IReadOnlyList<BlueprintSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        var stored = await _store.ListAsync(cancellationToken);
        var summaries = new List<BlueprintSummary>();
        foreach (var (blueprint, updatedAt, updatedBy) in stored)
        {
            var run = _runner.LastRun(blueprint.Name) ?? await _store.LastRunAsync(blueprint.Name, cancellationToken);
            summaries.Add(new BlueprintSummary(blueprint.Name, blueprint.Description, blueprint.L1s.Count, blueprint.L1s.Sum(l => l.L2s.Count),
                updatedAt, updatedBy, run?.State, _drift.Drift(blueprint.Name).Count));
        }

        return summaries;
    }

    /// <inheritdoc />
    public async Task<Blueprint?> GetAsync(string name, CancellationToken cancellationToken = default) =>
        (await _store.GetAsync(name, cancellationToken))?.Blueprint;

    /// <inheritdoc />
    public BlueprintParseResult Parse(string text)
    {
        var read = BlueprintText.Parse(text);
        return new BlueprintParseResult(read.Blueprint, read.Format, read.Problems);
    }

    /// <inheritdoc />
    public string Export(Blueprint blueprint, BlueprintFormat format) => BlueprintText.Export(blueprint, format);

    /// <inheritdoc />
    public async Task<BlueprintChangeResult> SaveAsync(Actor actor, Blueprint blueprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(blueprint);
        var problems = BlueprintShape.Validate(blueprint);
        var name = blueprint.Name.Trim();
        var existing = problems.Count == 0 && actor.CanOperate ? await _store.GetAsync(name, cancellationToken) : null;
        var l2Count = blueprint.L1s.Sum(l => l.L2s.Count);
        var change = new AuditedChange<BlueprintChangeResult>(
            new AuditStart(actor, SaveAction, null, null, null, new { Name = name, L1s = blueprint.L1s.Count, L2s = l2Count }, existing is null ? "new" : $"replaces the one saved by {existing.UpdatedBy}"),
            $"Saving blueprint '{name}'",
            refusal => new BlueprintChangeResult(false, refusal, problems),
            result => new AuditCompletion(result.Succeeded ? AuditResults.Succeeded : AuditResults.Failed, result.Message))
        {
            NeededRole = DashboardRoles.Operator,
            Invalid = problems.Count == 0 ? null : $"Blueprint '{name}' was not saved: {Problems(problems)}",
        };
        var result = await _audit.ChangeAsync(change, async _ =>
        {
            try
            {
                await _store.SaveAsync(blueprint with { Name = name }, actor.Name, cancellationToken);
            }
            catch (Data.DatabaseSaveException ex)
            {
                return new BlueprintChangeResult(false, ex.Message, []);
            }

            return new BlueprintChangeResult(true, $"Blueprint '{name}' saved ({blueprint.L1s.Count} L1, {l2Count} L2 VMs){(existing is null ? "" : ", replacing the earlier one")}.", []);
        }, cancellationToken);
        _drift.Refresh();
        return result;
    }

    /// <inheritdoc />
    public async Task<BlueprintChangeResult> DeleteAsync(Actor actor, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        name = name?.Trim() ?? "";
        var existing = actor.CanOperate ? await _store.GetAsync(name, cancellationToken) : null;
        var going = existing is not null && _runner.LastRun(existing.Blueprint.Name) is { State: BlueprintRunState.Running };
        var change = new AuditedChange<BlueprintChangeResult>(
            new AuditStart(actor, DeleteAction, null, null, null, new { Name = name }),
            $"Deleting blueprint '{name}'",
            refusal => new BlueprintChangeResult(false, refusal, []),
            result => new AuditCompletion(result.Succeeded ? AuditResults.Succeeded : AuditResults.Failed, result.Message))
        {
            NeededRole = DashboardRoles.Operator,
            Invalid = existing is null ? $"There is no blueprint named '{name}'; nothing was deleted."
                : going ? $"Blueprint '{existing.Blueprint.Name}' is being applied; wait for the run to end, then delete it." : null,
        };
        var result = await _audit.ChangeAsync(change, async _ =>
        {
            try
            {
                await _store.DeleteAsync(name, cancellationToken);
            }
            catch (Data.DatabaseSaveException ex)
            {
                return new BlueprintChangeResult(false, ex.Message, []);
            }

            return new BlueprintChangeResult(true, $"Blueprint '{existing!.Blueprint.Name}' deleted; the lab it built is left as it is.", []);
        }, cancellationToken);
        _drift.Refresh();
        return result;
    }

    /// <inheritdoc />
    public Task<BlueprintReview> ReviewAsync(Blueprint blueprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        var problems = BlueprintShape.Validate(blueprint);
        return problems.Count > 0 ? Task.FromResult(new BlueprintReview(problems, [])) : _planner.ReviewAsync(blueprint, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<BlueprintChangeResult> ApplyAsync(Actor actor, string name, BlueprintCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        name = name?.Trim() ?? "";
        var start = new AuditStart(actor, ApplyAction, null, null, null, new { Name = name });
        if (!AuditedChanges.Has(actor, DashboardRoles.Operator))
        {
            return await RefuseAsync(start, AuditResults.Denied, actor.Refusal($"Applying blueprint '{name}'", DashboardRoles.Operator), [], cancellationToken);
        }

        if (!_starting.TryAdd(name, 0))
        {
            return await RefuseAsync(start, AuditResults.Refused, $"Blueprint '{name}' is being started already; follow its run.", [], cancellationToken);
        }

        try
        {
            if (await _store.GetAsync(name, cancellationToken) is not { } stored)
            {
                return await RefuseAsync(start, AuditResults.Refused, $"There is no blueprint named '{name}'; save it first.", [], cancellationToken);
            }

            var blueprint = stored.Blueprint;
            if (_runner.LastRun(blueprint.Name) is { State: BlueprintRunState.Running } running)
            {
                return await RefuseAsync(start, AuditResults.Refused,
                    $"Blueprint '{blueprint.Name}' is being applied already (started by {running.StartedBy} at {running.StartedAt:u}); follow that run.", [], cancellationToken);
            }

            if (credentials?.L1Guests is not { } l1 || string.IsNullOrWhiteSpace(l1.UserName) || string.IsNullOrEmpty(l1.Password)
                || (credentials.L2Guests is { } l2 && (string.IsNullOrWhiteSpace(l2.UserName) || string.IsNullOrEmpty(l2.Password))))
            {
                return await RefuseAsync(start, AuditResults.Refused,
                    $"Applying blueprint '{blueprint.Name}' needs the L1 guests' administrator user name and password (and the L2 guests', when they differ); nothing ran.", [], cancellationToken);
            }

            var review = await ReviewAsync(blueprint, cancellationToken);
            if (!review.CanApply)
            {
                return await RefuseAsync(start, AuditResults.Refused, $"Blueprint '{blueprint.Name}' cannot be applied as the hosts are now: {Problems(review.Problems)}", review.Problems, cancellationToken);
            }

            return await _runner.ApplyAsync(actor, blueprint, credentials, cancellationToken);
        }
        finally
        {
            _starting.TryRemove(name, out _);
        }
    }

    /// <inheritdoc />
    public BlueprintRun? LastRun(string name) => _runner.LastRun(name);

    /// <inheritdoc />
    public IReadOnlyList<BlueprintDrift> Drift(string name) => _drift.Drift(name);

    /// <inheritdoc />
    public IReadOnlyList<BlueprintDrift> AllDrift() => _drift.All();

    /// <inheritdoc />
    public IReadOnlyList<BlueprintDriftCheck> DriftChecks(string name) => _drift.Checks(name);

    /// <inheritdoc />
    public void Dispose()
    {
        _runner.RunChanged -= OnRunChanged;
        _drift.Changed -= OnDriftChanged;
    }

    private async Task<BlueprintChangeResult> RefuseAsync(AuditStart start, string result, string message, IReadOnlyList<BlueprintProblem> problems, CancellationToken cancellationToken)
    {
        await _audit.RecordAsync(start, new AuditCompletion(result, message), cancellationToken);
        return new BlueprintChangeResult(false, message, problems);
    }

    private static string Problems(IReadOnlyList<BlueprintProblem> problems) =>
        string.Join(" ", problems.Take(5).Select(p => p.ToString())) + (problems.Count > 5 ? $" (and {problems.Count - 5} more)" : "");

    private void OnRunChanged(string name) => RunChanged?.Invoke(name);

    private void OnDriftChanged() => DriftChanged?.Invoke();
}
