namespace NestedHvDashboard.Web.Blueprints;

/// <summary>
/// The drift the overview, the wall and the host page show, filtered to a host or a blueprint. Those pages render also
/// where blueprints are not set up (tests and tools that host them with only the inventory): then there is no drift.
/// </summary>
public static class BlueprintDriftSource
{
    /// <summary>The blueprint service when the app has one, else null.</summary>
    public static IBlueprintService? Of(IServiceProvider services) => services.GetService<IBlueprintService>();

    /// <summary>The drift of <paramref name="service"/>, of the L1s on <paramref name="host"/> and of <paramref name="blueprint"/> when given.</summary>
    public static IReadOnlyList<BlueprintDrift> Filter(IBlueprintService? service, string? host, string? blueprint)
    {
        if (service is null)
        {
            return [];
        }

        var drift = blueprint is null ? service.AllDrift() : service.Drift(blueprint);
        return [.. drift.Where(d => host is null || string.Equals(d.Host, host, StringComparison.OrdinalIgnoreCase))];
    }
}
