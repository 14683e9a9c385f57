using Microsoft.Extensions.DependencyInjection.Extensions;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Inventory;

/// <summary>Registration of the live inventory: store and feed, monitor, hub.</summary>
public static class InventoryServiceCollectionExtensions
{
    /// <summary>
    /// The inventory store and <see cref="IInventoryFeed"/> (a feed registered earlier, e.g. a
    /// test's fake, wins). Options come from the <c>Inventory:Feed</c> section.
    /// </summary>
    public static IServiceCollection AddInventoryFeed(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new InventoryStore(
            sp.GetService<IConfiguration>()?.GetSection("Inventory:Feed").Get<InventoryFeedOptions>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IInventoryFeed>(sp => sp.GetRequiredService<InventoryStore>());
        return services;
    }

    /// <summary>
    /// The feed plus the monitor that keeps it current, one loop per host of the
    /// <see cref="HostDirectory"/>. Options come from the <c>Inventory:Monitor</c> section
    /// (e.g. <c>PollInterval</c>, default 2 s).
    /// </summary>
    public static IServiceCollection AddInventoryMonitor(this IServiceCollection services)
    {
        services.AddInventoryFeed();
        services.TryAddSingleton<HostDirectory>();
        services.TryAddSingleton(sp =>
            sp.GetService<IConfiguration>()?.GetSection("Inventory:Monitor").Get<InventoryMonitorOptions>() ?? new InventoryMonitorOptions());
        services.AddHostedService(sp =>
        {
            var directory = sp.GetRequiredService<HostDirectory>();
            return new InventoryMonitor(
                directory.Settings.Select(s => new MonitoredHost(directory[s.Name], s.Timeout)),
                sp.GetRequiredService<InventoryStore>(),
                sp.GetRequiredService<InventoryMonitorOptions>(),
                sp.GetRequiredService<ILogger<InventoryMonitor>>(),
                sp.GetService<IHostInventoryWatch>(),
                sp.GetRequiredService<TimeProvider>());
        });
        return services;
    }

    /// <summary>SignalR with the JSON and MessagePack protocols, for <see cref="MapInventoryHub"/>.</summary>
    public static IServiceCollection AddInventoryHub(this IServiceCollection services)
    {
        services.AddSignalR().AddMessagePackProtocol();
        return services;
    }

    /// <summary>Maps <see cref="InventoryHub"/> at <see cref="InventoryHub.Path"/>; needs an <see cref="IInventoryFeed"/> and <see cref="AddInventoryHub"/>.</summary>
    public static HubEndpointConventionBuilder MapInventoryHub(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHub<InventoryHub>(InventoryHub.Path);
}
