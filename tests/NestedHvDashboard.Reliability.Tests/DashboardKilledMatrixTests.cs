using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using NestedHvDashboard.Browser.Tests;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.PowerShell;
using NestedHvDashboard.PowerShell.Tests.Ssh;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;
using Xunit.Abstractions;

namespace NestedHvDashboard.Reliability.Tests;

/// <summary>
/// The dashboard killed with kill -9 at each step of every one-VM nested change of the matrix (<see cref="ChangeKind.Nested"/>:
/// enable on a VM that is off, enable and disable with shut down and with turn off, and the enable with the dynamic-memory and
/// MAC-spoofing fixes; the steps generated from each change's plan), started through the API against an SSH pwsh host, then
/// started again on the same data: the entry is Interrupted and says at which step (and, when the change had stopped the VM
/// and not started it again, that the VM may be left Off), nothing is run twice, the VM has exactly what the steps before
/// the killed one did, and the restarted app shows it so, through the API and in Chromium (the activity page and the VM's page).
/// The suite runs one step per change (each change a different kind of step: the stop, the set after it, the start);
/// FAULT_MATRIX_ALL=1 runs every step of every change.
/// </summary>
[Trait("Category", "FaultMatrix")]
public sealed class DashboardKilledMatrixTests(ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // As the page and guest lanes: every change here is ended by the kill, never by the host's timeout, and on a busy 2-core
    // box (this lane beside the browser lane and five others) a step of a shut-down change took past 15 s, so the change
    // failed before the step the case kills at (a fresh-clone run: "Waited 120 s for Set-VMProcessor reached").
    private const string HostTimeout = "00:01:30";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(180);
    private static readonly string[] ChangingCommands = ["Stop-VM", "Set-VMProcessor", "Set-VMMemory", "Set-VMNetworkAdapter", "Start-VM"];

    // The suite's step of each change: between them the stop (during it), a set while the change has the VM Off, the start
    // (during it) and the companion fixes' last set; the VM that was off has only its Set-VMProcessor.
    private static readonly Dictionary<string, OperationStepKind> Sample = new()
    {
        ["enable, VM off"] = OperationStepKind.SetNestedVirtualization,
        ["enable, shut down"] = OperationStepKind.SetNestedVirtualization,
        ["enable, turn off"] = OperationStepKind.Start,
        ["disable, shut down"] = OperationStepKind.ShutDown,
        ["disable, turn off"] = OperationStepKind.SetNestedVirtualization,
        ["enable + dynamic memory off + MAC spoofing, shut down"] = OperationStepKind.SetMacAddressSpoofing,
    };

    [Fact]
    public async Task Killed_at_every_step_of_every_one_vm_change_the_restarted_dashboard_says_where_it_stopped_and_runs_nothing_twice()
    {
        Assert.True(File.Exists(DashboardKilledGuestMatrixTests.ChromiumPath), $"{DashboardKilledGuestMatrixTests.ChromiumPath} is missing: ./build.sh test installs the Debian chromium package.");
        var scenarios = FaultScenario.All.Where(s => s.Kind is ChangeKind.Nested).ToList();
        Assert.Equal(Sample.Keys.Order(), scenarios.Select(s => s.Name).Order());
        const string hostName = "FAULT-APP";
        await using var host = await SshTestHost.StartAsync(hostName, SimulatedHost.FromJson(scenarios[0].State(hostName)));

        // Each change's host and its steps, planned from the VM as the engine reads it (one engine for all, before the app starts).
        var cases = new List<(FaultScenario Scenario, string State, Guid VmId, IReadOnlyList<ChangeStep> Steps)>();
        await using (var engine = HyperVHostFactory.Create(host.Settings(TimeSpan.FromSeconds(120))))
        {
            foreach (var scenario in scenarios)
            {
                var state = scenario.State(hostName);
                SimulatedHost.FromJson(state).SaveToFile(host.StateFile);
                var vmId = host.ReadState().FindVm(scenario.VmNames[0])!.Id;
                cases.Add((scenario, state, vmId, FaultCases.NestedSteps(scenario, [await engine.GetVmAsync(vmId, CancellationToken.None)], await engine.GetHostFactsAsync(CancellationToken.None))));
            }
        }

        var every = Environment.GetEnvironmentVariable("FAULT_MATRIX_ALL") == "1";
        await using var app = await DashboardProcess.StartAsync(Arguments(host, HostTimeout));
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await CreateTokenAsync(app.DataFolder));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await OutcomeOnPage.LaunchAsync(playwright);
        var signedIn = await DashboardKilledGuestMatrixTests.SignInAsync(browser, app);
        var verdicts = new List<CaseVerdict>();
        var generated = 0;
        foreach (var (scenario, state, vmId, steps) in cases)
        {
            generated += steps.Count;
            foreach (var step in every ? steps : [steps.First(s => s.Kind == Sample[scenario.Name])])
            {
                verdicts.Add(await RunAsync(host, app, http, browser, signedIn, scenario, state, vmId, steps, step));
                output.WriteLine(HostFaultMatrix.Row(verdicts[^1]));
            }
        }

        output.WriteLine($"fault matrix, dashboard killed in one-VM changes: {verdicts.Count} cases ({generated} generated), {verdicts.Count(v => v.Passed)} passed, {verdicts.Sum(v => v.Took.TotalSeconds):0} s");
        foreach (var group in verdicts.GroupBy(v => v.Case.Split(" @ ")[0]))
        {
            output.WriteLine($"  {group.Key}: {group.Count()} cases, {group.Count(v => v.Passed)} passed");
        }

        Assert.Equal(every ? generated : scenarios.Count, verdicts.Count);
        var failed = verdicts.Where(v => !v.Passed).ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed.Select(v => $"{v.Case}: {string.Join("; ", v.Problems)}")));
    }

    [Fact]
    public async Task Killed_during_a_MAC_spoofing_change_the_restarted_dashboard_marks_it_interrupted_and_sets_nothing_again()
    {
        var scenario = FaultScenario.All.Single(s => s.Kind is ChangeKind.MacSpoofing);
        const string hostName = "FAULT-APP-MAC";
        var state = scenario.State(hostName);
        await using var host = await SshTestHost.StartAsync(hostName, SimulatedHost.FromJson(state));
        var vmId = host.ReadState().FindVm(scenario.VmNames[0])!.Id;
        var step = Assert.Single(FaultCases.MacSpoofingSteps(scenario.VmNames[0]));
        await using var app = await DashboardProcess.StartAsync(Arguments(host, HostTimeout));
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await CreateTokenAsync(app.DataFolder));
        var started = DateTime.UtcNow;
        var problems = new List<string>();
        var vmPath = new Uri($"/api/v1/hosts/{host.Name}/vms/{vmId}", UriKind.Relative);
        // The app's first connection: 180 s, as the page matrix waits. This test starts with four other dashboards and their
        // hosts, and the browser lane's (a CI run saw 120 s pass here); a timeout's message carries the app's log.
        await app.HoldsAsync(async () => await VmAsync(http, vmPath) is { State: "Running" }, Wait, "the app seeing the VM Running");

        // The PUT answers when the host has answered: it hangs with the cmdlet, and the kill ends it. Its own client has no
        // timeout of its own: a CI run's 30 s client gave up before the busy host reached the cmdlet, and the app, seeing the
        // request aborted, canceled the change (correctly) before the step this test kills at.
        SimulatedFaults.Arm(host.StateFile, new SimulatedFault { Command = step.Command, Call = step.Call, Kind = SimulatedFaultKind.Hang });
        using var changeHttp = new HttpClient { BaseAddress = app.BaseAddress, Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        changeHttp.DefaultRequestHeaders.Authorization = http.DefaultRequestHeaders.Authorization;
        var put = changeHttp.PutAsJsonAsync(new Uri($"{vmPath}/adapters/mac-spoofing", UriKind.Relative), new { enabled = true }, Json);
        await app.HoldsAsync(() => SimulatedFaults.Read(host.StateFile)?.Faults.Exists(f => f.TriggeredAt is not null) == true, Wait, $"{step.Command} reached");
        var callsAtKill = SimulatedFaults.Read(host.StateFile)!.Calls.GetValueOrDefault(step.Command);
        await app.RestartAsync();
        try
        {
            using var answered = await put;
            problems.Add($"the PUT was answered {(int)answered.StatusCode} although the app was killed during it");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            // The connection died with the app: the caller learns nothing from this request, the audit trail must say it.
        }

        await app.HoldsAsync(async () => await VmAsync(http, vmPath) is not null, Wait, "the restarted app listing the VM");
        await using (var db = Database(app.DataFolder).CreateDbContext())
        {
            var entries = await db.AuditEntries.AsNoTracking().Where(e => e.Action == "MAC spoofing on" && e.VmId == vmId).ToListAsync();
            Expect(entries.Count == 1, $"{entries.Count} audit entries for the change, not 1", problems);
            Expect(entries.Count == 1 && entries[0].Result == AuditResults.Interrupted, $"the entry is {string.Join(",", entries.Select(e => e.Result))}, not Interrupted", problems);
        }

        // A few seconds for anything that would replay the change after the restart.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var callsAfter = SimulatedFaults.Read(host.StateFile)!.Calls.GetValueOrDefault(step.Command);
        Expect(callsAfter == callsAtKill, $"{step.Command} ran again after the restart: {callsAtKill} → {callsAfter}", problems);
        var after = host.ReadState().FindVm(vmId)!;
        Expect(after.State == VMState.Running, $"VM {after.State}, not Running as it was", problems);
        Expect(after.NetworkAdapters.TrueForAll(a => !a.MacAddressSpoofing), "an adapter's MAC spoofing changed although the cmdlet hung before changing it", problems);
        // sshd restarted first: disarmed while the old session still hangs, the hung cmdlet could go on and finish its step.
        await host.RestartAsync();
        SimulatedFaults.Disarm(host.StateFile);

        var verdict = new CaseVerdict(
            $"{scenario.Name} @ {step.Title} ({step.Command} #{step.Call}) × dashboard killed (kill -9) and restarted",
            "1 Interrupted entry; nothing set again; VM Running, spoofing off",
            $"calls {step.Command} {callsAtKill} → {callsAfter}; VM {after.State}, spoofing {(after.NetworkAdapters.Any(a => a.MacAddressSpoofing) ? "on" : "off")}",
            problems,
            DateTime.UtcNow - started);
        output.WriteLine(HostFaultMatrix.Row(verdict));
        output.WriteLine($"fault matrix, dashboard killed in a MAC spoofing change: 1 cases, {(verdict.Passed ? 1 : 0)} passed, {verdict.Took.TotalSeconds:0} s");
        Assert.True(verdict.Passed, string.Join("; ", problems));
    }

    private static async Task<CaseVerdict> RunAsync(
        SshTestHost host, DashboardProcess app, HttpClient http, IBrowser browser, string signedIn, FaultScenario scenario, string state, Guid vmId, IReadOnlyList<ChangeStep> steps, ChangeStep step)
    {
        var started = DateTime.UtcNow;
        var cell = $"{scenario.Name} @ {step.Title} ({step.Command} #{step.Call}) × dashboard killed (kill -9) and restarted";
        var problems = new List<string>();
        SimulatedHost.FromJson(state).SaveToFile(host.StateFile);
        var before = host.ReadState().FindVm(vmId)!;
        var vmPath = new Uri($"/api/v1/hosts/{host.Name}/vms/{vmId}", UriKind.Relative);
        var was = scenario.Running ? "Running" : "Off";
        await app.HoldsAsync(async () => await VmAsync(http, vmPath) is { } vm && vm.State == was && vm.Nested == before.ExposeVirtualizationExtensions, Wait, $"the app seeing the VM {was} with nested {(before.ExposeVirtualizationExtensions ? "on" : "off")}");

        SimulatedFaults.Arm(host.StateFile, new SimulatedFault { Command = step.Command, Call = step.Call, Kind = SimulatedFaultKind.Hang });
        var whenRunning = scenario.Power switch { PowerAction.ShutDown => "shutDown", PowerAction.TurnOff => "turnOff", _ => null };
        using var posted = await http.PostAsJsonAsync(
            new Uri($"{vmPath}/nested", UriKind.Relative),
            new { enabled = scenario.Enable, whenRunning, macAddressSpoofing = scenario.MacSpoofing, disableDynamicMemory = scenario.DynamicMemoryOff },
            Json);
        if (!posted.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The API refused the change: {(int)posted.StatusCode} {await posted.Content.ReadAsStringAsync()}");
        }

        var operation = (await posted.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("id").GetGuid();
        await app.HoldsAsync(() => SimulatedFaults.Read(host.StateFile)?.Faults.Exists(f => f.TriggeredAt is not null) == true, Wait, $"{step.Command} reached");

        // kill -9 (Process.Kill) and a new process on the same port and data folder.
        await app.RestartAsync();
        var callsAtKill = Calls(host);
        await app.HoldsAsync(async () => await VmAsync(http, vmPath) is not null, Wait, "the restarted app listing the VM");

        var entries = await EntriesAsync(app.DataFolder, operation);
        Expect(entries.Count == 1, $"{entries.Count} audit entries for the operation, not 1", problems);
        Expect(entries.Count == 1 && entries[0].Result == AuditResults.Interrupted, $"the entry is {string.Join(",", entries.Select(e => e.Result))}, not Interrupted", problems);
        var all = await DashboardKilledGuestMatrixTests.EntriesAsync(app.DataFolder);
        Expect(!all.Exists(e => e.Result == AuditResults.Started), $"entries left Started: {string.Join(", ", all.Where(e => e.Result == AuditResults.Started).Select(e => $"{e.Id} {e.Action}"))}", problems);
        Expect(Calls(host).SequenceEqual(callsAtKill), $"a change ran again after the restart: {Format(callsAtKill)} → {Format(Calls(host))}", problems);

        // What the steps before the killed one did (the simulator's hang comes before its cmdlet changes anything): the VM's power
        // as the last stop or start among them left it, and each setting changed only when its Set-* ran.
        var ran = steps.Where(s => s.Index < step.Index).ToList();
        var lastPower = ran.LastOrDefault(s => s.Kind is OperationStepKind.ShutDown or OperationStepKind.TurnOff or OperationStepKind.Start);
        var running = lastPower is null ? scenario.Running : lastPower.Kind is OperationStepKind.Start;
        var nested = ran.Exists(s => s.Kind is OperationStepKind.SetNestedVirtualization) ? scenario.Enable : before.ExposeVirtualizationExtensions;
        var dynamicMemory = !ran.Exists(s => s.Kind is OperationStepKind.SetDynamicMemory) && before.DynamicMemoryEnabled;
        var spoofing = ran.Exists(s => s.Kind is OperationStepKind.SetMacAddressSpoofing);
        var after = host.ReadState().FindVm(vmId)!;
        var now = after.StateAt(DateTimeOffset.UtcNow);
        Expect(now == (running ? VMState.Running : VMState.Off), $"VM {now}, expected {(running ? "Running" : "Off")}", problems);
        Expect(after.ExposeVirtualizationExtensions == nested, $"nested {OnOff(after.ExposeVirtualizationExtensions)}, expected {OnOff(nested)}", problems);
        Expect(after.DynamicMemoryEnabled == dynamicMemory, $"dynamic memory {OnOff(after.DynamicMemoryEnabled)}, expected {OnOff(dynamicMemory)}", problems);
        Expect(after.NetworkAdapters.TrueForAll(a => a.MacAddressSpoofing == spoofing), $"MAC spoofing {string.Join(",", after.NetworkAdapters.Select(a => OnOff(a.MacAddressSpoofing)))}, expected {OnOff(spoofing)}", problems);

        // The audit says where it stopped: the step (k of n, its title) and, when this change had the VM Off or was stopping or
        // starting it, that the VM may be left Off. A VM that was running and is Off now must never go unsaid.
        var message = entries.Count == 1 ? entries[0].Message ?? "" : "";
        var stopped = scenario.Power is PowerAction.TurnOff ? "turned off" : "shut down";
        var says = new List<string> { $"step {step.Index + 1} of {steps.Count}, '{step.Title}'" };
        if (step.Kind is OperationStepKind.ShutDown or OperationStepKind.TurnOff)
        {
            says.Add($"The VM was being {stopped} by this change: it may be left Off");
        }
        else if (ran.Exists(s => s.Kind is OperationStepKind.ShutDown or OperationStepKind.TurnOff))
        {
            says.Add($"This change had {stopped} the VM and");
            says.Add("the VM may be left Off; start it if it should run");
        }

        foreach (var said in says)
        {
            Expect(message.Contains(said, StringComparison.Ordinal), $"the Interrupted entry does not say \"{said}\": {message}", problems);
        }

        Expect(!(scenario.Running && now == VMState.Off) || message.Contains("may be left Off", StringComparison.Ordinal), $"the VM was Running and is Off, and the audit does not say so: {message}", problems);
        Expect(scenario.Running || !message.Contains("may be left Off", StringComparison.Ordinal), $"the audit says a VM that was off may be left Off by the change: {message}", problems);

        // The restarted app shows the VM as the host has it: through the API, then in Chromium on the activity page and the VM's page.
        await app.HoldsAsync(async () => await VmAsync(http, vmPath) is { } vm && vm.State == now.ToString() && vm.Nested == after.ExposeVirtualizationExtensions,
            TimeSpan.FromSeconds(60), "the app showing the VM's real state");
        var onPage = entries.Count == 1
            ? await OutcomeOnPage.ExpectInterruptedAsync(browser, app, signedIn, host.Name, entries[0].Id, says, problems)
            : "no entry to look for";
        var vmPage = await OutcomeOnPage.ExpectVmShownAsync(browser, app, signedIn, host.Name, vmId, now.ToString(), after.ExposeVirtualizationExtensions, problems);

        // The hung session is the old app's; end it (sshd restarted) so it can never finish its step during the next case.
        // sshd restarted first: disarmed while the old session still hangs, the hung cmdlet could go on and finish its step.
        await host.RestartAsync();
        SimulatedFaults.Disarm(host.StateFile);
        var expected = $"1 Interrupted entry naming step {step.Index + 1} of {steps.Count}{(says.Count > 1 ? " and that the VM may be left Off" : "")}, none Started; nothing run again; VM {(running ? "Running" : "Off")}, nested {OnOff(nested)}" +
                       $"{(scenario.DynamicMemoryOff ? $", dynamic memory {OnOff(dynamicMemory)}, spoofing {OnOff(spoofing)}" : "")}; shown so by the restarted app (API, /activity, VM page)";
        var actual = $"audit {string.Join(",", entries.Select(e => e.Result))}; calls {Format(Calls(host, callsAtKill))}; VM {now}, nested {OnOff(after.ExposeVirtualizationExtensions)}" +
                     $"{(scenario.DynamicMemoryOff ? $", dynamic memory {OnOff(after.DynamicMemoryEnabled)}, spoofing {OnOff(after.NetworkAdapters.Exists(a => a.MacAddressSpoofing))}" : "")}; {onPage}; {vmPage}";
        return new CaseVerdict(cell, expected, actual, problems, DateTime.UtcNow - started);
    }

    private static string OnOff(bool on) => on ? "on" : "off";

    internal static string[] Arguments(SshTestHost host, string timeout = "00:00:15")
    {
        var settings = host.Settings(TimeSpan.Parse(timeout, CultureInfo.InvariantCulture));
        return
        [
            "--Hosts:0:Name", settings.Name, "--Hosts:0:Address", settings.Address, "--Hosts:0:Port", settings.Port!.Value.ToString(CultureInfo.InvariantCulture),
            "--Hosts:0:Transport", nameof(HostTransport.Ssh), "--Hosts:0:UserName", settings.UserName!, "--Hosts:0:KeyFilePath", settings.KeyFilePath!,
            "--Hosts:0:KnownHostsFile", settings.KnownHostsFile!, "--Hosts:0:Timeout", timeout, "--Hosts:0:MaxConcurrency", "2",
        ];
    }

    internal static async Task<(string State, bool Nested)?> VmAsync(HttpClient http, Uri path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var vm = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
            return (vm.GetProperty("state").GetString()!, vm.GetProperty("nestedVirtualization").GetBoolean());
        }
        catch (HttpRequestException)
        {
            // The app is still starting.
            return null;
        }
    }

    private static int[] Calls(SshTestHost host, int[]? fallback = null) =>
        SimulatedFaults.Read(host.StateFile) is { } faults ? [.. ChangingCommands.Select(c => faults.Calls.GetValueOrDefault(c))] : fallback ?? new int[ChangingCommands.Length];

    private static string Format(int[] calls) => string.Join(", ", ChangingCommands.Zip(calls, (c, n) => $"{c} {n}"));

    private static void Expect(bool holds, string problem, List<string> problems)
    {
        if (!holds)
        {
            problems.Add(problem);
        }
    }

    private static ContextFactory Database(string dataFolder) =>
        new(new DbContextOptionsBuilder<SqliteDashboardDbContext>().UseSqlite($"Data Source={Path.Combine(dataFolder, "dashboard.db")};Pooling=false").Options);

    internal static async Task<string> CreateTokenAsync(string dataFolder)
    {
        var factory = Database(dataFolder);
        var tokens = new ApiTokens(factory, new DbAuditTrail(factory, TimeProvider.System, NullLogger<DbAuditTrail>.Instance), TimeProvider.System);
        var (created, error) = await tokens.CreateAsync(new Actor(DashboardProcess.AdminUser, DashboardRoles.Administrator, Channels.Browser, "127.0.0.1"), "fault-matrix", 1);
        return created?.Token ?? throw new InvalidOperationException($"No API token: {error}");
    }

    private static async Task<List<AuditEntry>> EntriesAsync(string dataFolder, Guid operation)
    {
        await using var db = Database(dataFolder).CreateDbContext();
        return await db.AuditEntries.AsNoTracking().Where(e => e.CorrelationId == operation).ToListAsync();
    }

    private sealed class ContextFactory(DbContextOptions<SqliteDashboardDbContext> options) : IDbContextFactory<DashboardDbContext>
    {
        public DashboardDbContext CreateDbContext() => new SqliteDashboardDbContext(options);
    }
}
