using System.Threading.Channels;
using StackExchange.Redis;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>
/// Keeps one of this instance's lists current with the shared database (the pending changes, the stored hosts): read again
/// when another instance announces a write on the list's Redis channel (the message is the writer's instance id), and every
/// lease time in case an announcement was lost (Redis down, a message missed).
/// </summary>
public abstract partial class SharedListRefresh(IConnectionMultiplexer redis, ClusterSettings settings, ILogger logger) : BackgroundService
{
    // At most one read waits: announcements arriving during a read are served by the next one.
    private readonly Channel<bool> _asked = System.Threading.Channels.Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>The cluster's settings.</summary>
    protected ClusterSettings Settings { get; } = settings;

    /// <summary>The list's channel, on which each instance announces its writes.</summary>
    protected abstract RedisChannel Channel { get; }

    /// <summary>What the list is, for the log ("Pending changes", "Stored hosts").</summary>
    protected abstract string What { get; }

    /// <summary>Tells the other instances that this one wrote the list. Best effort: they read it again within a lease time anyway.</summary>
    public static async Task AnnounceAsync(IConnectionMultiplexer redis, RedisChannel channel, ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(settings);
        try
        {
            await redis.GetSubscriber().PublishAsync(channel, settings.InstanceId).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis is lost: the others' periodic read brings the write.
        }
    }

    /// <summary>Reads the list again from the shared database.</summary>
    protected abstract Task ReloadAsync(CancellationToken cancellationToken);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var channel = Channel;
        var subscriber = redis.GetSubscriber();
        try
        {
            await subscriber.SubscribeAsync(channel, (_, from) =>
            {
                if (from != Settings.InstanceId)
                {
                    _asked.Writer.TryWrite(true);
                }
            }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The multiplexer subscribes again when Redis is back; until then the periodic read keeps the list current.
            LogNotSubscribed(logger, What, ex.Message);
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    wait.CancelAfter(Settings.LeaseTime);
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
                    await ReloadAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogNotRead(logger, ex, What);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{What}: the channel of the other instances' writes could not be subscribed ({Reason}); the list is read again every lease time")]
    private static partial void LogNotSubscribed(ILogger logger, string what, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{What}: the shared list could not be read again; this instance keeps the list it had")]
    private static partial void LogNotRead(ILogger logger, Exception error, string what);
}
