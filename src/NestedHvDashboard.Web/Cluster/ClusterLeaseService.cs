namespace NestedHvDashboard.Web.Cluster;

/// <summary>
/// Runs <see cref="HostLeaseManager.TickAsync"/> about once a second (never less often than a renew interval) for the app's
/// lifetime; when the app stops, gives every lease back and leaves the membership at once, so the other instances take
/// the hosts over at their next tick instead of after the lease time. Registered after the inventory monitor, it stops
/// before it: the monitor's loops see their leases lost and stop watching without marking the hosts failed.
/// </summary>
public sealed partial class ClusterLeaseService(HostLeaseManager leases, ClusterSettings settings, ILogger<ClusterLeaseService> logger, TimeProvider? time = null) : BackgroundService
{
    /// <summary>How often the leases are looked after: a second, or the renew interval when shorter.</summary>
    public TimeSpan Interval { get; } = settings.RenewInterval < TimeSpan.FromSeconds(1) ? settings.RenewInterval : TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await leases.StopAsync();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time ?? TimeProvider.System);
        do
        {
            try
            {
                await leases.TickAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A round that failed is tried again at the next tick; the leases held are kept meanwhile.
                LogTickFailed(ex);
            }
        }
        while (await NextAsync(timer, stoppingToken));
    }

    private static async Task<bool> NextAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A round of the host leases failed; tried again at the next tick")]
    private partial void LogTickFailed(Exception error);
}
