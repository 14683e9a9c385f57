using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>
/// Opens a host's connection as soon as this instance knows it will take the host (<see cref="HostLeaseManager.Expected"/>:
/// its owner was counted out of the members and its lease is running out), not once the lease is taken. A takeover's
/// seconds after the lease are then the host's first read alone: at 200 hosts a survivor opened and read 26-37 hosts one
/// gate turn after another, 3-4 a second. A host this instance does not take after all keeps an idle open connection,
/// as a host handed back does. Errors are left to the watch, which opens again and reports its own.
/// </summary>
public sealed partial class ConnectAhead(HostLeaseManager leases, Func<string, IConnectAhead?> hosts, ILogger<ConnectAhead> logger) : BackgroundService
{
    /// <summary>Opens the hosts of <paramref name="directory"/> (those that can be: PowerShell hosts) ahead.</summary>
    [ActivatorUtilitiesConstructor]
    public ConnectAhead(HostLeaseManager leases, IHostLookup directory, ILogger<ConnectAhead> logger)
        : this(leases, name => directory.Find(name) as IConnectAhead, logger)
    {
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        void OnExpected(string host)
        {
            // On the lease tick's thread: the open runs on its own, the tick goes on.
            if (hosts(host) is { } ahead)
            {
                _ = OpenAsync(host, ahead, stoppingToken);
            }
        }

        leases.Expected += OnExpected;
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The app stops.
        }
        finally
        {
            leases.Expected -= OnExpected;
        }
    }

    private async Task OpenAsync(string host, IConnectAhead ahead, CancellationToken stoppingToken)
    {
        try
        {
            await ahead.ConnectAheadAsync(stoppingToken).ConfigureAwait(false);
            LogOpened(host);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The app stops.
        }
        catch (Exception ex) when (ex is HostOperationException or ObjectDisposedException)
        {
            // Removed meanwhile, or not answering: the watch, once the lease is taken, opens again and says why.
            LogNotOpened(host, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Host {Host} opened ahead of its takeover")]
    private partial void LogOpened(string host);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Host {Host} could not be opened ahead of its takeover: {Reason}")]
    private partial void LogNotOpened(string host, string reason);
}
