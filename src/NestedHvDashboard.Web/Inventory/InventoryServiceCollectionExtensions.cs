using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.PowerShell;
using NestedHvDashboard.Web.Components;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Metrics;

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
        services.AddDashboardClock();
        services.AddInventoryOptions();
        services.TryAddSingleton(sp => new InventoryStore(
            sp.GetRequiredService<IOptions<InventoryOptions>>().Value.Feed,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IInventoryFeed>(sp => sp.GetRequiredService<InventoryStore>());
        services.TryAddSingleton<SharedInventory>();
        services.TryAddScoped<CircuitConnection>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, CircuitConnectionHandler>());
        return services;
    }

    /// <summary>
    /// The feed plus the monitor that keeps it current, one loop per host of the
    /// <see cref="HostDirectory"/> (<see cref="HostConnectionsServiceCollectionExtensions.AddHostDirectory"/>): the monitor
    /// subscribes to the directory's <see cref="IHostLifetimePublisher"/>, which tells it every host there is and every host
    /// added, changed or removed at runtime. Options come from the <c>Inventory:Monitor</c> section
    /// (e.g. <c>PollInterval</c>, default 2 s). PowerShell hosts are watched host-side (a pipeline
    /// on the host sends only what changed, fast fields every <c>PollInterval</c>, configuration every
    /// <c>ConfigInterval</c>, CPU and uptime every <c>MetricsInterval</c>; it holds one of the host's
    /// connections, so such hosts need <c>MaxConcurrency</c> ≥ 2, the default being 4); other
    /// hosts, and hosts that refuse the host-side watch, are polled. A registered
    /// <see cref="IHostInventoryWatch"/> (e.g. a test's fake) wins. Also the CPU and memory history the charts draw
    /// (<see cref="MetricsServiceCollectionExtensions.AddMetricHistory"/>).
    /// </summary>
    public static IServiceCollection AddInventoryMonitor(this IServiceCollection services)
    {
        services.AddInventoryFeed();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<InventoryOptions>>().Value.Monitor);
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<InventoryMonitorOptions>();
            var time = sp.GetRequiredService<TimeProvider>();
            var watch = sp.GetService<IHostInventoryWatch>() ?? new HostSideFirstInventoryWatch(
                new HostSideInventoryWatch(options.PollInterval, options.ConfigInterval, options.MetricsInterval)
                {
                    FastReadReported = (host, read) => WatchFastReadLog.Report(sp.GetRequiredService<ILogger<HostSideInventoryWatch>>(), host, read),
                },
                new PollingInventoryWatch(options.PollInterval, time));
            // In a cluster each host is watched only by the instance holding its lease; a single instance owns them all.
            var ownership = sp.GetService<IHostOwnership>() ?? AlwaysOwned.Instance;
            var monitor = new InventoryMonitor([], sp.GetRequiredService<InventoryStore>(), options, sp.GetRequiredService<ILogger<InventoryMonitor>>(), watch, time, ownership);

            // Told every host there is now, then each one added, replaced or removed; for the app's lifetime.
            sp.GetRequiredService<IHostLifetimePublisher>().Subscribe(monitor);
            return monitor;
        });
        services.AddHostDirectory();
        services.AddHostedService(sp => sp.GetRequiredService<InventoryMonitor>());
        services.AddMetricHistory();
        return services;
    }

    /// <summary>
    /// SignalR with the JSON and MessagePack protocols, both writing enums as their names (<see cref="InventoryHubProtocols"/>),
    /// for <see cref="MapInventoryHub"/>; the hub's limits
    /// (<see cref="InventoryHubOptions"/>) come from the <c>Inventory:Hub</c> section.
    /// </summary>
    public static IServiceCollection AddInventoryHub(this IServiceCollection services)
    {
        services.AddInventoryOptions();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<InventoryOptions>>().Value.Hub);
        services.AddSignalR().AddJsonProtocol(InventoryHubProtocols.Json).AddMessagePackProtocol(InventoryHubProtocols.MessagePack);
        return services;
    }

    /// <summary>
    /// <see cref="InventoryOptions"/> bound from <c>Inventory</c> and validated at start-up, every problem listed at once
    /// (<see cref="ValidateInventoryOptions"/>). Needs the app's <see cref="IConfiguration"/>.
    /// </summary>
    public static IServiceCollection AddInventoryOptions(this IServiceCollection services)
    {
        services.AddOptions<InventoryOptions>().BindConfiguration(InventoryOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InventoryOptions>, ValidateInventoryOptions>());
        return services;
    }

    /// <summary>Maps <see cref="InventoryHub"/> at <see cref="InventoryHub.Path"/>; needs an <see cref="IInventoryFeed"/> and <see cref="AddInventoryHub"/>.</summary>
    public static HubEndpointConventionBuilder MapInventoryHub(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHub<InventoryHub>(InventoryHub.Path).RequireAuthorization(Access.DashboardPolicies.View);
}
