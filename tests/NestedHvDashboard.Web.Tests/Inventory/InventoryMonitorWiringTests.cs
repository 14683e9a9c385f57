using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Inventory;

namespace NestedHvDashboard.Web.Tests.Inventory;

public sealed class InventoryMonitorWiringTests
{
    [Fact]
    public async Task AddInventoryMonitor_puts_every_host_of_the_directory_into_the_feed_and_starts_watching()
    {
        var builder = Host.CreateApplicationBuilder();
        // The simulated lab gives the directory its hosts (no host is configured here).
        builder.Configuration[HostDirectory.SimulatorEnabledSetting] = "true";
        builder.Logging.ClearProviders();
        builder.Services.AddInventoryMonitor();
        using var host = builder.Build();
        var feed = host.Services.GetRequiredService<IInventoryFeed>();
        var directory = host.Services.GetRequiredService<HostDirectory>();
        Assert.Empty(feed.GetSnapshot().Hosts);

        await host.StartAsync();
        try
        {
            Assert.Same(host.Services.GetRequiredService<InventoryStore>(), feed);
            Assert.Contains(host.Services.GetServices<IHostedService>(), s => s is InventoryMonitor);
            Assert.NotEmpty(directory.Settings);
            Assert.Equal(directory.Settings.Select(s => s.Name), feed.GetSnapshot().Hosts.Select(h => h.Name));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
