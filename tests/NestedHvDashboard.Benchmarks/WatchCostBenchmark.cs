using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Simulator;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// Scenario "watch-cost": host-side time per cycle of the host-side watch on one host with 50, 150
/// and 500 VMs, today's script (before this change: WatchCost/Before.*.ps1, kept as they were)
/// against the new one (fast cycles by GetSummaryInformation, and by its Get-VM fallback), in one run. Host time = the time the cycle took in the simulator plus what
/// the simulator's cost model (<see cref="SimulatedHostCost"/>, public figures) charges for the
/// cmdlet calls and lazy WMI properties a real Hyper-V host would serve.
/// </summary>
internal static class WatchCostBenchmark
{
    private static readonly int[] Sizes = [50, 150, 500];

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var cycles = options.Int("cycles", 4);
        if (cycles < 2)
        {
            // The first cycle is the full read; the steady figures are the cycles after it.
            Console.Error.WriteLine($"watch-cost: --cycles must be at least 2 (the first cycle is the full read), not {cycles}.");
            return 2;
        }

        var heartbeat = TimeSpan.FromSeconds(2) + new HostConnectionSettings { Name = "h", Address = "h" }.Timeout;
        var root = RepositoryRoot();
        var before = Compose(
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "WatchCost", "Before.WatchInventory.ps1")),
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "WatchCost", "Before.Common.ps1")));
        var scripts = Path.Combine(root, "src", "NestedHvDashboard.PowerShell", "Scripts");
        var after = Compose(File.ReadAllText(Path.Combine(scripts, "WatchInventory.ps1")), File.ReadAllText(Path.Combine(scripts, "Common.ps1")));

        Console.WriteLine($"# watch-cost: one simulated host, cost model on (WAC #120: {SimulatedHostCost.CmdletCall.TotalMilliseconds:0} ms per call, " +
            $"{SimulatedHostCost.WmiPropertyRead.TotalMilliseconds:0} ms per lazy Get-VM property, {SimulatedHostCost.VmObject.TotalMilliseconds:0.0} ms per Get-VM object); " +
            $"median of {cycles - 1} cycles after the first; heartbeat limit {heartbeat.TotalSeconds:0} s");
        Console.WriteLine("| VMs | script | first cycle ms | steady cycle ms | calls/cycle | lazy reads/cycle | simulator ms | heartbeat |");
        Console.WriteLine("|----:|--------|---------------:|----------------:|------------:|-----------------:|-------------:|-----------|");
        double before500 = 0, fast500 = 0, config500 = 0;
        Dictionary<string, object> fastCycles = new() { ["Interval"] = 0.001, ["ConfigInterval"] = 3600.0, ["MetricsInterval"] = 0.0001 };
        foreach (var size in Sizes)
        {
            var old = await MeasureAsync(size, before, new() { ["Interval"] = 0.001 }, cycles);
            Print(size, "today's (every cycle reads everything)", old, heartbeat);
            var fast = await MeasureAsync(size, after, fastCycles, cycles);
            Print(size, "new, fast cycle: one GetSummaryInformation (+ metrics row)", fast, heartbeat);
            var fallback = await MeasureAsync(size, after, fastCycles, cycles, summaryFails: true);
            Print(size, "new, fast cycle, Get-VM fallback (summary call failing)", fallback, heartbeat);
            var config = await MeasureAsync(size, after, new() { ["Interval"] = 0.001, ["ConfigInterval"] = 0.0001, ["MetricsInterval"] = 0.0001 }, cycles);
            Print(size, "new, cycle that re-reads configuration", config, heartbeat);
            if (size == 500)
            {
                before500 = old.Steady;
                fast500 = fast.Steady;
                config500 = config.Steady;
            }
        }

        // At the defaults (Interval 2 s, ConfigInterval 30 s) one cycle in 15 re-reads the configuration.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"(watch_cost_500_ms is the new script's steady fast cycle, 14 cycles in 15 at the defaults; the cycle that re-reads every VM's configuration costs {config500:0} ms, on average {((14 * fast500) + config500) / 15:0} ms per cycle.)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"watch_cost_500_ms: {fast500:0} before_ms: {before500:0}"));
        return 0;
    }

    private static void Print(int size, string script, Measured m, TimeSpan heartbeat) =>
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {size} | {script} | {m.First:0} | {m.Steady:0} | {m.Calls:0.#} | {m.Reads:0.#} | {m.Simulator:0} | {(Math.Max(m.First, m.Steady) < heartbeat.TotalMilliseconds ? "ok" : "timeout")} |"));

    private sealed record Measured(double First, double Steady, double Calls, double Reads, double Simulator);

    private sealed record Cycle(double WallMs, double ChargedMs, long Calls, long Reads);

    private static async Task<Measured> MeasureAsync(int vms, string script, Dictionary<string, object> parameters, int cycles, bool summaryFails = false)
    {
        var lab = LabScenarios.Generate(1, vms, seed: 42);
        var host = lab.Hosts[0];
        if (summaryFails)
        {
            host.FailingCommands["Invoke-CimMethod"] = "Generic failure";
        }

        var cost = new SimulatedHostCost();
        host.Cost = cost;
        using var runspace = RunspaceFactory.CreateRunspace(SimulatorModule.CreateSessionState(host));
        runspace.Open();
        using var shell = System.Management.Automation.PowerShell.Create(runspace);
        shell.AddScript(script);
        foreach (var (name, value) in parameters)
        {
            shell.AddParameter(name, value);
        }

        var results = new List<Cycle>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        (double Wall, TimeSpan Charged, long Calls, long Reads) last = (0, TimeSpan.Zero, 0, 0);
        using var output = new PSDataCollection<PSObject>();
        output.DataAdded += (_, e) =>
        {
            var row = output[e.Index];
            if (row.Properties["Kind"]?.Value as string != "Tick")
            {
                return;
            }

            var now = (clock.Elapsed.TotalMilliseconds, cost.Charged, cost.Calls, cost.PropertyReads);
            lock (results)
            {
                results.Add(new Cycle(now.TotalMilliseconds - last.Wall, (now.Charged - last.Charged).TotalMilliseconds, now.Calls - last.Calls, now.PropertyReads - last.Reads));
                last = now;
                if (results.Count >= cycles)
                {
                    done.TrySetResult();
                }
            }
        };

        var invocation = shell.BeginInvoke<PSObject, PSObject>(null, output);
        await Task.WhenAny(done.Task, Task.Factory.FromAsync(invocation, _ => { }));
        shell.Stop();
        if (results.Count < cycles)
        {
            throw new InvalidOperationException($"The watch ended after {results.Count} cycles: {string.Join("; ", shell.Streams.Error.Select(e => e.ToString()))}");
        }

        // Host time of a cycle: the simulator's own time (less the 1 ms pause) plus what the cost model charged.
        var host0 = results[0];
        var steady = results.Skip(1).ToList();
        var median = steady.Select(c => c.WallMs - 1 + c.ChargedMs).Order().ElementAt(steady.Count / 2);
        return new Measured(
            host0.WallMs + host0.ChargedMs,
            median,
            steady.Average(c => c.Calls),
            steady.Average(c => c.Reads),
            steady.Select(c => c.WallMs - 1).Order().ElementAt(steady.Count / 2));
    }

    // As the engine composes its scripts: the shared functions right after the param block.
    private static string Compose(string body, string common)
    {
        var ast = Parser.ParseInput(body, out _, out var errors);
        if (errors.Length > 0)
        {
            throw new InvalidOperationException($"The watch script does not parse: {errors[0].Message}");
        }

        var split = ast.ParamBlock?.Extent.EndOffset ?? 0;
        return body[..split] + "\n" + common + "\n" + body[split..];
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NestedHvDashboard.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmark from the repository (./build.sh bench watch-cost): it reads the new watch script from src/.");
    }
}
