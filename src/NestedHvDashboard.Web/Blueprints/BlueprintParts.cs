using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>Where blueprints and their runs are kept (the dashboard's database).</summary>
public interface IBlueprintStore
{
    /// <summary>Every stored blueprint with who changed it last and when.</summary>
    Task<IReadOnlyList<StoredBlueprint>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>The stored blueprint <paramref name="name"/> (names compare case-insensitively), or null.</summary>
    Task<StoredBlueprint?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Adds or replaces a blueprint.</summary>
    Task SaveAsync(Blueprint blueprint, string changedBy, CancellationToken cancellationToken = default);

    /// <summary>Deletes a blueprint and its runs; false when there was none.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Adds or updates a run (its steps' progress included).</summary>
    Task SaveRunAsync(BlueprintRun run, CancellationToken cancellationToken = default);

    /// <summary>The last run of blueprint <paramref name="name"/>, or null.</summary>
    Task<BlueprintRun?> LastRunAsync(string name, CancellationToken cancellationToken = default);
}

/// <summary>A blueprint as stored.</summary>
public sealed record StoredBlueprint(Blueprint Blueprint, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>Checks a blueprint against the hosts as they are and lists every step with its commands.</summary>
public interface IBlueprintPlanner
{
    /// <summary>The problems that block applying <paramref name="blueprint"/> now, and its steps.</summary>
    Task<BlueprintReview> ReviewAsync(Blueprint blueprint, CancellationToken cancellationToken = default);
}

/// <summary>Runs a blueprint's steps in the background, audited, resuming an unfinished run.</summary>
public interface IBlueprintRunner
{
    /// <summary>Starts (or resumes) applying <paramref name="blueprint"/>; see <see cref="IBlueprintService.ApplyAsync"/>.</summary>
    Task<BlueprintChangeResult> ApplyAsync(Actor actor, Blueprint blueprint, BlueprintCredentials credentials, CancellationToken cancellationToken = default);

    /// <summary>The last run of blueprint <paramref name="name"/> (also after a restart), or null.</summary>
    BlueprintRun? LastRun(string name);

    /// <summary>Raised when a run's step changes; the argument is the blueprint's name.</summary>
    event Action<string>? RunChanged;
}
