using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Inventory;

namespace NestedHvDashboard.Web.Metrics;

/// <summary>
/// Records the live inventory into the <see cref="MetricHistory"/> once per interval, in the middle of each interval so
/// a late timer never skips one. It reads the shared state the pages read (a reference, no copy) and never touches the
/// feed: the metrics path stays as fast as it was.
/// </summary>
public sealed class MetricHistorySampler(MetricHistory history, SharedInventory inventory, TimeProvider time, ILogger<MetricHistorySampler> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                await Task.Delay(history.NextSampleAfter(now) - now, time, stoppingToken);
                try
                {
                    history.Record(inventory.Hosts, time.GetUtcNow());
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A chart missing a point is no reason to stop the next ones.
                    logger.LogWarning(ex, "Recording the CPU and memory history failed; the next interval tries again");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The app stops.
        }
    }
}
