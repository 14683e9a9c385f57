extern alias Web;

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Browser.Tests;
using NestedHvDashboard.PowerShell.Tests.Ssh;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;
using Web::NestedHvDashboard.Web.Access;
using Web::NestedHvDashboard.Web.Audit;
using Web::NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// Scenario "soak" (issue 11 part 3): the real app as a child process on the default simulated lab plus N SSH pwsh hosts,
/// random changes at a fixed rate through the API and through the UI (a headless Chromium flipping the nested switch on
/// VM pages, <see cref="SoakBrowser"/>), hub clients on the live feed, and one SSH host killed and restarted every interval.
/// Prints the app's RSS and thread slope after warm-up, open handles, ssh processes, audit entries against attempts (API
/// and UI) and errors by kind; the last line is <c>soak: rss_slope_mb_per_min N audit_missing N leaked_ssh N</c>.
/// </summary>
internal static class SoakBenchmark
{
    private const int MaxConcurrency = 2;
    private static readonly string[] ChangeActions = ["Enable nested", "Disable nested"];

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var duration = TimeSpan.FromMinutes(options.Int("minutes", 30));
        var sshHosts = options.Int("hosts", 10);
        var rate = options.Int("rate", 2);
        var clients = options.Int("clients", 50);
        var killEvery = TimeSpan.FromSeconds(options.Int("kill-every-seconds", 120));
        // One change in eight through the UI by default (a flip every 4 s of the 2/s); the API makes the rest.
        var uiEverySeconds = options.Int("ui-every-seconds", 4);
        var apiRate = uiEverySeconds > 0 ? rate - (1.0 / uiEverySeconds) : rate;
        if (apiRate <= 0)
        {
            Console.Error.WriteLine($"soak: --rate {rate} leaves nothing for the API after the UI's flip every {uiEverySeconds} s; raise --rate or --ui-every-seconds");
            return 2;
        }

        var warmUp = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(5).Ticks, duration.Ticks / 3));
        Console.WriteLine($"soak: {duration.TotalMinutes:0} min (warm-up {warmUp.TotalMinutes:0.#} min), default lab + {sshHosts} SSH hosts, {rate} changes/s ({(uiEverySeconds > 0 ? $"one through the UI every {uiEverySeconds} s, the rest" : "all")} through the API), {clients} hub clients, an SSH host killed every {killEvery.TotalSeconds:0} s");

        var hosts = await Task.WhenAll(Enumerable.Range(1, sshHosts).Select(i => SshTestHost.StartAsync($"SOAK-{i:00}", HostState($"SOAK-{i:00}"))));
        try
        {
            await using var app = await DashboardProcess.StartAsync([.. AppArguments(hosts)]);
            var token = await CreateTokenAsync(app.DataFolder);
            await using var load = new SoakLoad(app.BaseAddress, token);
            var ready = Stopwatch.StartNew();
            while ((await load.GetAsync("/api/v1/hosts")).Count(h => h.GetProperty("status").GetString() == "connected") < 5 + sshHosts)
            {
                if (ready.Elapsed > TimeSpan.FromMinutes(5))
                {
                    Console.WriteLine("soak: not every host connected within 5 minutes; going on with those that are");
                    break;
                }

                await Task.Delay(500);
            }

            Console.WriteLine($"hosts connected after {ready.Elapsed.TotalSeconds:0} s; app pid {app.ProcessId}");
            await load.StartHubClientsAsync(clients);
            await using var browsers = uiEverySeconds > 0 ? await ScaleBrowsers.LaunchAsync(app.BaseAddress) : null;
            var listed = new SoakVms();
            var ui = browsers is null ? null : new SoakBrowser(browsers, listed);
            var soakStart = DateTime.UtcNow;
            var samples = new List<SoakSample>();
            var kills = new List<string>();
            using var stop = new CancellationTokenSource(duration);
            var sampling = SampleAsync(app.ProcessId, load, samples, stop.Token);
            var killing = KillAsync(hosts, load, killEvery, kills, stop.Token);
            var flipping = ui is not null ? ui.RunAsync(TimeSpan.FromSeconds(uiEverySeconds), stop.Token) : Task.CompletedTask;
            await ChangeAsync(load, listed, apiRate, stop.Token);
            await Task.WhenAll(sampling, killing, flipping);

            await load.DrainAsync(TimeSpan.FromMinutes(3));
            var final = SoakSample.Of(app.ProcessId, load, DateTime.UtcNow);
            var (entries, open, unmatched) = await AuditAsync(app.DataFolder, soakStart, load.Operations);
            var (uiEntries, uiOpen) = await BrowserAuditAsync(app.DataFolder, soakStart);
            Report(samples, final, warmUp, kills, load, (entries, open, unmatched), ui, (uiEntries, uiOpen), sshHosts);
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

    /// <summary>Six VMs per host: three running, three off, some with nested virtualization on.</summary>
    private static SimulatedHost HostState(string name)
    {
        var host = new SimulatedHost(name) { Timing = SimulationTiming.Fast() };
        for (var i = 0; i < 6; i++)
        {
            var index = i;
            host.AddVm($"soak-vm{i + 1}", vm =>
            {
                vm.ExposeVirtualizationExtensions = index % 2 == 0;
                if (index < 3)
                {
                    vm.State = VMState.Running;
                    vm.RunningSince = DateTimeOffset.UtcNow.AddHours(-1);
                }
            });
        }

        return host;
    }

    private static IEnumerable<string> AppArguments(SshTestHost[] hosts)
    {
        yield return "--Simulator:KeepLab";
        yield return "true";
        yield return "--Serilog:MinimumLevel:Default";
        yield return "Warning";
        for (var i = 0; i < hosts.Length; i++)
        {
            var settings = hosts[i].Settings(TimeSpan.FromSeconds(15));
            foreach (var (key, value) in new[]
            {
                ("Name", settings.Name), ("Address", settings.Address), ("Port", settings.Port!.Value.ToString(CultureInfo.InvariantCulture)),
                ("Transport", "Ssh"), ("UserName", settings.UserName!), ("KeyFilePath", settings.KeyFilePath!), ("KnownHostsFile", settings.KnownHostsFile!),
                ("Timeout", "00:00:15"), ("MaxConcurrency", MaxConcurrency.ToString(CultureInfo.InvariantCulture)),
            })
            {
                yield return $"--Hosts:{i}:{key}";
                yield return value;
            }
        }
    }

    internal static async Task<string> CreateTokenAsync(string dataFolder)
    {
        var factory = Database(dataFolder);
        var tokens = new ApiTokens(factory, new DbAuditTrail(factory, TimeProvider.System, NullLogger<DbAuditTrail>.Instance), TimeProvider.System);
        var (created, error) = await tokens.CreateAsync(new Actor(DashboardProcess.AdminUser, DashboardRoles.Administrator, Channels.Browser, "127.0.0.1"), "soak", 1);
        return created?.Token ?? throw new InvalidOperationException($"No API token: {error}");
    }

    // Lists the VMs every 10 s (for both paths: the UI reads the same list, so the token's rate limit sees one listing).
    private static async Task ChangeAsync(SoakLoad load, SoakVms shared, double rate, CancellationToken stop)
    {
        var random = new Random(11);
        IReadOnlyList<(string Host, JsonElement Vm)> vms = [];
        var listed = DateTime.MinValue;
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / rate));
        var inFlight = new List<Task>();
        try
        {
            while (await tick.WaitForNextTickAsync(stop))
            {
                if (DateTime.UtcNow - listed > TimeSpan.FromSeconds(10))
                {
                    listed = DateTime.UtcNow;
                    vms = shared.Vms = await load.ListVmsAsync() ?? vms;
                }

                inFlight.RemoveAll(t => t.IsCompleted);
                inFlight.Add(load.ChangeAsync(vms, random));
            }
        }
        catch (OperationCanceledException)
        {
            // The soak's time is up.
        }

        await Task.WhenAll(inFlight);
    }

    private static async Task KillAsync(SshTestHost[] hosts, SoakLoad load, TimeSpan every, List<string> kills, CancellationToken stop)
    {
        var next = 0;
        try
        {
            while (true)
            {
                await Task.Delay(every, stop);
                var host = hosts[next++ % hosts.Length];
                var clock = Stopwatch.StartNew();
                host.Kill();
                var down = await WaitForStatusAsync(load, host.Name, s => s != "connected", TimeSpan.FromSeconds(60));
                await host.RestartAsync();
                clock.Restart();
                var back = await WaitForStatusAsync(load, host.Name, s => s == "connected", TimeSpan.FromMinutes(3));
                kills.Add($"{host.Name}: seen down {(down ? "yes" : "no")}, connected again {(back ? $"after {clock.Elapsed.TotalSeconds:0} s" : "not within 3 min")}");
            }
        }
        catch (OperationCanceledException)
        {
            // The soak's time is up.
        }
    }

    private static async Task<bool> WaitForStatusAsync(SoakLoad load, string host, Func<string?, bool> wanted, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (wanted(await load.HostStatusAsync(host)))
            {
                return true;
            }

            // Once a second: with the change load and the listings, a faster poll put the token over its rate limit.
            await Task.Delay(1000);
        }

        return false;
    }

    private static async Task SampleAsync(int pid, SoakLoad load, List<SoakSample> samples, CancellationToken stop)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(5));
        try
        {
            do
            {
                samples.Add(SoakSample.Of(pid, load, DateTime.UtcNow));
            }
            while (await tick.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException)
        {
            // The soak's time is up.
        }
    }

    private static async Task<(int Entries, int Open, int Unmatched)> AuditAsync(string dataFolder, DateTime since, IReadOnlyCollection<Guid> operations)
    {
        await using var db = Database(dataFolder).CreateDbContext();
        var rows = await db.AuditEntries.AsNoTracking()
            .Where(e => e.StartedAt >= since && e.Channel == Channels.Api && ChangeActions.Contains(e.Action))
            .Select(e => new { e.CorrelationId, e.Result })
            .ToListAsync();
        var ids = rows.Where(r => r.CorrelationId is not null).Select(r => r.CorrelationId!.Value).ToHashSet();
        return (rows.Count, rows.Count(r => r.Result == AuditResults.Started), operations.Count(id => !ids.Contains(id)));
    }

    // The UI's nested changes: Browser-channel entries since the soak started (only the soak's browser makes them).
    private static async Task<(int Entries, int Open)> BrowserAuditAsync(string dataFolder, DateTime since)
    {
        await using var db = Database(dataFolder).CreateDbContext();
        var results = await db.AuditEntries.AsNoTracking()
            .Where(e => e.StartedAt >= since && e.Channel == Channels.Browser && ChangeActions.Contains(e.Action))
            .Select(e => e.Result)
            .ToListAsync();
        return (results.Count, results.Count(r => r == AuditResults.Started));
    }

    private static ContextFactory Database(string dataFolder) =>
        new ContextFactory(new DbContextOptionsBuilder<SqliteDashboardDbContext>()
            .UseSqlite($"Data Source={Path.Combine(dataFolder, "dashboard.db")};Pooling=false").Options);

    private static void Report(
        List<SoakSample> samples, SoakSample final, TimeSpan warmUp, List<string> kills, SoakLoad load, (int Entries, int Open, int Unmatched) api, SoakBrowser? ui,
        (int Entries, int Open) uiAudit, int sshHosts)
    {
        var start = samples[0].At;
        var steady = samples.Where(s => s.At - start >= warmUp).ToList();
        var rssSlope = SoakSample.Slope(steady, s => s.RssMb);
        var threadSlope = SoakSample.Slope(steady, s => s.Threads);
        Console.WriteLine();
        Console.WriteLine("| minute | RSS MB | threads | open fds | ssh processes | hub items |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var sample in samples.Where((_, i) => i % 12 == 0).Append(final))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {(sample.At - start).TotalMinutes:0.0} | {sample.RssMb:0.0} | {sample.Threads} | {sample.OpenFds} | {sample.SshProcesses} | {sample.HubItems} |"));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RSS slope after warm-up: {rssSlope:0.00} MB/min; threads slope: {threadSlope:0.00}/min ({steady.Count} samples)"));
        Console.WriteLine($"hub clients connected at the end: {load.HubClients}; feed items received: {load.HubItems}");
        Console.WriteLine($"host kills: {kills.Count}");
        foreach (var kill in kills)
        {
            Console.WriteLine($"  {kill}");
        }

        Console.WriteLine($"attempts: nested {load.NestedAttempts} accepted, MAC spoofing {load.MacAttempts} answered 2xx; audit entries (API, nested): {api.Entries}, still Started: {api.Open}, accepted operations without an entry: {api.Unmatched}");
        var uiMissing = Math.Max(0, (ui?.Attempts ?? 0) - uiAudit.Entries);
        Console.WriteLine(ui is null
            ? "UI: off (--ui-every-seconds 0)"
            : $"UI: {ui.Attempts} switch flips taken ({ui.Succeeded} done); audit entries (Browser, nested): {uiAudit.Entries}, still Started: {uiAudit.Open}, flips without an entry: {uiMissing}");
        Console.WriteLine("errors by kind:");
        foreach (var (kind, count) in load.Errors.Concat(ui?.Errors ?? new Dictionary<string, int>()).OrderByDescending(e => e.Value))
        {
            Console.WriteLine($"  {kind}: {count}");
        }

        // At most MaxConcurrency sessions per SSH host are legitimate; anything above is a session nobody closed.
        var leaked = Math.Max(0, final.SshProcesses - (sshHosts * MaxConcurrency));
        var missing = api.Unmatched + api.Open + uiMissing + uiAudit.Open;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"soak: rss_slope_mb_per_min {rssSlope:0.00} audit_missing {missing} leaked_ssh {leaked}"));
    }

    private sealed class ContextFactory(DbContextOptions<SqliteDashboardDbContext> options) : IDbContextFactory<DashboardDbContext>
    {
        public DashboardDbContext CreateDbContext() => new SqliteDashboardDbContext(options);
    }

    /// <summary>The VMs last listed (running or off), shared by the API and UI paths.</summary>
    internal sealed class SoakVms
    {
        private IReadOnlyList<(string Host, JsonElement Vm)> _vms = [];

        public IReadOnlyList<(string Host, JsonElement Vm)> Vms
        {
            get => Volatile.Read(ref _vms);
            set => Volatile.Write(ref _vms, value);
        }
    }
}
