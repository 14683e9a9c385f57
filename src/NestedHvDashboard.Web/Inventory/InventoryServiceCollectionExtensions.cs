using Microsoft.Extensions.DependencyInjection.Extensions;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.PowerShell;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Inventory;

/// <summary>Registration of the live inventory: store and feed, monitor, hub.</summary>
public static class InventoryServiceCollectionExtensions
{
    /// <summary>
    /// The inventory store and <see cref="IInventoryFeed"/> (a feed registered earlier, e.g. a
    /// test's fake, wins), and the <see cref="SharedInventory"/> every page reads. Options come from the <c>Inventory:Feed</c> section.
    /// </summary>
    public static IServiceCollection AddInventoryFeed(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new InventoryStore(
            sp.GetService<IConfiguration>()?.GetSection("Inventory:Feed").Get<InventoryFeedOptions>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IInventoryFeed>(sp => sp.GetRequiredService<InventoryStore>());
        services.TryAddSingleton<SharedInventory>();
        return services;
    }

    /// <summary>
    /// The feed plus the monitor that keeps it current, one loop per host of the
    /// <see cref="HostDirectory"/>; the monitor is a singleton the directory tells about hosts
    /// added, changed or removed at runtime. Options come from the <c>Inventory:Monitor</c> section
    /// (e.g. <c>PollInterval</c>, default 2 s). PowerShell hosts are watched host-side (a pipeline
    /// on the host sends only what changed, fast fields every <c>PollInterval</c>, configuration every
    /// <c>ConfigInterval</c>, CPU and uptime every <c>MetricsInterval</c>; it holds one of the host's
    /// connections, so such hosts need <c>MaxConcurrency</c> ≥ 2, the default being 4); other
    /// hosts, and hosts that refuse the host-side watch, are polled. A registered
    /// <see cref="IHostInventoryWatch"/> (e.g. a test's fake) wins.
    /// </summary>
    public static IServiceCollection AddInventoryMonitor(this IServiceCollection services)
    {
        services.AddInventoryFeed();
        services.TryAddSingleton(sp =>
            sp.GetService<IConfiguration>()?.GetSection("Inventory:Monitor").Get<InventoryMonitorOptions>() ?? new InventoryMonitorOptions());
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<InventoryMonitorOptions>();
            var time = sp.GetRequiredService<TimeProvider>();
            var watch = sp.GetService<IHostInventoryWatch>() ?? new HostSideFirstInventoryWatch(
                new HostSideInventoryWatch(options.PollInterval, options.ConfigInterval, options.MetricsInterval),
                new PollingInventoryWatch(options.PollInterval, time));
            return new InventoryMonitor([], sp.GetRequiredService<InventoryStore>(), options, sp.GetRequiredService<ILogger<InventoryMonitor>>(), watch, time);
        });
        services.TryAddSingleton<HostDirectory>();

        // The directory hands its hosts to the monitor when it is made: make it before the monitor starts.
        services.AddHostedService(sp =>
        {
            sp.GetRequiredService<HostDirectory>();
            return sp.GetRequiredService<InventoryMonitor>();
        });
        return services;
    }

    /// <summary>
    /// SignalR with the JSON and MessagePack protocols, both writing enums as their names (<see cref="InventoryHubProtocols"/>),
    /// for <see cref="MapInventoryHub"/>; the hub's limits
    /// (<see cref="InventoryHubOptions"/>) come from the <c>Inventory:Hub</c> section.
    /// </summary>
    public static IServiceCollection AddInventoryHub(this IServiceCollection services)
    {
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetService<IConfiguration>()?.GetSection("Inventory:Hub").Get<InventoryHubOptions>() ?? new InventoryHubOptions();
            return options.MaxStreamsPerConnection >= 1 ? options : throw new InvalidOperationException(
                $"Inventory:Hub:MaxStreamsPerConnection must be at least 1; it is {options.MaxStreamsPerConnection}.");
        });
        services.AddSignalR().AddJsonProtocol(InventoryHubProtocols.Json).AddMessagePackProtocol(InventoryHubProtocols.MessagePack);
        return services;
    }

    /// <summary>Maps <see cref="InventoryHub"/> at <see cref="InventoryHub.Path"/>; needs an <see cref="IInventoryFeed"/> and <see cref="AddInventoryHub"/>.</summary>
    public static HubEndpointConventionBuilder MapInventoryHub(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHub<InventoryHub>(InventoryHub.Path).RequireAuthorization(Access.DashboardPolicies.View);
}
