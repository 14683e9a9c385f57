using NestedHvDashboard.Web.Blueprints;

namespace NestedHvDashboard.Web.Inventory;

/// <summary>
/// Lab blueprints on the hub, read-only (changes go through the pages or the REST API): the list, a run, drift. The server
/// pushes <c>BlueprintRunChanged</c> (name, run) and <c>BlueprintDriftChanged</c> (every drift) as they change (<see cref="BlueprintHubNotifier"/>).
/// </summary>
public sealed partial class InventoryHub
{
    /// <summary>The stored blueprints with their last run's state and drift count.</summary>
    public Task<IReadOnlyList<BlueprintSummary>> GetBlueprints(IBlueprintService blueprints)
    {
        ArgumentNullException.ThrowIfNull(blueprints);
        return blueprints.ListAsync(Context.ConnectionAborted);
    }

    /// <summary>Blueprint <paramref name="name"/>'s last run (going or ended), or null.</summary>
    public BlueprintRun? GetBlueprintRun(string name, IBlueprintService blueprints)
    {
        ArgumentNullException.ThrowIfNull(blueprints);
        return blueprints.LastRun(name);
    }

    /// <summary>Blueprint <paramref name="name"/>'s drift, or every applied blueprint's when <paramref name="name"/> is null or empty.</summary>
    public IReadOnlyList<BlueprintDrift> GetBlueprintDrift(string? name, IBlueprintService blueprints)
    {
        ArgumentNullException.ThrowIfNull(blueprints);
        return string.IsNullOrWhiteSpace(name) ? blueprints.AllDrift() : blueprints.Drift(name);
    }
}
