using Microsoft.Extensions.DependencyInjection.Extensions;

namespace NestedHvDashboard.Web.Components;

/// <summary>The app's one clock registration.</summary>
public static class ClockServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="TimeProvider.System"/> as the app's <see cref="TimeProvider"/>, unless one was registered earlier (a test's
    /// fake clock wins). The only place the clock is registered: each feature registration that needs a clock calls this,
    /// so a test host that registers only that feature still has one.
    /// </summary>
    public static IServiceCollection AddDashboardClock(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
