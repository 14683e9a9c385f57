using Microsoft.Extensions.DependencyInjection.Extensions;
using NestedHvDashboard.Web.Components;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>Registration of lab blueprints: the store, the facade, drift and the hub's pushes.</summary>
public static class BlueprintsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IBlueprintStore"/> (the database), <see cref="IBlueprintService"/>, <see cref="BlueprintDriftMonitor"/>
    /// (a hosted service; options from "Blueprints:Drift") and <see cref="BlueprintHubNotifier"/>. The planner and the runner
    /// come from AddBlueprintRunning; without it, stand-ins that refuse to review or apply.
    /// </summary>
    public static IServiceCollection AddBlueprints(this IServiceCollection services, IConfiguration? configuration = null)
    {
        services.AddDashboardClock();
        services.TryAddSingleton<IBlueprintStore, DatabaseBlueprintStore>();
        services.TryAddSingleton<IBlueprintPlanner, UnavailableBlueprintPlanner>();
        services.TryAddSingleton<IBlueprintRunner, UnavailableBlueprintRunner>();
        services.TryAddSingleton<BlueprintGuestDrift>();
        services.TryAddSingleton<BlueprintDriftMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<BlueprintDriftMonitor>());
        services.TryAddSingleton<BlueprintService>();
        services.TryAddSingleton<IBlueprintService>(sp => sp.GetRequiredService<BlueprintService>());
        services.AddHostedService<BlueprintHubNotifier>();
        var options = services.AddOptions<BlueprintDriftOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection("Blueprints:Drift"));
        }

        options.Validate(o => o.GuestInterval > TimeSpan.Zero, "Blueprints:Drift:GuestInterval must be longer than 0 (for example 00:01:00).").ValidateOnStart();
        return services;
    }
}
