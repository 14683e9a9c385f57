using System.Diagnostics;
using System.Globalization;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// Scenario "metric-history": the cost of the charts' history at fleet scale. One sample records every VM's and host's
/// CPU and memory (the sampler does it once per interval, 15 s by default); the table gives the time of a sample, per VM,
/// what a sample allocates once the rings exist, and the memory the history holds per VM for its hour of points.
/// In-process, no app, no host: only <see cref="MetricHistory"/>.
/// </summary>
internal static class MetricHistoryBenchmark
{
    public static Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var hosts = options.Int("hosts", 200);
        var vms = options.Int("vms", 10_000);
        var samples = options.Int("samples", 240);
        var history = new MetricHistoryOptions();

        // Two readings of the fleet, alternated so every sample writes new values.
        var even = Fleet(hosts, vms, 0);
        var odd = Fleet(hosts, vms, 1);
        var start = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero) + (history.Interval / 2);

        var retainedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var recorder = new MetricHistory(history);
        var watch = Stopwatch.StartNew();
        recorder.Record(even, start);
        var firstMs = watch.Elapsed.TotalMilliseconds;

        var times = new List<double>(samples);
        long allocated = 0;
        for (var i = 1; i <= samples; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            watch.Restart();
            recorder.Record(i % 2 == 0 ? even : odd, start + (history.Interval * i));
            times.Add(watch.Elapsed.TotalMilliseconds);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
        }

        var retained = GC.GetTotalMemory(forceFullCollection: true) - retainedBefore;
        GC.KeepAlive(recorder);
        times.Sort();
        var median = times[times.Count / 2];
        var p99 = times[Math.Min(times.Count - 1, (int)(times.Count * 0.99))];

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# metric-history: {hosts} hosts, {vms} VMs, {history.Capacity} points per VM ({history.Interval.TotalSeconds:0} s over {history.Window.TotalMinutes:0} min), {samples} samples after the first"));
        Console.WriteLine("| what | value |");
        Console.WriteLine("|------|------:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| first sample (creates every ring) ms | {firstMs:0.0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| sample ms, median | {median:0.00} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| sample ms, p99 | {p99:0.00} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| per VM ns, median | {median * 1e6 / vms:0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| allocated bytes per sample | {allocated / (double)samples:0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| history held, MB | {retained / 1048576.0:0.0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| history held per VM, bytes | {retained / (double)vms:0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"metric_history: sample_ms {median:0.00} per_vm_ns {median * 1e6 / vms:0} alloc_per_sample {allocated / (double)samples:0} bytes_per_vm {retained / (double)vms:0}"));
        return Task.FromResult(0);
    }

    private static List<HostInventoryState> Fleet(int hosts, int vms, int phase)
    {
        var now = DateTimeOffset.UtcNow;
        var facts = new HostFacts("h", "Microsoft Windows Server 2022 Datacenter", "10.0.20348", 20348, true, ProcessorVendor.Intel, "GenuineIntel", "Xeon",
            64, 512L << 30, true, [new Version(10, 0)], new Version(10, 0), false, null);
        return [.. Enumerable.Range(0, hosts).Select(h => new HostInventoryState(
            $"hv-{h:000}",
            new HostStatus(HostConnectionState.Connected, now),
            facts with { Name = $"hv-{h:000}" },
            [.. Enumerable.Range(0, vms / hosts).Select(v => Vm(h, v, phase))],
            1,
            now))];
    }

    private static VmSnapshot Vm(int host, int vm, int phase) => new(
        new Guid(host, (short)vm, 0, [0, 0, 0, 0, 0, 0, 0, 1]), $"vm-{host:000}-{vm:000}", VmState.Running, TimeSpan.FromHours(3),
        (vm * 7 + (phase * 13)) % 100, (4L << 30) + ((long)phase << 20), false, 4L << 30, new Version(10, 0), 2, 4, false, false, [], null, null);
}
