using MessagePack;
using NestedHvDashboard.Core.Inventory;
using StackExchange.Redis;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>
/// The feed as another instance applies it: what a host's owner publishes goes into this instance's store, in order. A message
/// from a stale owner (a lower fence than the one applied for the host) is dropped; a missed message (a gap in the host's
/// sequence) or changes before the host's first full state make this instance ask for the host's full state, applied as a
/// full resync. A host whose owner is no longer alive shows as Connecting, naming the instance, until the new owner's state.
/// </summary>
public sealed partial class ClusterFeedReplicator
{
    private readonly Lock _tracksGate = new();
    private readonly Dictionary<string, HostTrack> _tracks = new(StringComparer.OrdinalIgnoreCase);
    private int _badMessageLogged;

    /// <summary>What a host's status says while its owner is gone and no other instance has taken it over yet.</summary>
    public static string OwnerStoppedMessage(string instance) => $"instance {instance} stopped; another instance takes this host over";

    private async Task ReceiveAsync(ChannelMessageQueue queue, CancellationToken cancellationToken)
    {
        while (true)
        {
            ChannelMessage received;
            try
            {
                received = await queue.ReadAsync(cancellationToken);
            }
            catch (System.Threading.Channels.ChannelClosedException)
            {
                return;
            }

            FeedMessage message;
            try
            {
                message = FeedMessages.Deserialize((ReadOnlyMemory<byte>)received.Message);
            }
            catch (MessagePackSerializationException ex)
            {
                if (Interlocked.Exchange(ref _badMessageLogged, 1) == 0)
                {
                    LogBadMessage(ex, _settings.Key("feed"));
                }

                continue;
            }

            try
            {
                Receive(message);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NullReferenceException)
            {
                // A message this instance cannot take (e.g. from another version) must not stop the feed.
                if (Interlocked.Exchange(ref _badMessageLogged, 1) == 0)
                {
                    LogBadMessage(ex, _settings.Key("feed"));
                }
            }
        }
    }

    private void Receive(FeedMessage message)
    {
        switch (message.Kind)
        {
            case FeedMessageKind.VmWritten when message is { Host: { } host, Vm: { } vm }:
                // Every instance writes it at once, this one too (it may have dropped its own write against a newer read).
                _store.ApplyVmWrittenElsewhere(host, vm);
                if (!string.Equals(message.Instance, Me, StringComparison.Ordinal) && _ownership.Owns(host, out _))
                {
                    _nudgeOwnerWatch?.Invoke(host, vm);
                }

                return;
            case FeedMessageKind.StateRequest:
                if (string.Equals(message.Instance, Me, StringComparison.Ordinal))
                {
                    lock (_tracksGate)
                    {
                        if (_echoNumber == message.Sequence)
                        {
                            _echo?.TrySetResult();
                        }
                    }
                }
                else
                {
                    PostOwnedStates(message.Host);
                }

                return;
            case FeedMessageKind.Reads when message.Reads is { } reads:
                if (!string.Equals(message.Instance, Me, StringComparison.Ordinal))
                {
                    ApplyReads(message.Instance, reads);
                }

                return;
        }

        if (message.Host is not { } about
            || string.Equals(message.Instance, Me, StringComparison.Ordinal)
            || _ownership.Owns(about, out _))
        {
            return;
        }

        AdmitAndApply(message, about);
    }

    // Applies the owner's message when it is the next one for the host, else asks for the host's full state. Applied under
    // the tracks' lock, as the "owner stopped" status is written: that verdict, taken on an older owner's track, can never
    // land after the new owner's state (a benchmark run showed hosts Connecting for minutes on one instance, their new owner's
    // Connected state overwritten by it, and nothing after it to say otherwise). The store's lock is a leaf: no deadlock.
    private void AdmitAndApply(FeedMessage message, string host)
    {
        var ask = false;
        try
        {
            lock (_tracksGate)
            {
                _tracks.TryGetValue(host, out var track);
                if (track is not null && message.Fence < track.Fence)
                {
                    // A stale owner: the host was taken over since.
                    return;
                }

                if (track is { OwnerStoppedShown: true } && message.Fence == track.Fence && string.Equals(message.Instance, track.Instance, StringComparison.Ordinal))
                {
                    // Taken for gone (its membership entry late, or not yet seen by this instance), the owner speaks: its full
                    // state puts back the status "stopped" replaced, and it may be taken for gone again later.
                    track.OwnerStoppedShown = false;
                    track.HasState = false;
                    LogOwnerSpeaksAgain(host, message.Instance);
                }

                if (message.Kind == FeedMessageKind.State)
                {
                    _tracks[host] = new HostTrack(message.Fence, message.Instance, message.Sequence, hasState: true);
                    ApplyFromOwner(message, host);
                    return;
                }

                if (track is null || message.Fence > track.Fence)
                {
                    track = new HostTrack(message.Fence, message.Instance, message.Sequence, hasState: false);
                    _tracks[host] = track;
                }
                else if (track.HasState && message.Sequence == track.Sequence + 1)
                {
                    track.Sequence = message.Sequence;
                    ApplyFromOwner(message, host);
                    return;
                }
                else if (track.HasState && message.Sequence <= track.Sequence)
                {
                    return;
                }

                // A gap, or changes before the host's first full state: wait for the state, asked for at most once a second.
                track.HasState = false;
                track.Sequence = Math.Max(track.Sequence, message.Sequence);
                var now = _time.GetUtcNow();
                if (track.AskedAt is not { } asked || now - asked >= RecheckInterval)
                {
                    track.AskedAt = now;
                    ask = true;
                    LogAskingState(host, message.Instance, message.Sequence);
                }
            }
        }
        finally
        {
            if (ask)
            {
                Post(new Outgoing(FeedMessageKind.StateRequest, host, Number: Interlocked.Increment(ref _requestNumber)));
            }
        }
    }

    private void ApplyFromOwner(FeedMessage message, string host)
    {
        switch (message.Kind)
        {
            case FeedMessageKind.State when message.State is { } state:
                _store.ApplyReplicatedState(state);
                break;
            case FeedMessageKind.Metrics when message.Metrics is { } metrics:
                _store.ApplyReplicatedMetrics(host, [.. metrics.Select(m => m.ToMetric())], message.ReadAt);
                break;
            case FeedMessageKind.Changes when message.Changes is { } sent:
                var changes = sent.Select(c => c.ToChange(host)).ToList();
                var start = 0;
                for (var i = 0; i <= changes.Count; i++)
                {
                    if (i < changes.Count && changes[i].Kind != InventoryChangeKind.HostRemoved)
                    {
                        continue;
                    }

                    if (i > start)
                    {
                        _store.ApplyReplicated(host, [.. changes.Skip(start).Take(i - start)], message.ReadAt);
                    }

                    if (i < changes.Count)
                    {
                        _store.RemoveHost(host);
                    }

                    start = i + 1;
                }

                break;
        }
    }

    // An owner's read times, each taken when this instance follows that owner under that fence and holds its full state. A
    // read under a newer fence than the one followed is a new owner whose full state did not arrive (a lost message) and whose
    // reads found nothing new, so no change or metric names its fence; a read whose sequence is past the last message applied
    // here says a message was lost with nothing after it. Either way the full state is asked for, at most once a second.
    private void ApplyReads(string instance, IReadOnlyList<FeedRead> reads)
    {
        foreach (var read in reads)
        {
            if (string.IsNullOrEmpty(read.Host) || _ownership.Owns(read.Host, out _))
            {
                continue;
            }

            bool follows;
            var ask = false;
            lock (_tracksGate)
            {
                _tracks.TryGetValue(read.Host, out var track);
                if (track is null || read.Fence > track.Fence)
                {
                    track = new HostTrack(read.Fence, instance, 0, hasState: false);
                    _tracks[read.Host] = track;
                }

                var sameOwner = track.Fence == read.Fence && string.Equals(track.Instance, instance, StringComparison.Ordinal);
                if (sameOwner && track.HasState && read.Sequence > track.Sequence)
                {
                    // The owner sent more about the host than arrived here (a lost message with nothing after it to show the gap).
                    track.HasState = false;
                    track.Sequence = read.Sequence;
                }

                follows = sameOwner && track is { HasState: true, OwnerStoppedShown: false };
                var now = _time.GetUtcNow();
                if (sameOwner && !track.HasState && (track.AskedAt is not { } asked || now - asked >= RecheckInterval))
                {
                    track.AskedAt = now;
                    ask = true;
                }
            }

            if (follows)
            {
                _store.ApplyReplicatedReadAt(read.Host, read.ReadAt);
            }
            else if (ask)
            {
                LogAskingState(read.Host, instance, 0);
                Post(new Outgoing(FeedMessageKind.StateRequest, read.Host, Number: Interlocked.Increment(ref _requestNumber)));
            }
        }
    }

    // Every second: a host whose owner (the last one heard) is no longer alive and whose owner record lapsed (no one holds it)
    // shows so until taken over.
    private async Task WatchOwnersAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(RecheckInterval, _time, cancellationToken);
            if (_membership?.LiveMembers is not { } live)
            {
                continue;
            }

            List<(string Host, HostTrack Track)> heard;
            lock (_tracksGate)
            {
                heard = [.. _tracks.Where(t => !t.Value.OwnerStoppedShown && !string.Equals(t.Value.Instance, Me, StringComparison.Ordinal)).Select(t => (t.Key, t.Value))];
            }

            // The ownership view is asked outside this lock: it raises its events under its own.
            foreach (var (host, track) in heard)
            {
                // Out of the members is not enough: a starved instance misses its membership renewals (half a lease) before its
                // leases. Its owner record, renewed with its leases, lapsed too: nobody holds the host.
                if (live.Contains(track.Instance) || _ownership.OwnerOf(host) is not null || _ownership.Owns(host, out _))
                {
                    continue;
                }

                lock (_tracksGate)
                {
                    // Still the track this verdict is about (a new owner's state, or this instance taking the host, replaces
                    // it under this lock): shown in the same step, so the new owner's state always comes after it.
                    if (!ReferenceEquals(_tracks.GetValueOrDefault(host), track) || track.OwnerStoppedShown)
                    {
                        continue;
                    }

                    track.OwnerStoppedShown = true;
                    _store.SetHostStatus(host, new HostStatus(HostConnectionState.Connecting, _time.GetUtcNow(), OwnerStoppedMessage(track.Instance)));
                }

                LogOwnerStopped(host, track.Instance);
            }
        }
    }

    private void OnAcquired(string host, long fence)
    {
        lock (_tracksGate)
        {
            // What an older owner still sends about the host is stale from now on.
            _tracks[host] = new HostTrack(fence, Me, 0, hasState: false);
        }

        // The new owner's full state first: the others take it as the host's state under the new fence. Its first read here is
        // announced as soon as it is done.
        _taken[host] = _time.GetUtcNow();
        Post(new Outgoing(FeedMessageKind.State, host));
    }

    [LoggerMessage(EventId = 7605, Level = LogLevel.Information, Message = "Cluster feed: host {Host}'s message {Sequence} from {Instance} came after a gap or before its full state: asking for the host's full state")]
    private partial void LogAskingState(string host, string instance, long sequence);

    [LoggerMessage(EventId = 7606, Level = LogLevel.Information, Message = "Cluster feed: host {Host}'s owner {Instance} is no longer alive and nobody else owns the host: shown so until it is taken over")]
    private partial void LogOwnerStopped(string host, string instance);

    [LoggerMessage(EventId = 7607, Level = LogLevel.Information, Message = "Cluster feed: host {Host}'s owner {Instance}, taken for stopped, speaks again: asking for the host's full state")]
    private partial void LogOwnerSpeaksAgain(string host, string instance);

    [LoggerMessage(EventId = 7603, Level = LogLevel.Warning, Message = "Cluster feed: a message on {Channel} could not be read and was dropped (an instance of another version?)")]
    private partial void LogBadMessage(Exception error, string channel);

    /// <summary>What this instance applied of one host's owner.</summary>
    private sealed class HostTrack(long fence, string instance, long sequence, bool hasState)
    {
        public long Fence { get; } = fence;

        public string Instance { get; } = instance;

        public long Sequence { get; set; } = sequence;

        public bool HasState { get; set; } = hasState;

        public DateTimeOffset? AskedAt { get; set; }

        public bool OwnerStoppedShown { get; set; }
    }
}
