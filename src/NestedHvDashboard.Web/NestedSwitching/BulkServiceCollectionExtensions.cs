using Microsoft.Extensions.DependencyInjection.Extensions;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.NestedSwitching;

/// <summary>Registration of the bulk nested switch and the activity log it writes to.</summary>
public static class BulkServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="ActivityLog"/>, <see cref="BulkNestedVirtualization"/> (at most <c>Bulk:MaxPerHost</c> VMs at once per
    /// host, default 2) and <see cref="BulkNestedSwitch"/>, as singletons. Adds <see cref="OperationsServiceCollectionExtensions.AddNestedVirtualizationOperations"/> too.
    /// </summary>
    public static IServiceCollection AddBulkNestedSwitch(this IServiceCollection services)
    {
        services.AddNestedVirtualizationOperations();
        services.TryAddSingleton<Audit.AuditQuery>();
        services.TryAddSingleton<ActivityLog>();
        services.TryAddSingleton(sp =>
        {
            var maxPerHost = sp.GetService<IConfiguration>()?.GetValue<int?>("Bulk:MaxPerHost") ?? BulkNestedVirtualization.DefaultMaxPerHost;
            var lookup = sp.GetRequiredService<IHostLookup>();
            return new BulkNestedVirtualization(sp.GetRequiredService<NestedVirtualizationOperations>(), lookup.Find, maxPerHost);
        });
        services.TryAddSingleton<BulkNestedSwitch>();
        return services;
    }
}
