using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>
/// The planner when none is registered (AddBlueprintRunning adds the real one): every review says so, so nothing is applied
/// unreviewed. Registered with TryAdd, so the real planner wins whichever registration runs first.
/// </summary>
public sealed class UnavailableBlueprintPlanner : IBlueprintPlanner
{
    /// <summary>The problem every review carries.</summary>
    public const string Message = "Reviewing against the hosts is not available: this dashboard has no blueprint planner registered (AddBlueprintRunning).";

    /// <inheritdoc />
    public Task<BlueprintReview> ReviewAsync(Blueprint blueprint, CancellationToken cancellationToken = default) =>
        Task.FromResult(new BlueprintReview([new BlueprintProblem("(review)", Message)], []));
}

/// <summary>The runner when none is registered: nothing is applied, and there are no runs.</summary>
public sealed class UnavailableBlueprintRunner : IBlueprintRunner
{
    /// <inheritdoc />
    public event Action<string>? RunChanged
    {
        add { }
        remove { }
    }

    /// <inheritdoc />
    public Task<BlueprintChangeResult> ApplyAsync(Actor actor, Blueprint blueprint, BlueprintCredentials credentials, CancellationToken cancellationToken = default) =>
        Task.FromResult(new BlueprintChangeResult(false, "Applying blueprints is not available: this dashboard has no blueprint runner registered (AddBlueprintRunning).", []));

    /// <inheritdoc />
    public BlueprintRun? LastRun(string name) => null;
}
