namespace NestedHvDashboard.Core.Inventory;

/// <summary>
/// A VM's or host's readings over the history's window, as a chart draws them: one entry per interval, oldest first,
/// the last one being the current interval; null where there was no reading (a gap, or before recording began).
/// </summary>
/// <param name="End">The start of the newest interval (the chart's "now").</param>
/// <param name="Interval">The time between two points.</param>
/// <param name="Points">One entry per interval of the window, oldest first.</param>
public sealed record MetricSeries(DateTimeOffset End, TimeSpan Interval, IReadOnlyList<MetricReading?> Points)
{
    /// <summary>The time of point <paramref name="index"/>.</summary>
    public DateTimeOffset TimeOf(int index) => End - (Interval * (Points.Count - 1 - index));

    /// <summary>How many points hold a reading.</summary>
    public int Readings => Points.Count(p => p is not null);

    /// <summary>The index of the oldest reading, or -1 when there is none.</summary>
    public int FirstIndex
    {
        get
        {
            for (var i = 0; i < Points.Count; i++)
            {
                if (Points[i] is not null)
                {
                    return i;
                }
            }

            return -1;
        }
    }

    /// <summary>The index of the newest reading, or -1 when there is none.</summary>
    public int LatestIndex
    {
        get
        {
            for (var i = Points.Count - 1; i >= 0; i--)
            {
                if (Points[i] is not null)
                {
                    return i;
                }
            }

            return -1;
        }
    }

    /// <summary>The newest reading, or null when there is none in the window.</summary>
    public MetricReading? Latest => LatestIndex is var i and >= 0 ? Points[i] : null;

    /// <summary>True when the newest reading is from the last two intervals: the chart's end is "now", not an old value.</summary>
    public bool IsCurrent => LatestIndex >= Points.Count - 2;

    /// <summary>The highest CPU reading in the window, or null when there is none.</summary>
    public int? PeakCpu => Points.Max(p => p?.CpuPercent);

    /// <summary>The highest memory reading in the window (GiB), or null when there is none.</summary>
    public double? PeakMemoryGiB => Points.Max(p => p?.MemoryGiB);
}
