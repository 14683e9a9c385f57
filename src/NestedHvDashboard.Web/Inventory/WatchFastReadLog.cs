using NestedHvDashboard.PowerShell;

namespace NestedHvDashboard.Web.Inventory;

/// <summary>
/// The log lines of the host-side watch's fast read: a host whose watch reads its VMs with Get-VM (the summary call is
/// missing or failed) is worth a warning, as on a real host with hundreds of VMs that costs seconds every cycle.
/// </summary>
internal static partial class WatchFastReadLog
{
    /// <summary>Logs what the watch of <paramref name="host"/> said about its fast read.</summary>
    public static void Report(ILogger logger, string host, WatchFastRead read)
    {
        if (read.Method == WatchFastReadMethod.SummaryInformation)
        {
            Summary(logger, host);
        }
        else
        {
            GetVm(logger, host, read.Reason ?? "no reason given");
        }
    }

    [LoggerMessage(EventId = 7340, Level = LogLevel.Debug, Message = "Host {Host}: the watch reads every VM's state, CPU, uptime and memory in one GetSummaryInformation call per cycle")]
    private static partial void Summary(ILogger logger, string host);

    [LoggerMessage(EventId = 7341, Level = LogLevel.Warning, Message = "Host {Host}: the watch reads its VMs' state, CPU, uptime and memory with Get-VM every cycle, which a big host answers slowly: {Reason}")]
    private static partial void GetVm(ILogger logger, string host, string reason);
}
