using System.Globalization;

namespace NestedHvDashboard.Benchmarks;

/// <summary>One process's CPU time and resident memory, read from /proc.</summary>
internal static class ProcessMeter
{
    // USER_HZ: 100 ticks a second on Linux.
    private const double TicksPerSecond = 100;

    /// <summary>Resident set size in MB.</summary>
    public static double RssMb(int pid) =>
        File.ReadAllLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)) is { } line
            ? long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0
            : 0;

    /// <summary>User + system CPU seconds the process used so far (every thread).</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name is in parentheses and may hold spaces: fields count from after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>Average CPU (percent of one core) and RSS (MB, median of samples) over <paramref name="window"/>.</summary>
    public static async Task<(double CpuPercent, double RssMb)> SteadyAsync(int pid, TimeSpan window)
    {
        var rss = new List<double>();
        var cpu0 = CpuSeconds(pid);
        var started = DateTime.UtcNow;
        while (DateTime.UtcNow - started < window)
        {
            await Task.Delay(1000);
            rss.Add(RssMb(pid));
        }

        var elapsed = (DateTime.UtcNow - started).TotalSeconds;
        rss.Sort();
        return ((CpuSeconds(pid) - cpu0) / elapsed * 100, rss[rss.Count / 2]);
    }

    /// <summary>
    /// CPU (percent of one core) of each of <paramref name="pids"/> over 10-s windows, repeated until <paramref name="calm"/>
    /// says so of the last window (given the one before, null at first) or <paramref name="limit"/> passed.
    /// </summary>
    public static async Task<(double[] CpuPercent, TimeSpan Took)> CalmAsync(IReadOnlyList<int> pids, Func<double[]?, double[], bool> calm, TimeSpan limit)
    {
        var took = System.Diagnostics.Stopwatch.StartNew();
        double[]? previous = null;
        while (true)
        {
            var before = pids.Select(CpuSeconds).ToArray();
            var window = System.Diagnostics.Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(10));
            var cpu = pids.Select((pid, i) => (CpuSeconds(pid) - before[i]) / window.Elapsed.TotalSeconds * 100).ToArray();
            if (calm(previous, cpu) || took.Elapsed >= limit)
            {
                return (cpu, took.Elapsed);
            }

            previous = cpu;
        }
    }

    /// <summary>Whether every process's CPU moved by less than 10 points of a core from the window before: no warm-up left.</summary>
    public static bool Steady(double[]? previous, double[] cpu) =>
        previous is not null && cpu.Select((c, i) => Math.Abs(c - previous[i])).All(d => d < 10);

    /// <summary>RSS once it stops moving by more than 2 MB over 3 s (at most 30 s), so a circuit's memory is counted whole.</summary>
    public static async Task<double> SettledRssMbAsync(int pid)
    {
        var last = RssMb(pid);
        for (var i = 0; i < 10; i++)
        {
            await Task.Delay(3000);
            var now = RssMb(pid);
            if (Math.Abs(now - last) < 2)
            {
                return now;
            }

            last = now;
        }

        return last;
    }
}
