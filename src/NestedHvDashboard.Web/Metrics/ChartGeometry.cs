using System.Globalization;
using System.Text;

namespace NestedHvDashboard.Web.Metrics;

/// <summary>
/// The SVG paths of a chart in a viewBox of (points - 1) × 100: the line through the readings broken at every gap (a
/// missing reading is a gap, never a zero), the area under each piece, and a dot for a reading that stands alone.
/// </summary>
/// <param name="Line">The line's path data; empty when no two readings are neighbours.</param>
/// <param name="Area">The area under each piece of the line, closed down to zero.</param>
/// <param name="Dots">Path data drawing a dot (a round-capped zero-length stroke) at each lone reading.</param>
/// <param name="Width">The viewBox's width: one unit per interval.</param>
public sealed record ChartGeometry(string Line, string Area, string Dots, int Width)
{
    /// <summary>The viewBox's height: 0 is the top (the chart's maximum), 100 the bottom (zero).</summary>
    public const int Height = 100;

    /// <summary>The paths for <paramref name="values"/> (oldest first, null for no reading) on a scale from 0 to <paramref name="max"/>.</summary>
    public static ChartGeometry Of(IReadOnlyList<double?> values, double max)
    {
        ArgumentNullException.ThrowIfNull(values);
        var line = new StringBuilder();
        var area = new StringBuilder();
        var dots = new StringBuilder();
        var scale = max > 0 ? max : 1;
        var i = 0;
        while (i < values.Count)
        {
            if (values[i] is null)
            {
                i++;
                continue;
            }

            var start = i;
            while (i < values.Count && values[i] is not null)
            {
                i++;
            }

            if (i - start == 1)
            {
                dots.Append(CultureInfo.InvariantCulture, $"M{start} {Y(values[start]!.Value, scale)}h0 ");
                continue;
            }

            area.Append(CultureInfo.InvariantCulture, $"M{start} {Height}");
            for (var x = start; x < i; x++)
            {
                var y = Y(values[x]!.Value, scale);
                line.Append(CultureInfo.InvariantCulture, $"{(x == start ? 'M' : 'L')}{x} {y} ");
                area.Append(CultureInfo.InvariantCulture, $"L{x} {y}");
            }

            area.Append(CultureInfo.InvariantCulture, $"L{i - 1} {Height}Z ");
        }

        return new ChartGeometry(line.ToString().TrimEnd(), area.ToString().TrimEnd(), dots.ToString().TrimEnd(), Math.Max(1, values.Count - 1));
    }

    private static string Y(double value, double max) =>
        (Height * (1 - (Math.Clamp(value, 0, max) / max))).ToString("0.##", CultureInfo.InvariantCulture);
}
