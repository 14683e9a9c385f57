using System.Collections.Concurrent;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>
/// The owner's side of the read times: each second, the hosts owned here whose last read moved; and a host just taken over,
/// as soon as its first read here is done.
/// </summary>
public sealed partial class ClusterFeedReplicator
{
    /// <summary>How often the hosts just taken over are looked at for their first read here (the others each second).</summary>
    public static readonly TimeSpan TakenReadsInterval = TimeSpan.FromMilliseconds(250);

    // Per host taken over by this instance and not yet read here since: when it was taken.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _taken = new(StringComparer.OrdinalIgnoreCase);

    // A host's first read after a takeover usually finds nothing new (it starts from what the feed gave this instance), so no
    // change carries its time, and the others show the host read again only from this announcement: waiting for the next
    // second added up to one to every takeover (a cluster benchmark saw 1.2 s between the last host connected on its new
    // owner and both others showing it read again).
    private async Task AnnounceReadsAsync(CancellationToken cancellationToken)
    {
        var ticksPerRound = Math.Max(1, (int)(ReadsInterval / TakenReadsInterval));
        for (var tick = 1; ; tick++)
        {
            await Task.Delay(TakenReadsInterval, _time, cancellationToken);
            var reads = new List<FeedRead>();
            if (tick % ticksPerRound == 0)
            {
                foreach (var (host, readAt) in _store.ReadTimes())
                {
                    AddIfMoved(host, readAt, reads);
                }
            }
            else
            {
                foreach (var (host, takenAt) in _taken)
                {
                    if (!_ownership.Owns(host, out _))
                    {
                        // Given up or lost before its first read here.
                        _taken.TryRemove(host, out _);
                    }
                    else if (_store.ReadAtOf(host) is { } readAt && readAt > takenAt)
                    {
                        AddIfMoved(host, readAt, reads);
                    }
                }
            }

            if (reads.Count > 0)
            {
                Post(new Outgoing(FeedMessageKind.Reads, null, Reads: reads));
            }
        }
    }

    private void AddIfMoved(string host, DateTimeOffset readAt, List<FeedRead> reads)
    {
        if (!_ownership.Owns(host, out var fence))
        {
            _announced.Remove(host);
            _taken.TryRemove(host, out _);
            return;
        }

        if (_taken.TryGetValue(host, out var takenAt) && readAt > takenAt)
        {
            _taken.TryRemove(host, out _);
        }

        if (!_announced.TryGetValue(host, out var last) || last.Fence != fence || last.ReadAt < readAt)
        {
            _announced[host] = (fence, readAt);
            reads.Add(new FeedRead(host, fence, readAt));
        }
    }
}
