namespace NestedHvDashboard.Web.Cluster;

/// <summary>The owner's side of the read times: each second, the hosts owned here whose last read moved.</summary>
public sealed partial class ClusterFeedReplicator
{
    // Once a second, one message for every host owned here whose last read moved: an idle host's "last read", and a host's
    // first read by its new owner after a takeover, reach the other instances though no change says so.
    private async Task AnnounceReadsAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(ReadsInterval, _time, cancellationToken);
            var reads = new List<FeedRead>();
            foreach (var (host, readAt) in _store.ReadTimes())
            {
                if (!_ownership.Owns(host, out var fence))
                {
                    _announced.Remove(host);
                    continue;
                }

                if (!_announced.TryGetValue(host, out var last) || last.Fence != fence || last.ReadAt < readAt)
                {
                    _announced[host] = (fence, readAt);
                    reads.Add(new FeedRead(host, fence, readAt));
                }
            }

            if (reads.Count > 0)
            {
                Post(new Outgoing(FeedMessageKind.Reads, null, Reads: reads));
            }
        }
    }
}
