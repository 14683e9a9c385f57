using Microsoft.Extensions.DependencyInjection.Extensions;
using NestedHvDashboard.Web.Components;
using NestedHvDashboard.Web.Networking;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>Registration of the blueprint planner and runner.</summary>
public static class BlueprintRunningServiceCollectionExtensions
{
    /// <summary>
    /// Adds the planner (<see cref="IBlueprintPlanner"/>) and the runner (<see cref="IBlueprintRunner"/>, one singleton that is
    /// also the hosted service marking runs the app stopped during as Interrupted), with the operations and guest tools they use.
    /// The blueprint store (<see cref="IBlueprintStore"/>) is registered by the blueprint engine; without one every apply is refused.
    /// </summary>
    public static IServiceCollection AddBlueprintRunning(this IServiceCollection services)
    {
        services.AddNestedNetworking();
        services.AddDashboardClock();
        services.TryAddSingleton<IBlueprintPlanner, BlueprintPlanner>();
        services.TryAddSingleton<BlueprintRunner>();
        services.TryAddSingleton<IBlueprintRunner>(sp => sp.GetRequiredService<BlueprintRunner>());
        services.AddHostedService(sp => sp.GetRequiredService<BlueprintRunner>());
        return services;
    }
}
