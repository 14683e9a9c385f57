using System.Globalization;
using NestedHvDashboard.PowerShell.Tests.Ssh;

namespace NestedHvDashboard.Benchmarks;

/// <summary>The app process as /proc shows it at one moment, with the load's counters.</summary>
internal sealed record SoakSample(DateTime At, double RssMb, int Threads, int OpenFds, int SshProcesses, long HubItems)
{
    public static SoakSample Of(int pid, SoakLoad load, DateTime at)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status");
        var rssKb = Field(status, "VmRSS:");
        var threads = (int)Field(status, "Threads:");
        var fds = Directory.GetFiles($"/proc/{pid}/fd").Length;
        var ssh = ProcessTable.DescendantsOf(pid).Count(p => Comm(p) == "ssh");
        return new(at, rssKb / 1024.0, threads, fds, ssh, load.HubItems);
    }

    /// <summary>Least-squares slope of <paramref name="value"/> per minute.</summary>
    public static double Slope(IReadOnlyList<SoakSample> samples, Func<SoakSample, double> value)
    {
        if (samples.Count < 2)
        {
            return 0;
        }

        var t0 = samples[0].At;
        var xs = samples.Select(s => (s.At - t0).TotalMinutes).ToList();
        var ys = samples.Select(value).ToList();
        var (mx, my) = (xs.Average(), ys.Average());
        var denominator = xs.Sum(x => (x - mx) * (x - mx));
        return denominator == 0 ? 0 : xs.Zip(ys).Sum(p => (p.First - mx) * (p.Second - my)) / denominator;
    }

    private static long Field(string[] status, string name) =>
        status.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal)) is { } line
            ? long.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture)
            : 0;

    private static string Comm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }
}
