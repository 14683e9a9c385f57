using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.PowerShell;
using NestedHvDashboard.Simulator;
using NestedHvDashboard.Simulator.Scenarios;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// Scenario "listing": every VM of every host, read by the engine's one batched round trip per
/// host versus the per-VM approach (Get-VM, then Get-VMProcessor and Get-VMNetworkAdapter for
/// each VM) that makes Windows Admin Center slow with 100+ VMs. Both run against the same
/// simulated lab, hosts in parallel, in one process run.
/// </summary>
internal static class ListingBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var hostCount = options.Int("hosts", 20);
        var vmsPerHost = options.Int("vms-per-host", 50);
        var runs = options.Int("runs", 5);

        var lab = LabScenarios.Generate(hostCount, vmsPerHost, seed: 42);
        var settings = lab.Hosts.Select(h => new HostConnectionSettings
        {
            Name = h.Name,
            Address = h.Name,
            Transport = HostTransport.InProcess,
            Timeout = TimeSpan.FromMinutes(5),
        }).ToList();

        var engine = new List<HostSession>();
        var perVm = new List<RunspacePool>();
        foreach (var host in lab.Hosts)
        {
            engine.Add(HyperVHostFactory.CreateSession(settings.First(s => s.Name == host.Name), lab));
            var pool = RunspaceFactory.CreateRunspacePool(SimulatorModule.CreateSessionState(host));
            pool.SetMaxRunspaces(4);
            pool.Open();
            perVm.Add(pool);
        }

        var engineHosts = settings.Select(s => HyperVHostFactory.Create(s, lab)).ToList();

        Console.WriteLine($"# listing: {hostCount} simulated hosts x {vmsPerHost} VMs = {lab.VmCount} VMs, median of {runs} runs after one warm-up, hosts in parallel");

        var engineRun = await MeasureAsync(runs, async () =>
        {
            var inventories = await Task.WhenAll(engineHosts.Select(h => h.GetInventoryAsync()));
            return (inventories.Sum(i => i.Vms.Count), hostCount, 0L);
        });
        var engineWire = await WireBytesAsync(engine);

        var perVmRun = await MeasureAsync(runs, async () =>
        {
            var results = await Task.WhenAll(perVm.Select(ListPerVmAsync));
            return (results.Sum(r => r.Vms), results.Sum(r => r.RoundTrips), results.Sum(r => r.WireBytes));
        });

        var table = new StringBuilder();
        table.AppendLine("| approach | VMs listed | round trips | time (ms, median) | allocated (MB) | wire (KB) |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|");
        table.AppendLine(CultureInfo.InvariantCulture, $"| engine (one batched script per host) | {engineRun.Vms} | {engineRun.RoundTrips} | {engineRun.Milliseconds:0} | {engineRun.AllocatedMb:0.0} | {engineWire / 1024.0:0} |");
        table.AppendLine(CultureInfo.InvariantCulture, $"| per VM (Get-VM, then Get-VMProcessor + Get-VMNetworkAdapter per VM) | {perVmRun.Vms} | {perVmRun.RoundTrips} | {perVmRun.Milliseconds:0} | {perVmRun.AllocatedMb:0.0} | {perVmRun.WireBytes / 1024.0:0} |");
        Console.Write(table);
        Console.WriteLine("# wire = the CliXml that PowerShell remoting would carry for the results (PSSerializer, depth 1).");
        Console.WriteLine($"ratio: {perVmRun.Milliseconds / engineRun.Milliseconds:0.0}");

        foreach (var host in engineHosts)
        {
            await host.DisposeAsync();
        }

        foreach (var session in engine)
        {
            await session.DisposeAsync();
        }

        foreach (var pool in perVm)
        {
            pool.Dispose();
        }

        return 0;
    }

    private static async Task<Measurement> MeasureAsync(int runs, Func<Task<(int Vms, int RoundTrips, long WireBytes)>> body)
    {
        await body(); // warm-up: opens pools, loads the module, JITs.
        var times = new List<double>();
        var allocated = new List<long>();
        (int Vms, int RoundTrips, long WireBytes) last = default;
        for (var i = 0; i < runs; i++)
        {
            GC.Collect();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            last = await body();
            times.Add(clock.Elapsed.TotalMilliseconds);
            allocated.Add(GC.GetTotalAllocatedBytes(precise: true) - before);
        }

        times.Sort();
        allocated.Sort();
        return new Measurement(last.Vms, last.RoundTrips, last.WireBytes, times[runs / 2], allocated[runs / 2] / 1048576.0);
    }

    private static async Task<long> WireBytesAsync(IEnumerable<HostSession> sessions)
    {
        var command = new HostCommand(HostScript.Inventory, new Dictionary<string, object?>(), "inventory");
        long bytes = 0;
        foreach (var session in sessions)
        {
            bytes += Serialized(await session.InvokeAsync(command, CancellationToken.None));
        }

        return bytes;
    }

    private static Task<(int Vms, int RoundTrips, long WireBytes)> ListPerVmAsync(RunspacePool pool) => Task.Run(() =>
    {
        var roundTrips = 1;
        var vms = Invoke(pool, ps => ps.AddCommand("Get-VM"));
        var bytes = Serialized(vms);
        foreach (var vm in vms)
        {
            var name = (string)vm.Properties["Name"].Value;
            bytes += Serialized(Invoke(pool, ps => ps.AddCommand("Get-VMProcessor").AddParameter("VMName", name)));
            bytes += Serialized(Invoke(pool, ps => ps.AddCommand("Get-VMNetworkAdapter").AddParameter("VMName", name)));
            roundTrips += 2;
        }

        return (vms.Count, roundTrips, bytes);
    });

    private static List<PSObject> Invoke(RunspacePool pool, Action<System.Management.Automation.PowerShell> build)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.RunspacePool = pool;
        build(ps);
        return [.. ps.Invoke()];
    }

    private static long Serialized(IEnumerable<PSObject> objects) =>
        objects.Sum(o => (long)Encoding.UTF8.GetByteCount(PSSerializer.Serialize(o, depth: 1)));

    private sealed record Measurement(int Vms, int RoundTrips, long WireBytes, double Milliseconds, double AllocatedMb);
}
