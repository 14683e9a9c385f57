using System.Globalization;
using System.Text;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.PowerShell.Tests.Ssh;
using NestedHvDashboard.Simulator.Scenarios;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// Scenario "listing" (issue 13 part 3): every VM of every host over real PowerShell remoting. N pwsh hosts behind their
/// own sshd on loopback (the engine's SSH test hosts), each reached through a delaying TCP relay (another process) that
/// adds a set round-trip time; the engine's one batched script per host against the per-VM approach of a naive tool
/// (Get-VM, then Get-VMProcessor and Get-VMNetworkAdapter for each VM, one after another), hosts in parallel. One table
/// per round-trip time; the last line is <c>ratio: &lt;per-VM time / engine time at 2 ms&gt;</c>.
/// </summary>
internal static class ListingBenchmark
{
    private static readonly double[] RoundTripsMs = [0, 2, 20];
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var hostCount = options.Int("hosts", 20);
        var vmsPerHost = options.Int("vms-per-host", 50);
        var runs = options.Int("runs", 3);
        var warmup = TimeSpan.FromSeconds(options.Int("warmup-seconds", 30));
        var loadBefore = LoadAverage();

        var lab = LabScenarios.Generate(hostCount, vmsPerHost, seed: 42);
        Console.WriteLine($"# listing: {hostCount} pwsh hosts over SSH on loopback x {vmsPerHost} VMs = {lab.VmCount} VMs, through a delaying relay; median of {runs} runs after {warmup.TotalSeconds:0} s of listings to warm up, then one listing per round-trip time, hosts in parallel");
        var hosts = await Task.WhenAll(lab.Hosts.Select(h => SshTestHost.StartAsync(h.Name, h)));
        await using var relay = RelayProcess.Start();
        try
        {
            var settings = new List<HostConnectionSettings>();
            foreach (var host in hosts)
            {
                var port = await relay.RelayToAsync(host.Port);
                settings.Add(host.Settings(Timeout) with { Port = port, KnownHostsFile = host.KnownHostsFileFor(port) });
            }

            var meter = new ListingCpu(relay.ProcessId, hosts);
            var engine = await MeasureAsync(new EngineListing(settings), relay, meter, warmup, runs);
            var perVm = await MeasureAsync(new PerVmListing(settings), relay, meter, warmup, runs);

            foreach (var roundTrip in RoundTripsMs)
            {
                Console.WriteLine();
                Console.Write(Table(roundTrip, engine[roundTrip], perVm[roundTrip]));
            }

            Console.WriteLine();
            Console.WriteLine("# time: wall clock for all hosts; allocated: bytes allocated in this (the dashboard's) process per VM listed, GC.GetTotalAllocatedBytes;");
            Console.WriteLine("# wire: bytes through the relays, both directions (SSH, encrypted); round trips: PowerShell invocations (each is several SSH messages).");
            Console.WriteLine($"# machine: {Environment.ProcessorCount} cores, load average {loadBefore} before, {LoadAverage()} after (the sshd/pwsh hosts and the relay run on the same cores)");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio: {perVm[2].Milliseconds / engine[2].Milliseconds:0.0}"));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }

        return 0;
    }

    /// <summary>Opens the approach's connections, lists for the warm-up time, then for each round-trip time one listing and the measured runs.</summary>
    private static async Task<Dictionary<double, Measurement>> MeasureAsync(IListing listing, RelayProcess relay, ListingCpu meter, TimeSpan warmup, int runs)
    {
        var results = new Dictionary<double, Measurement>();
        await using (listing)
        {
            await relay.SetRoundTripAsync(TimeSpan.Zero);
            await listing.OpenAsync();

            // Steady state first: a dashboard lists its hosts again and again for hours, so the hosts' pwsh has compiled its
            // hot paths (tiered JIT, and PowerShell compiling a script block after it ran a few times). The per-VM tool's
            // 101 invocations a listing warm it within one listing; the engine's one per host takes dozens of listings.
            var warming = System.Diagnostics.Stopwatch.StartNew();
            var warmups = 0;
            while (warming.Elapsed < warmup || warmups == 0)
            {
                await listing.ListAsync();
                warmups++;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# {listing.Name}: {warmups} listings to warm up in {warming.Elapsed.TotalSeconds:0} s"));
            foreach (var roundTrip in RoundTripsMs)
            {
                await relay.SetRoundTripAsync(TimeSpan.FromMilliseconds(roundTrip));
                await listing.ListAsync(); // the connection's first command at this delay

                var samples = new List<Measurement>();
                var cpuBefore = meter.Read();
                for (var i = 0; i < runs; i++)
                {
                    GC.Collect();
                    var bytesBefore = await relay.ForwardedBytesAsync();
                    var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    var (vms, invocations) = await listing.ListAsync();
                    var elapsed = clock.Elapsed.TotalMilliseconds;
                    var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
                    var wire = await relay.ForwardedBytesAsync() - bytesBefore;
                    samples.Add(new Measurement(vms, invocations, elapsed, allocated / 1024.0 / Math.Max(1, vms), wire / 1024.0));
                }

                var cpu = meter.Read() - cpuBefore;
                results[roundTrip] = Median(samples);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# {listing.Name}, {roundTrip} ms: {string.Join(", ", samples.Select(s => $"{s.Milliseconds:0} ms"))}; CPU ms per listing: {cpu.PerRun(runs)}"));
            }
        }

        return results;
    }

    private static Measurement Median(List<Measurement> samples)
    {
        static double MedianOf(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted[sorted.Count / 2];
        }

        return new Measurement(
            samples[^1].Vms,
            samples[^1].Invocations,
            MedianOf(samples.Select(s => s.Milliseconds)),
            MedianOf(samples.Select(s => s.AllocatedKbPerVm)),
            MedianOf(samples.Select(s => s.WireKb)));
    }

    private static string Table(double roundTrip, Measurement engine, Measurement perVm)
    {
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"## added round trip {roundTrip} ms{roundTrip switch { 2 => " (LAN)", 20 => " (WAN)", _ => "" }}");
        table.AppendLine("| approach | VMs listed | round trips | time (ms, median) | allocated per VM (KB) | wire (KB) |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|");
        table.AppendLine(Row("engine (one batched script per host)", engine));
        table.AppendLine(Row("per VM (Get-VM, then Get-VMProcessor + Get-VMNetworkAdapter per VM)", perVm));
        table.AppendLine(CultureInfo.InvariantCulture, $"per VM / engine: {perVm.Milliseconds / engine.Milliseconds:0.0}");
        return table.ToString();
    }

    private static string Row(string approach, Measurement m) =>
        string.Create(CultureInfo.InvariantCulture, $"| {approach} | {m.Vms} | {m.Invocations} | {m.Milliseconds:0} | {m.AllocatedKbPerVm:0.0} | {m.WireKb:0} |");

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private sealed record Measurement(int Vms, int Invocations, double Milliseconds, double AllocatedKbPerVm, double WireKb);
}
