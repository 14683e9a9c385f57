using System.Globalization;
using System.Text.RegularExpressions;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// One survivor's side of a takeover, from its log files (information lines of the inventory monitor): when it took
/// each of the dead instance's hosts, and how long each took from then to Connected (open + first read). Says where a
/// takeover's seconds go: waiting for the leases, or opening and reading the hosts.
/// </summary>
internal static partial class TakeoverTimeline
{
    // "2026-12-06 03:44:52.065 +00:00": the time stamp that starts every line of the app's log files.
    private const int StampLength = 30;

    public static string Describe(string dataFolder, IReadOnlyCollection<string> hosts, DateTimeOffset killedAt)
    {
        var owned = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        var connected = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        var folder = Path.Combine(dataFolder, "logs");
        var lines = Directory.Exists(folder)
            ? Directory.GetFiles(folder, "dashboard-*.log").Order(StringComparer.Ordinal).SelectMany(ReadShared)
            : [];
        foreach (var line in lines)
        {
            if (Line().Match(line) is not { Success: true } m
                || !DateTimeOffset.TryParseExact(m.Groups["at"].Value, "yyyy-MM-dd HH:mm:ss.fff zzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
                || at < killedAt)
            {
                continue;
            }

            var host = m.Groups["host"].Value;
            if (!hosts.Contains(host, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (m.Groups["what"].Value == "is owned here now")
            {
                owned.TryAdd(host, at);
            }
            else if (owned.ContainsKey(host))
            {
                connected.TryAdd(host, at);
            }
        }

        if (owned.Count == 0)
        {
            return "took none of its hosts";
        }

        double S(DateTimeOffset at) => (at - killedAt).TotalSeconds;
        var took = owned.Values.Select(S).Order().ToList();
        var reads = connected.Select(c => (c.Value - owned[c.Key]).TotalSeconds).Order().ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"took {owned.Count} hosts at {took[0]:0.0}–{took[^1]:0.0} s; owned → connected p50 {At(reads, 0.5):0.0} s, max {At(reads, 1):0.0} s ({connected.Count} connected, the last at {(connected.Count > 0 ? connected.Values.Max(S) : double.NaN):0.0} s)");
    }

    /// <summary>The log lines (of every level) naming <paramref name="host"/> since <paramref name="since"/>: what one host went through when its takeover did not end.</summary>
    public static IReadOnlyList<string> LinesAbout(string dataFolder, string host, DateTimeOffset since)
    {
        var folder = Path.Combine(dataFolder, "logs");
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return [.. Directory.GetFiles(folder, "dashboard-*.log").Order(StringComparer.Ordinal).SelectMany(ReadShared)
            .Where(line => line.Contains(host, StringComparison.OrdinalIgnoreCase)
                && line.Length > StampLength
                && DateTimeOffset.TryParseExact(line[..StampLength], "yyyy-MM-dd HH:mm:ss.fff zzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
                && at >= since)];
    }

    private static double At(List<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    // The app writes its log while this reads it.
    private static IEnumerable<string> ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }

    [GeneratedRegex(@"^(?<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d\d:\d\d) \[INF\] [^:]*InventoryMonitor: Host (?<host>\S+) (?<what>is owned here now|connected with)")]
    private static partial Regex Line();
}
