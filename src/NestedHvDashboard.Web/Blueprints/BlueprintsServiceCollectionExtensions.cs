using Microsoft.Extensions.DependencyInjection.Extensions;
using NestedHvDashboard.Web.Components;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>Registration of lab blueprints: the store, the facade, drift and the hub's pushes.</summary>
public static class BlueprintsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IBlueprintStore"/> (the database), <see cref="IBlueprintService"/>, <see cref="BlueprintDriftMonitor"/>
    /// (a hosted service; options from "Blueprints:Drift"), <see cref="BlueprintHubNotifier"/>, and the planner and the runner
    /// (<see cref="BlueprintRunningServiceCollectionExtensions.AddBlueprintRunning"/>).
    /// </summary>
    public static IServiceCollection AddBlueprints(this IServiceCollection services, IConfiguration? configuration = null)
    {
        services.AddDashboardClock();
        services.TryAddSingleton<IBlueprintStore, DatabaseBlueprintStore>();
        services.AddBlueprintRunning();
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
