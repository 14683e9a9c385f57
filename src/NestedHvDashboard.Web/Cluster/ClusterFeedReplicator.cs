using System.Threading.Channels;
using MessagePack;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;
using StackExchange.Redis;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>
/// Cluster mode's feed: every instance's <see cref="InventoryStore"/> holds every host live, though only a host's owner watches
/// it. As owner, this instance publishes on Redis (channel <c>&lt;prefix&gt;:feed</c>) what its store says of the hosts it
/// owns: changes, metrics at their own rate, and a host's full state when it takes the host over or is asked. As another
/// instance, it applies what the owners publish to its own store (see <c>ClusterFeedReplicator.Apply.cs</c>), so pages, the
/// hub and the pending changes see it like a local change. A VM a change wrote here for a host owned elsewhere is published
/// for every instance to write at once. While Redis is lost, publishing and applying stop quietly (one warning) and the hosts
/// owned here stay live here; when it is back, every instance pushes its hosts' states and asks for the others'.
/// </summary>
public sealed partial class ClusterFeedReplicator : BackgroundService
{
    /// <summary>How long a request of every host's state waits to come back (which says this instance's subscription is live) before it is sent again.</summary>
    internal static readonly TimeSpan EchoWait = TimeSpan.FromSeconds(1);

    /// <summary>The least time between two requests of one host's state (after a gap), and how often dead owners are looked for.</summary>
    internal static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The owner's store hands this feed its changes at most this often (the pages' batch interval is 100 ms): another
    /// instance's pages, which batch again, see a change about as soon as the owner's pages do.
    /// </summary>
    internal static readonly TimeSpan ForwardBatchInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>How often the owner says when it last read those of its hosts whose read time moved.</summary>
    internal static readonly TimeSpan ReadsInterval = TimeSpan.FromSeconds(1);

    private readonly ClusterSettings _settings;
    private readonly IConnectionMultiplexer _redis;
    private readonly InventoryStore _store;
    private readonly IHostOwnershipView _ownership;
    private readonly IClusterMembership? _membership;
    private readonly Action<string, VmSnapshot>? _nudgeOwnerWatch;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RedisChannel _channel;
    private readonly Channel<Outgoing> _outbox = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<bool> _resyncs = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    // The send loop's own: per host, the fence it last sent under and the last sequence number.
    private readonly Dictionary<string, (long Fence, long Sequence)> _sent = new(StringComparer.OrdinalIgnoreCase);

    // The reads loop's own: per host owned here, the fence and read time it last announced.
    private readonly Dictionary<string, (long Fence, DateTimeOffset ReadAt)> _announced = new(StringComparer.OrdinalIgnoreCase);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _requestNumber;
    private TaskCompletionSource? _echo;
    private long _echoNumber;
    private int _redisLost;
    private long _publishedMessages;
    private long _publishedBytes;

    /// <param name="settings">The cluster's settings: this instance's id and the key prefix.</param>
    /// <param name="redis">The cluster's Redis connection.</param>
    /// <param name="store">This instance's store.</param>
    /// <param name="ownership">Which hosts this instance owns.</param>
    /// <param name="membership">The instances alive (to name an owner that stopped); null when not known.</param>
    /// <param name="logger">Where the warnings go.</param>
    /// <param name="nudgeOwnerWatch">
    /// Called with a VM written by another instance on a host owned here: the host's watch takes its configuration at its
    /// next cycle instead of its slow configuration read.
    /// </param>
    /// <param name="timeProvider">The clock.</param>
    public ClusterFeedReplicator(
        ClusterSettings settings,
        IConnectionMultiplexer redis,
        InventoryStore store,
        IHostOwnershipView ownership,
        IClusterMembership? membership,
        ILogger<ClusterFeedReplicator> logger,
        Action<string, VmSnapshot>? nudgeOwnerWatch = null,
        TimeProvider? timeProvider = null)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _redis = redis ?? throw new ArgumentNullException(nameof(redis));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _ownership = ownership ?? throw new ArgumentNullException(nameof(ownership));
        _membership = membership;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _nudgeOwnerWatch = nudgeOwnerWatch;
        _time = timeProvider ?? TimeProvider.System;
        _channel = RedisChannel.Literal(settings.Key("feed"));
    }

    /// <summary>How many messages this instance published (for the benchmark's bytes per change).</summary>
    public long PublishedMessages => Interlocked.Read(ref _publishedMessages);

    /// <summary>How many bytes this instance's messages held.</summary>
    public long PublishedBytes => Interlocked.Read(ref _publishedBytes);

    /// <summary>Completes once this instance hears the feed: its first request of every host's state came back through Redis.</summary>
    public Task Ready => _ready.Task;

    private string Me => _settings.InstanceId;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _store.VmWritten += OnVmWritten;
        _ownership.Acquired += OnAcquired;
        _redis.ConnectionFailed += OnConnectionFailed;
        _redis.ConnectionRestored += OnConnectionRestored;
        try
        {
            var queue = await SubscribeAsync(stoppingToken);
            _resyncs.Writer.TryWrite(true);
            await Task.WhenAll(
                ForwardLocalChangesAsync(stoppingToken),
                SendAsync(stoppingToken),
                ReceiveAsync(queue, stoppingToken),
                ResyncAsync(stoppingToken),
                WatchOwnersAsync(stoppingToken),
                AnnounceReadsAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The app stops.
        }
        finally
        {
            _store.VmWritten -= OnVmWritten;
            _ownership.Acquired -= OnAcquired;
            _redis.ConnectionFailed -= OnConnectionFailed;
            _redis.ConnectionRestored -= OnConnectionRestored;
        }
    }

    private async Task<ChannelMessageQueue> SubscribeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await _redis.GetSubscriber().SubscribeAsync(_channel);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                WarnRedisLost(ex);
                await Task.Delay(RecheckInterval, _time, cancellationToken);
            }
        }
    }

    // What this instance's own store says of the hosts it owns, as its subscribers get it (changes batched, metrics at their rate).
    private async Task ForwardLocalChangesAsync(CancellationToken cancellationToken)
    {
        var subscription = _store.SubscribeForReplication(ForwardBatchInterval);
        await using (subscription)
        {
            await foreach (var batch in subscription.ReadBatchesAsync(cancellationToken))
            {
                if (batch.Resync is { } snapshot)
                {
                    foreach (var host in snapshot.Hosts)
                    {
                        Post(new Outgoing(FeedMessageKind.State, host.Name));
                    }

                    continue;
                }

                foreach (var changes in batch.Changes.GroupBy(c => c.Host, StringComparer.OrdinalIgnoreCase))
                {
                    Post(new Outgoing(FeedMessageKind.Changes, changes.Key, Changes: [.. changes.Select(FeedChange.Of)]));
                }

                foreach (var metrics in batch.MetricUpdates)
                {
                    Post(new Outgoing(FeedMessageKind.Metrics, metrics.Host, Metrics: [.. metrics.Vms.Select(FeedMetric.Of)]));
                }
            }
        }
    }

    // Only what this instance owns goes out (checked again when sent); a written VM and a request go out always.
    private void Post(Outgoing item)
    {
        if (item.Host is null || item.Kind is FeedMessageKind.VmWritten or FeedMessageKind.StateRequest || IsRemoval(item) || _ownership.Owns(item.Host, out _))
        {
            _outbox.Writer.TryWrite(item);
        }
    }

    // One loop sends everything, so a host's messages leave in the order of their sequence numbers.
    private async Task SendAsync(CancellationToken cancellationToken)
    {
        await foreach (var item in _outbox.Reader.ReadAllAsync(cancellationToken))
        {
            if (Compose(item) is { } message)
            {
                await PublishAsync(message);
            }
        }
    }

    private FeedMessage? Compose(Outgoing item)
    {
        switch (item.Kind)
        {
            case FeedMessageKind.VmWritten:
                return new FeedMessage(FeedMessageKind.VmWritten, Me, item.Host, 0, 0, Vm: item.Vm);
            case FeedMessageKind.StateRequest:
                return new FeedMessage(FeedMessageKind.StateRequest, Me, item.Host, 0, item.Number);
            case FeedMessageKind.Reads:
                // Each under the fence it was read under: another instance takes a time only from the owner it follows. Each
                // with the number of the last message sent about the host, composed here in the order they go out.
                return new FeedMessage(
                    FeedMessageKind.Reads,
                    Me,
                    null,
                    0,
                    0,
                    Reads: [.. (item.Reads ?? []).Select(read => _sent.TryGetValue(read.Host, out var sent) && sent.Fence == read.Fence ? read with { Sequence = sent.Sequence } : read)]);
        }

        var host = item.Host!;
        if (!_ownership.Owns(host, out var fence))
        {
            // A host removed from the dashboard: its watch, and so its lease, ended just before the store dropped it. Its
            // last owner still says so under its last fence (a newer owner's fence makes the others drop it).
            if (!IsRemoval(item) || !_sent.TryGetValue(host, out var last))
            {
                return null;
            }

            fence = last.Fence;
        }

        // A new lease starts its own numbering; a number is used even when Redis is lost, so the others see the gap.
        var sequence = _sent.TryGetValue(host, out var sent) && sent.Fence == fence ? sent.Sequence + 1 : 1;
        _sent[host] = (fence, sequence);
        if (item.Kind == FeedMessageKind.State)
        {
            var state = _store.GetSnapshot(host).Find(host);
            return state is null ? null : new FeedMessage(FeedMessageKind.State, Me, state.Name, fence, sequence, State: state);
        }

        return new FeedMessage(item.Kind, Me, host, fence, sequence, item.Changes, item.Metrics, ReadAt: _store.ReadAtOf(host));
    }

    private static bool IsRemoval(Outgoing item) =>
        item is { Kind: FeedMessageKind.Changes, Changes: { Count: > 0 } changes } && changes.All(c => c.Kind == InventoryChangeKind.HostRemoved);

    private async Task PublishAsync(FeedMessage message)
    {
        if (!_redis.IsConnected)
        {
            WarnRedisLost(null);
            return;
        }

        byte[] bytes;
        try
        {
            bytes = FeedMessages.Serialize(message);
        }
        catch (MessagePackSerializationException ex)
        {
            LogUnsent(ex, message.Kind, message.Host);
            return;
        }

        try
        {
            // Sent in order on the one connection without waiting for each answer: a lost Redis is seen by its events.
            await _redis.GetSubscriber().PublishAsync(_channel, bytes, CommandFlags.FireAndForget);
            Interlocked.Increment(ref _publishedMessages);
            Interlocked.Add(ref _publishedBytes, bytes.Length);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            WarnRedisLost(ex);
        }
    }

    // At start and whenever Redis is back: ask every owner for its hosts until the request comes back (then this instance
    // hears the answers), and push the state of the hosts owned here to the others.
    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        await foreach (var _ in _resyncs.Reader.ReadAllAsync(cancellationToken))
        {
            while (true)
            {
                var echo = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var number = Interlocked.Increment(ref _requestNumber);
                lock (_tracksGate)
                {
                    _echo = echo;
                    _echoNumber = number;
                }

                if (_redis.IsConnected)
                {
                    Post(new Outgoing(FeedMessageKind.StateRequest, null, Number: number));
                }

                try
                {
                    await echo.Task.WaitAsync(EchoWait, _time, cancellationToken);
                    break;
                }
                catch (TimeoutException)
                {
                    // Not back yet: the subscription is not live again, or Redis is still lost. Ask again.
                }
            }

            _ready.TrySetResult();
            PostOwnedStates(null);
        }
    }

    private void PostOwnedStates(string? host)
    {
        foreach (var state in _store.GetSnapshot(host).Hosts)
        {
            Post(new Outgoing(FeedMessageKind.State, state.Name));
        }
    }

    private void OnVmWritten(string host, VmSnapshot vm)
    {
        // The owner's own feed carries what a change wrote on the owner.
        if (!_ownership.Owns(host, out _))
        {
            Post(new Outgoing(FeedMessageKind.VmWritten, host, Vm: vm));
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e) => WarnRedisLost(e.Exception);

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (Interlocked.Exchange(ref _redisLost, 0) == 1)
        {
            LogRedisBack(_settings.Key("feed"));
        }

        _resyncs.Writer.TryWrite(true);
    }

    private void WarnRedisLost(Exception? error)
    {
        if (Interlocked.Exchange(ref _redisLost, 1) == 0)
        {
            LogRedisLost(error, _settings.Key("feed"));
        }
    }

    [LoggerMessage(EventId = 7601, Level = LogLevel.Warning, Message = "Cluster feed: Redis is lost; the feed ({Channel}) pauses, this instance goes on watching its own hosts and resynchronizes when Redis is back")]
    private partial void LogRedisLost(Exception? error, string channel);

    [LoggerMessage(EventId = 7604, Level = LogLevel.Error, Message = "Cluster feed: a {Kind} message about host {Host} could not be written and was not sent")]
    private partial void LogUnsent(Exception error, FeedMessageKind kind, string? host);

    [LoggerMessage(EventId = 7602, Level = LogLevel.Information, Message = "Cluster feed: Redis is back; resynchronizing every host through {Channel}")]
    private partial void LogRedisBack(string channel);

    /// <summary>Something to send, given its fence and sequence number by the send loop.</summary>
    private sealed record Outgoing(
        FeedMessageKind Kind,
        string? Host,
        IReadOnlyList<FeedChange>? Changes = null,
        IReadOnlyList<FeedMetric>? Metrics = null,
        VmSnapshot? Vm = null,
        long Number = 0,
        IReadOnlyList<FeedRead>? Reads = null);
}
