using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Browser.Tests;
using NestedHvDashboard.Core.Hosts;
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
/// The dashboard killed with kill -9 at each step of a one-VM enable with shut down (the steps generated from its plan),
/// against an SSH pwsh host, then started again on the same data: the audit entry is Interrupted, nothing is run twice,
/// and the app shows the VM as the host has it.
/// </summary>
[Trait("Category", "FaultMatrix")]
public sealed class DashboardKilledMatrixTests(ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly string[] ChangingCommands = ["Stop-VM", "Set-VMProcessor", "Start-VM"];

    [Fact]
    public async Task Killed_at_every_step_the_restarted_dashboard_marks_the_entry_interrupted_and_runs_nothing_twice()
    {
        var scenario = FaultScenario.All.Single(s => s.Name == "enable, shut down");
        const string hostName = "FAULT-APP";
        var state = scenario.State(hostName);
        await using var host = await SshTestHost.StartAsync(hostName, SimulatedHost.FromJson(state));
        var vmId = host.ReadState().FindVm(scenario.VmNames[0])!.Id;
        IReadOnlyList<ChangeStep> steps;
        await using (var engine = HyperVHostFactory.Create(host.Settings(TimeSpan.FromSeconds(120))))
        {
            steps = FaultCases.NestedSteps(scenario, [await engine.GetVmAsync(vmId, CancellationToken.None)], await engine.GetHostFactsAsync(CancellationToken.None));
        }

        await using var app = await DashboardProcess.StartAsync(Arguments(host));
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await CreateTokenAsync(app.DataFolder));
        var verdicts = new List<CaseVerdict>();
        foreach (var step in steps)
        {
            verdicts.Add(await RunAsync(host, app, http, scenario, state, vmId, step));
            output.WriteLine(HostFaultMatrix.Row(verdicts[^1]));
        }

        output.WriteLine($"fault matrix, dashboard killed: {verdicts.Count} cases, {verdicts.Count(v => v.Passed)} passed, {verdicts.Sum(v => v.Took.TotalSeconds):0} s");
        Assert.Equal(steps.Count, verdicts.Count);
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
        await using var app = await DashboardProcess.StartAsync(Arguments(host));
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await CreateTokenAsync(app.DataFolder));
        var started = DateTime.UtcNow;
        var problems = new List<string>();
        var vmPath = new Uri($"/api/v1/hosts/{host.Name}/vms/{vmId}", UriKind.Relative);
        await Poll.UntilAsync(async () => await VmAsync(http, vmPath) is { State: "Running" }, TimeSpan.FromSeconds(120), "the app seeing the VM Running");

        // The PUT answers when the host has answered: it hangs with the cmdlet, and the kill ends it.
        SimulatedFaults.Arm(host.StateFile, new SimulatedFault { Command = step.Command, Call = step.Call, Kind = SimulatedFaultKind.Hang });
        var put = http.PutAsJsonAsync(new Uri($"{vmPath}/adapters/mac-spoofing", UriKind.Relative), new { enabled = true }, Json);
        await Poll.UntilAsync(() => SimulatedFaults.Read(host.StateFile)?.Faults.Exists(f => f.TriggeredAt is not null) == true, TimeSpan.FromSeconds(120), $"{step.Command} reached");
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

        await Poll.UntilAsync(async () => await VmAsync(http, vmPath) is not null, TimeSpan.FromSeconds(120), "the restarted app listing the VM");
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

    private static async Task<CaseVerdict> RunAsync(SshTestHost host, DashboardProcess app, HttpClient http, FaultScenario scenario, string state, Guid vmId, ChangeStep step)
    {
        var started = DateTime.UtcNow;
        var cell = $"{scenario.Name} @ {step.Title} ({step.Command} #{step.Call}) × dashboard killed (kill -9) and restarted";
        var problems = new List<string>();
        SimulatedHost.FromJson(state).SaveToFile(host.StateFile);
        var vmPath = new Uri($"/api/v1/hosts/{host.Name}/vms/{vmId}", UriKind.Relative);
        await Poll.UntilAsync(async () => await VmAsync(http, vmPath) is { } vm && vm.State == "Running" && !vm.Nested, TimeSpan.FromSeconds(120), "the app seeing the VM Running with nested off");

        SimulatedFaults.Arm(host.StateFile, new SimulatedFault { Command = step.Command, Call = step.Call, Kind = SimulatedFaultKind.Hang });
        using var posted = await http.PostAsJsonAsync(new Uri($"{vmPath}/nested", UriKind.Relative), new { enabled = true, whenRunning = "shutDown" }, Json);
        posted.EnsureSuccessStatusCode();
        var operation = (await posted.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("id").GetGuid();
        await Poll.UntilAsync(() => SimulatedFaults.Read(host.StateFile)?.Faults.Exists(f => f.TriggeredAt is not null) == true, TimeSpan.FromSeconds(120), $"{step.Command} reached");

        // kill -9 (Process.Kill) and a new process on the same port and data folder.
        await app.RestartAsync();
        var callsAtKill = Calls(host);
        await Poll.UntilAsync(async () => await VmAsync(http, vmPath) is not null, TimeSpan.FromSeconds(120), "the restarted app listing the VM");

        var entries = await EntriesAsync(app.DataFolder, operation);
        Expect(entries.Count == 1, $"{entries.Count} audit entries for the operation, not 1", problems);
        Expect(entries.Count == 1 && entries[0].Result == AuditResults.Interrupted, $"the entry is {string.Join(",", entries.Select(e => e.Result))}, not Interrupted", problems);
        Expect(Calls(host).SequenceEqual(callsAtKill), $"a change ran again after the restart: {Format(callsAtKill)} → {Format(Calls(host))}", problems);

        var after = host.ReadState().FindVm(vmId)!;
        var stopped = step.Index > 0; // the plan's first step stops the VM
        var nestedSet = step.Kind is Core.Operations.OperationStepKind.Start;
        Expect(after.State == (stopped ? VMState.Off : VMState.Running), $"VM {after.State}", problems);
        Expect(after.ExposeVirtualizationExtensions == nestedSet, $"nested {(after.ExposeVirtualizationExtensions ? "on" : "off")}", problems);
        // The restarted app shows the VM as the host has it (what the page would show).
        await Poll.UntilAsync(async () => await VmAsync(http, vmPath) is { } vm && vm.State == after.State.ToString() && vm.Nested == after.ExposeVirtualizationExtensions,
            TimeSpan.FromSeconds(60), "the app showing the VM's real state");

        // The hung session is the old app's; end it (sshd restarted) so it can never finish its step during the next case.
        // sshd restarted first: disarmed while the old session still hangs, the hung cmdlet could go on and finish its step.
        await host.RestartAsync();
        SimulatedFaults.Disarm(host.StateFile);
        var expected = $"1 Interrupted entry; nothing run again; VM {(stopped ? "Off" : "Running")}, nested {(nestedSet ? "on" : "off")}, shown so by the restarted app";
        var actual = $"audit {string.Join(",", entries.Select(e => e.Result))}; calls {Format(Calls(host, callsAtKill))}; VM {after.State}, nested {(after.ExposeVirtualizationExtensions ? "on" : "off")}";
        return new CaseVerdict(cell, expected, actual, problems, DateTime.UtcNow - started);
    }

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
        SimulatedFaults.Read(host.StateFile) is { } faults ? [.. ChangingCommands.Select(c => faults.Calls.GetValueOrDefault(c))] : fallback ?? [0, 0, 0];

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
