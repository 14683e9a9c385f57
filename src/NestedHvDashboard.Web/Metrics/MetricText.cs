using System.Globalization;
using NestedHvDashboard.Core.Inventory;

namespace NestedHvDashboard.Web.Metrics;

/// <summary>What a chart says in words: its summary for screen readers and the line under its title, and its scale.</summary>
public static class MetricText
{
    /// <summary>"the last hour" for a 60-minute window, otherwise "the last N min".</summary>
    public static string Window(MetricSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return $"the last {Span(series.Interval * series.Points.Count)}";
    }

    /// <summary>"hour" for 60 minutes, otherwise "N min": how far back a chart goes.</summary>
    public static string Span(TimeSpan window) => (int)Math.Round(window.TotalMinutes) is var minutes && minutes == 60 ? "hour" : $"{minutes} min";

    /// <summary>"CPU 12 % now, peak 40 % in the last hour"; null when the series has no reading.</summary>
    public static string? Cpu(MetricSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return series.Latest is { } latest ? $"CPU {latest.CpuPercent} % {When(series)}, peak {series.PeakCpu} % in {Window(series)}" : null;
    }

    /// <summary>"Memory 3.5 GB now, peak 4 GB in the last hour"; null when the series has no reading.</summary>
    public static string? Memory(MetricSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return series.Latest is { } latest ? $"Memory {GiB(latest.MemoryGiB)} {When(series)}, peak {GiB(series.PeakMemoryGiB ?? 0)} in {Window(series)}" : null;
    }

    /// <summary>A memory size in GiB as the rest of the dashboard writes it: "512 MB", "3.5 GB", "6 TB".</summary>
    public static string GiB(double gib) => gib switch
    {
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{gib * 1024:0} MB"),
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{gib:0.#} GB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{gib / 1024:0.#} TB"),
    };

    /// <summary>
    /// The top of a memory chart: a round number (1, 1.5, 2, 3, 4, 5, 6 or 8 × 10ⁿ GB, at least 1 GB) a tenth above the peak,
    /// so a static memory's flat line does not run along the chart's edge. Not the host's memory: a lab host's VMs use a
    /// sliver of it and the line would lie flat on the floor (its size is in the card's text).
    /// </summary>
    public static double MemoryScale(double? peakGiB)
    {
        var wanted = Math.Max(1, (peakGiB ?? 0) * 1.1);
        var power = Math.Pow(10, Math.Floor(Math.Log10(wanted)));
        foreach (var step in (ReadOnlySpan<double>)[1, 1.5, 2, 3, 4, 5, 6, 8])
        {
            if (wanted <= step * power + 1e-9)
            {
                return step * power;
            }
        }

        return 10 * power;
    }

    // "now", or the time of the newest reading when the newest intervals have none.
    private static string When(MetricSeries series) => series.IsCurrent
        ? "now"
        : string.Create(CultureInfo.InvariantCulture, $"at {series.TimeOf(series.LatestIndex).UtcDateTime:HH:mm} UTC (no reading since)");
}
