namespace NestedHvDashboard.Core.Inventory;

/// <summary>How much CPU and memory history the dashboard keeps in memory for its charts (<c>Inventory:History</c>).</summary>
public sealed class MetricHistoryOptions
{
    /// <summary>The time between two points of a chart: one reading per VM and host per interval. Default: 15 seconds.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How far back the charts go; older points are overwritten. Default: 60 minutes.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>The points kept per VM and per host: <see cref="Window"/> divided by <see cref="Interval"/>.</summary>
    public int Capacity => Interval <= TimeSpan.Zero ? 0 : (int)Math.Max(1, Window.Ticks / Interval.Ticks);

    /// <summary>The most points per VM a setting may ask for (one day at 15 s): memory is counted per point.</summary>
    public const int MaxCapacity = 5760;
}
