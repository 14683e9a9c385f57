using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.PowerShell;

namespace NestedHvDashboard.Web.Tests.Hosts;

/// <summary>The live monitor with the real engine: a WinRM host watched from Linux is Unreachable, in the same words as the form.</summary>
public sealed class WinRmFromLinuxMonitorTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_WinRM_host_watched_from_Linux_is_marked_Unreachable_saying_to_use_SSH()
    {
        var feed = new InventoryStore(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(20) });
        await using var host = HyperVHostFactory.Create(new HostConnectionSettings { Name = "hv22", Address = "hv22.lab.example", Transport = HostTransport.WinRm });
        using var monitor = new InventoryMonitor(
            [new MonitoredHost(host, TimeSpan.FromSeconds(5))],
            feed,
            new InventoryMonitorOptions { PollInterval = TimeSpan.FromMilliseconds(50), ReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromMilliseconds(200) },
            NullLogger<InventoryMonitor>.Instance);
        await monitor.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.HoldsAsync(() => feed.GetSnapshot().Find("hv22")?.Status is { State: HostConnectionState.Unreachable }, Patience, "hv22 to be marked Unreachable");

            Assert.EndsWith("host unreachable: " + RemoteConnections.WinRmNeedsWindows, feed.GetSnapshot().Find("hv22")!.Status.LastError, StringComparison.Ordinal);
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None);
        }
    }
}
