using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Components;
using NestedHvDashboard.Web.Inventory;

namespace NestedHvDashboard.Web.Metrics;

/// <summary>Registration of the CPU and memory history behind the charts.</summary>
public static class MetricsServiceCollectionExtensions
{
    /// <summary>
    /// The <see cref="MetricHistory"/> (a registered one, e.g. a test's, wins) with its interval and window from
    /// <c>Inventory:History</c>, and the <see cref="MetricHistorySampler"/> that records the live inventory into it.
    /// Needs <see cref="InventoryServiceCollectionExtensions.AddInventoryFeed"/>.
    /// </summary>
    public static IServiceCollection AddMetricHistory(this IServiceCollection services)
    {
        services.AddDashboardClock();
        services.AddInventoryOptions();
        services.TryAddSingleton(sp => new MetricHistory(sp.GetRequiredService<IOptions<InventoryOptions>>().Value.History));
        services.AddHostedService<MetricHistorySampler>();
        return services;
    }
}
