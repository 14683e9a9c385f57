using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.PowerShell;
using NestedHvDashboard.Simulator;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// Scenario "footprint": where the idle dashboard's memory and CPU go with in-process simulated hosts.
/// Per runspace: opening one with the simulator module imported (as before) against the shared session
/// state (now). Per host: a host as the app keeps it at rest (its pool open, its host-side watch running).
/// </summary>
internal static class FootprintBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var runspaces = options.Int("runspaces", 20);
        var hostCount = options.Int("hosts", 20);
        var vmsPerHost = options.Int("vms-per-host", 50);
        var idleSeconds = options.Int("idle-seconds", 10);
        var lab = LabScenarios.Generate(Math.Max(hostCount, 1), vmsPerHost, seed: 42);
        Console.WriteLine($"# footprint: {runspaces} runspaces per kind, opened one after another; {hostCount} hosts x {vmsPerHost} VMs at rest for {idleSeconds} s; {Environment.ProcessorCount} cores, load {Load()}");

        var start = Sample();
        Console.WriteLine($"# process at start: {start.RssMb:0} MB RSS, {start.Threads} threads");
        Console.WriteLine();
        Console.WriteLine("| runspace | opened | open ms (median) | RSS MB per runspace | managed MB per runspace |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var host = lab.Hosts[0];
        Row("module imported per runspace (before)", MeasureRunspaces(runspaces, () => ImportedPerRunspace(host)));
        Row("shared session state, cloned (now)", MeasureRunspaces(runspaces, () => SimulatorModule.CreateSessionState(host)));

        Console.WriteLine();
        Console.WriteLine("| hosts at rest | RSS MB | RSS MB per host | threads | threads per host | CPU % of one core | CPU % per host |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        var idle = await MeasureHostsAsync(lab, hostCount, TimeSpan.FromSeconds(idleSeconds));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {hostCount} (pool + host-side watch each) | {idle.RssMb:0} | {idle.RssMbPerHost:0.0} | {idle.Threads} | {idle.ThreadsPerHost:0.0} | {idle.CpuPercent:0.0} | {idle.CpuPercent / hostCount:0.00} |"));
        Console.WriteLine($"footprint: rss_mb_per_host {idle.RssMbPerHost:0.0} cpu_pct_per_host {idle.CpuPercent / hostCount:0.00} load {Load()}");
        return 0;

        static void Row(string name, RunspaceFigures f) =>
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {f.Count} | {f.OpenMsMedian:0} | {f.RssMbEach:0.00} | {f.ManagedMbEach:0.00} |"));
    }

    // What every in-process host did before: a default session state importing the module's manifest, bound to the host.
    private static InitialSessionState ImportedPerRunspace(SimulatedHost host)
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(SimulatorModule.ManifestPath);
        state.Variables.Add(new SessionStateVariableEntry(SimulatorModule.HostVariableName, host, "bench", ScopedItemOptions.ReadOnly));
        return state;
    }

    private static RunspaceFigures MeasureRunspaces(int count, Func<InitialSessionState> state)
    {
        using (var warm = RunspaceFactory.CreateRunspace(state()))
        {
            warm.Open();
        }

        var before = Sample();
        var times = new List<double>();
        var opened = new List<Runspace>();
        for (var i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            var runspace = RunspaceFactory.CreateRunspace(state());
            runspace.Open();
            using (var shell = System.Management.Automation.PowerShell.Create(runspace))
            {
                shell.AddCommand("Get-VM").Invoke();
            }

            times.Add(clock.Elapsed.TotalMilliseconds);
            opened.Add(runspace);
        }

        var after = Sample();
        foreach (var runspace in opened)
        {
            runspace.Dispose();
        }

        times.Sort();
        return new RunspaceFigures(count, times[count / 2], (after.RssMb - before.RssMb) / count, (after.ManagedMb - before.ManagedMb) / count);
    }

    private static async Task<HostFigures> MeasureHostsAsync(SimulatedLab lab, int count, TimeSpan idle)
    {
        var before = Sample();
        var watch = new HostSideInventoryWatch(TimeSpan.FromSeconds(2));
        using var stop = new CancellationTokenSource();
        var hosts = lab.Hosts.Take(count)
            .Select(h => HyperVHostFactory.Create(new HostConnectionSettings { Name = h.Name, Address = h.Name, Transport = HostTransport.InProcess }, lab))
            .ToList();
        var first = hosts.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToList();
        var loops = hosts.Select((h, i) => Task.Run(async () =>
        {
            try
            {
                await foreach (var _ in watch.WatchAsync(new MonitoredHost(h, TimeSpan.FromMinutes(2)), stop.Token))
                {
                    first[i].TrySetResult();
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped at the end.
            }
        })).ToList();
        await Task.WhenAll(first.Select(f => f.Task));

        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.Delay(idle);
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / clock.Elapsed.TotalMilliseconds * 100;
        var after = Sample();

        await stop.CancelAsync();
        await Task.WhenAll(loops);
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }

        return new HostFigures(after.RssMb, (after.RssMb - before.RssMb) / count, after.Threads, (double)(after.Threads - before.Threads) / count, cpu);
    }

    private static ProcessSample Sample()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return new ProcessSample(process.WorkingSet64 / 1048576.0, GC.GetTotalMemory(false) / 1048576.0, process.Threads.Count);
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private sealed record ProcessSample(double RssMb, double ManagedMb, int Threads);

    private sealed record RunspaceFigures(int Count, double OpenMsMedian, double RssMbEach, double ManagedMbEach);

    private sealed record HostFigures(double RssMb, double RssMbPerHost, int Threads, double ThreadsPerHost, double CpuPercent);
}
