namespace NestedHvDashboard.Core.Inventory;

/// <summary>The store's metric updates: CPU usage and uptime, per host, at their own lower rate.</summary>
public sealed partial class InventoryStore
{
    private async Task WaitForChangeOrAsync(Task<bool> waiting, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var remaining = until - _time.GetUtcNow();
        if (waiting.IsCompleted || remaining <= TimeSpan.Zero)
        {
            return;
        }

        using var delay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(waiting, Task.Delay(remaining, _time, delay.Token));
        await delay.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    // The metrics that moved since the subscriber's last update, per host, as they are now.
    private List<HostMetrics> TakeMetrics(Subscriber subscriber)
    {
        var updates = new List<HostMetrics>();
        lock (_gate)
        {
            foreach (var entry in _hostOrder)
            {
                if (subscriber.Host is not null && !string.Equals(subscriber.Host, entry.Name, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var seen = subscriber.MetricsSeen.GetValueOrDefault(entry.Name);
                if (entry.MetricsVersion <= seen)
                {
                    continue;
                }

                var moved = new List<VmMetric>();
                foreach (var (id, stamp) in entry.MetricStamps)
                {
                    if (stamp > seen && entry.VmIndex.TryGetValue(id, out var vm))
                    {
                        moved.Add(vm.MetricOf());
                    }
                }

                subscriber.MetricsSeen[entry.Name] = entry.MetricsVersion;
                if (moved.Count > 0)
                {
                    updates.Add(new HostMetrics(entry.Name, moved));
                }
            }
        }

        return updates;
    }

    // Called under _gate: what a snapshot taken now holds needs no metric update.
    private void MarkMetricsSeen(Subscriber subscriber)
    {
        foreach (var entry in _hostOrder)
        {
            subscriber.MetricsSeen[entry.Name] = entry.MetricsVersion;
        }
    }
}
