namespace NestedHvDashboard.Core.Inventory;

/// <summary>How the store delivers changes to subscribers.</summary>
public sealed class InventoryFeedOptions
{
    /// <summary>The least time between two batches to one subscriber. Default: 100 ms.</summary>
    public TimeSpan BatchInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The most changes waiting for one subscriber; past it the subscriber is resynchronised with a
    /// fresh snapshot instead of holding the producer up. Default: 4096.
    /// </summary>
    public int SubscriberCapacity { get; set; } = 4096;

    /// <summary>
    /// The least time between two metric updates (CPU usage, uptime) to one subscriber: metrics are
    /// readings, not changes, and travel at this lower rate. Default: 5 seconds.
    /// </summary>
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(5);
}
