using System.Threading.Channels;
using NestedHvDashboard.Core.Operations;
using StackExchange.Redis;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>
/// Keeps this instance's list of pending changes current with the shared database: read again when another instance announces
/// a write on <c>nhv:pending</c>, and every lease time in case an announcement was lost (Redis down, a message missed).
/// </summary>
public sealed partial class PendingChangesRefresh(
    PendingNestedChanges pending, IConnectionMultiplexer redis, ClusterSettings settings, ILogger<PendingChangesRefresh> logger) : BackgroundService
{
    // At most one read waits: announcements arriving during a read are served by the next one.
    private readonly Channel<bool> _asked = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var channel = SharedPendingChangeStore.Channel(settings);
        var subscriber = redis.GetSubscriber();
        try
        {
            await subscriber.SubscribeAsync(channel, (_, from) =>
            {
                if (from != settings.InstanceId)
                {
                    _asked.Writer.TryWrite(true);
                }
            }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The multiplexer subscribes again when Redis is back; until then the periodic read keeps the list current.
            LogNotSubscribed(logger, ex.Message);
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    wait.CancelAfter(settings.LeaseTime);
                    try
                    {
                        await _asked.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                        _asked.Reader.TryRead(out _);
                    }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                    {
                        // A lease time without an announcement: read anyway.
                    }
                }

                try
                {
                    await pending.ReloadAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogNotRead(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The app is stopping.
        }
        finally
        {
            try
            {
                await subscriber.UnsubscribeAsync(channel).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Stopping anyway; the subscription ends with the connection.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pending changes: the channel of the other instances' writes could not be subscribed ({Reason}); the list is read again every lease time")]
    private static partial void LogNotSubscribed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pending changes: the shared list could not be read again; this instance keeps the list it had")]
    private static partial void LogNotRead(ILogger logger, Exception error);
}
