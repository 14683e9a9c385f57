using NestedHvDashboard.Web.Data;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using NestedHvDashboard.Browser.Tests;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.PowerShell.Tests.Ssh;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;
using NestedHvDashboard.Web.Audit;
using Xunit.Abstractions;
using static NestedHvDashboard.Reliability.Tests.DashboardKilledGuestMatrixTests;

namespace NestedHvDashboard.Reliability.Tests;

/// <summary>
/// The dashboard killed with kill -9 in the three changes that had no dashboard-killed lane, each started from its page in
/// Chromium as a user starts it, against an SSH pwsh host, then started again on the same data: a bulk enable of two VMs
/// from /vms (killed at the second VM's first step, the first VM's change done), a new VM from the host page's dialog
/// (killed after New-VM, the VM half-made; its entry names the script's step it was at), and Hyper-V installed from the VM page's guest card (killed while
/// Install-WindowsFeature runs). Each case checks the audit trail after the restart (the open entries Interrupted, the ended
/// ones as they ended, none left Started), that nothing runs again (after the restart and after the host's sshd is
/// restarted too), the host's end state, and that the restarted app shows the VMs as the host has them. The suite runs those
/// three cases; FAULT_MATRIX_ALL=1 runs the bulk and new-VM changes at every step (every step of both VMs from their nested
/// plans, every step of the new-VM script), the host reset between cases, one app and browser per change.
/// </summary>
[Trait("Category", "FaultMatrix")]
public sealed partial class DashboardKilledPageMatrixTests(ITestOutputHelper output)
{
    // Generous: on a busy 2-core box the first inventory, a PowerShell Direct session or a restarted app's circuit may take tens of seconds.
    private const float Timeout = 180_000;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(180);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // The app's host timeout: every change here is ended by the kill, never by the timeout (as in the guest lane).
    private const string HostTimeout = "00:01:30";

    [Fact]
    public Task Killed_while_the_guest_card_installs_hyper_v_the_restarted_dashboard_marks_it_interrupted_and_installs_nothing_again() =>
        InstallLaneAsync(client: false);

    /// <summary>
    /// A client guest's install: Enable-WindowsOptionalFeature in the guest, then the host-side restart (Stop-VM, Start-VM) that
    /// finishes it. The suite kills the dashboard at the restart's Start-VM (the VM shut down by the change, not started again:
    /// the audit and the activity page must say it may be left Off); FAULT_MATRIX_ALL=1 kills it at each of the three steps.
    /// </summary>
    [Fact]
    public Task Killed_while_the_guest_card_installs_hyper_v_in_a_client_the_restarted_dashboard_says_where_it_stopped_and_restarts_nothing() =>
        InstallLaneAsync(client: true);

    private async Task InstallLaneAsync(bool client)
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: ./build.sh test installs the Debian chromium package.");
        var scenario = FaultScenario.All.Single(s => s.Kind is ChangeKind.InstallHyperV && s.ClientGuest == client);
        var steps = FaultCases.InstallHyperVSteps(isServer: !client);
        IReadOnlyList<ChangeStep> run = EveryStep || !client ? steps : [steps.Single(s => FaultCases.IsInstallRestart(s) && s.Command == "Start-VM")];
        string[] commands = [.. steps.Select(s => s.Command).Distinct()];
        var hostName = client ? "FAULT-PAGE-CLIENT" : "FAULT-PAGE-INSTALL";
        var state = scenario.State(hostName);
        await using var host = await SshTestHost.StartAsync(hostName, SimulatedHost.FromJson(state));
        var vmId = host.ReadState().FindVm(scenario.VmNames[0])!.Id;
        await using var app = await DashboardProcess.StartAsync(DashboardKilledMatrixTests.Arguments(host, HostTimeout));
        using var http = await ApiAsync(app);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await OutcomeOnPage.LaunchAsync(playwright);
        var signedIn = await SignInAsync(browser, app);

        await RunLaneAsync(scenario, run, state, (reset, step) => InstallCaseAsync(host, app, http, browser, signedIn, scenario, reset, vmId, step, commands));
    }

    // One install case: the guest read and Hyper-V installed from the VM page's guest card, the dashboard killed at step's cmdlet
    // (in the guest, or the host-side restart's on a client), then judged on the host, in the audit and on the pages.
    private static async Task<CaseVerdict> InstallCaseAsync(
        SshTestHost host, DashboardProcess app, HttpClient http, IBrowser browser, string signedIn, FaultScenario scenario, string? reset, Guid vmId, ChangeStep step, string[] commands)
    {
        var started = DateTime.UtcNow;
        var problems = new List<string>();
        ResetHost(host, reset);
        var lastAudit = (await EntriesAsync(app.DataFolder)).Select(e => e.Id).DefaultIfEmpty(0).Max();
        await app.HoldsAsync(async () => await DashboardKilledMatrixTests.VmAsync(http, VmPath(host, vmId)) is { State: "Running" }, Wait, "the app seeing the guest's VM Running");
        int[] callsAtKill;
        await using (var context = await OutcomeOnPage.ContextAsync(browser, app, signedIn))
        {
            var page = await context.NewPageAsync();
            // The user reads the guest first (the credential dialog), and sees Hyper-V is not installed.
            await DashboardKilledGuestMatrixTests.ReadGuestAsync(page, host.Name, vmId);
            await Assertions.Expect(page.GetByTestId("install-state")).ToHaveTextAsync("Hyper-V is not installed in the guest.", new() { Timeout = Timeout });
            await Assertions.Expect(page.GetByTestId("install-hyperv")).ToBeEnabledAsync(new() { Timeout = Timeout });

            SimulatedFaults.Arm(host.StateFile, new SimulatedFault { Command = step.Command, Call = step.Call, Kind = SimulatedFaultKind.Hang });
            await page.GetByTestId("install-hyperv").ClickAsync();
            await app.HoldsAsync(() => Triggered(host), Wait, $"{step.Command} reached {(FaultCases.IsInstallRestart(step) ? "on the host" : "in the guest")}");

            callsAtKill = Calls(host, commands);
            await app.RestartAsync();
        }

        var all = await EntriesAsync(app.DataFolder);
        var entries = all.Where(e => e.Id > lastAudit && e.Action == "Install Hyper-V in guest").ToList();
        ExpectOneInterrupted(all, entries, "the install", problems);

        await Task.Delay(TimeSpan.FromSeconds(3));
        var callsLater = Calls(host, commands);
        Expect(callsLater.SequenceEqual(callsAtKill), $"a step ran again after the restart: {Format(commands, callsAtKill)} → {Format(commands, callsLater)}", problems);

        // The install command hung before it changed anything: the VM still runs, Hyper-V neither installed nor pending. At the
        // client's restart the install is done and pending it: Running when killed at its Stop-VM (the hang comes first), Off at its Start-VM.
        var restart = FaultCases.IsInstallRestart(step);
        var stoppedByChange = restart && step.Command == "Start-VM";
        var vm = host.ReadState().FindVm(vmId)!;
        var guest = vm.Guest!.Host;
        var now = vm.StateAt(DateTimeOffset.UtcNow);
        var expectedState = stoppedByChange ? VMState.Off : VMState.Running;
        Expect(now == expectedState, $"VM {now}, not {expectedState}", problems);
        if (restart)
        {
            Expect(!guest.HyperVInstalled && guest.PendingFeatures.Contains("Microsoft-Hyper-V"), $"Hyper-V is not pending the restart (installed {guest.HyperVInstalled}, pending {string.Join(",", guest.PendingFeatures)})", problems);
        }
        else
        {
            Expect(!guest.HyperVInstalled && guest.PendingFeatures.Count == 0 && !vm.GuestIsHyperVHost, $"Hyper-V half-installed in the guest (installed {guest.HyperVInstalled}, pending {string.Join(",", guest.PendingFeatures)}) although {step.Command} never ran", problems);
        }

        // The Interrupted entry says where the install stopped, and, at the restart, that the VM may be left Off (a VM that was
        // Running and is Off now must never go unsaid).
        var message = entries.Count == 1 ? entries[0].Message ?? "" : "";
        List<string> says = restart ? [$"'{FaultCases.RestartStepTitle(step.Command)}'", "may be left Off; start it if it should run"] : ["'Install Hyper-V' in the guest"];
        foreach (var said in says)
        {
            Expect(message.Contains(said, StringComparison.Ordinal), $"the Interrupted entry does not say \"{said}\": {message}", problems);
        }

        Expect(now != VMState.Off || message.Contains("may be left Off", StringComparison.Ordinal), $"the VM was Running and is Off, and the audit does not say so: {message}", problems);
        Expect(restart || !message.Contains("may be left Off", StringComparison.Ordinal), $"the audit says the VM may be left Off although the install never stopped it: {message}", problems);

        // The restarted app shows the outcome: through the API, on the activity page, and on the VM's page.
        await ExpectShownAsync(http, host, vm, problems);
        var onPage = entries.Count == 1 ? await OutcomeOnPage.ExpectInterruptedAsync(browser, app, signedIn, host.Name, entries[0].Id, says, problems) : "no entry to look for";
        var vmPage = await OutcomeOnPage.ExpectVmShownAsync(browser, app, signedIn, host.Name, vmId, now.ToString(), vm.ExposeVirtualizationExtensions, problems);

        var callsAfterHost = await RestartHostAsync(host, commands);
        Expect(callsAfterHost.SequenceEqual(callsAtKill), $"a step ran after the host's restart: {Format(commands, callsAtKill)} → {Format(commands, callsAfterHost)}", problems);

        var hyperV = guest.HyperVInstalled ? "installed" : guest.PendingFeatures.Count > 0 ? "pending the restart" : "not installed";
        return new CaseVerdict(
            $"{scenario.Name} @ {step.Title} ({step.Command} #{step.Call}), started from the VM page's guest card × dashboard killed (kill -9) and restarted",
            $"1 Interrupted entry naming the step{(restart ? " and that the VM may be left Off" : "")}, none Started; nothing run again; VM {expectedState}, Hyper-V {(restart ? "pending the restart" : "not installed")}; shown so by the restarted app (API, /activity, VM page)",
            $"audit {string.Join(",", entries.Select(e => e.Result))}; calls at kill {Format(commands, callsAtKill)}, 3 s later {(callsLater.SequenceEqual(callsAtKill) ? "same" : Format(commands, callsLater))}, after the host's restart {(callsAfterHost.SequenceEqual(callsAtKill) ? "same" : Format(commands, callsAfterHost))}; VM {now}, Hyper-V {hyperV}; {onPage}; {vmPage}",
            problems,
            DateTime.UtcNow - started);
    }

    // A lane: one case per step of run, the host reset to state before every case but the first (whose host is fresh), each
    // case's row printed as it ends, then the lane's summary.
    private async Task RunLaneAsync(FaultScenario scenario, IReadOnlyList<ChangeStep> run, string state, Func<string?, ChangeStep, Task<CaseVerdict>> runCase)
    {
        var verdicts = new List<CaseVerdict>();
        foreach (var step in run)
        {
            verdicts.Add(await runCase(verdicts.Count > 0 ? state : null, step));
            output.WriteLine(HostFaultMatrix.Row(verdicts[^1]));
        }

        Report(verdicts, scenario, run.Count);
    }

    // The lane's summary line (each case's row printed as it ended), then every case passed.
    private void Report(List<CaseVerdict> verdicts, FaultScenario scenario, int cases)
    {
        output.WriteLine($"fault matrix, dashboard killed from the page ({scenario.Name}): {verdicts.Count} cases, {verdicts.Count(v => v.Passed)} passed, {verdicts.Sum(v => v.Took.TotalSeconds):0} s");
        Assert.Equal(cases, verdicts.Count);
        var failed = verdicts.Where(v => !v.Passed).ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed.Select(v => $"{v.Case}: {string.Join("; ", v.Problems)}")));
    }

    private static bool EveryStep => Environment.GetEnvironmentVariable("FAULT_MATRIX_ALL") == "1";

    // The host back as the change found it, for every case after a lane's first. Its sshd was restarted at the end of the case
    // before (RestartHostAsync: the old app's hung session gone, the fault disarmed), as in the other dashboard-killed lanes.
    private static void ResetHost(SshTestHost host, string? state)
    {
        if (state is not null)
        {
            SimulatedHost.FromJson(state).SaveToFile(host.StateFile);
        }
    }

    // The names of the VMs the app lists on the host once it has read the host (connected, read at least once); null before.
    private static async Task<string[]?> VmNamesAsync(HttpClient http, SshTestHost host)
    {
        try
        {
            using var read = await http.GetAsync(new Uri($"/api/v1/hosts/{host.Name}", UriKind.Relative));
            if (!read.IsSuccessStatusCode || await read.Content.ReadFromJsonAsync<HostSeen>(Json) is not { ReadAt: not null } seen
                || !string.Equals(seen.Status, nameof(HostConnectionState.Connected), StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            using var listed = await http.GetAsync(new Uri($"/api/v1/hosts/{host.Name}/vms", UriKind.Relative));
            return listed.IsSuccessStatusCode && await listed.Content.ReadFromJsonAsync<List<VmSeen>>(Json) is { } vms ? [.. vms.Select(v => v.Name)] : null;
        }
        catch (HttpRequestException)
        {
            // The app is still starting.
            return null;
        }
    }

    private sealed record HostSeen(string Status, DateTimeOffset? ReadAt);

    private sealed record VmSeen(string Name);

    private static Uri VmPath(SshTestHost host, Guid vmId) => new($"/api/v1/hosts/{host.Name}/vms/{vmId}", UriKind.Relative);

    private static bool Triggered(SshTestHost host) => SimulatedFaults.Read(host.StateFile)?.Faults.Exists(f => f.TriggeredAt is not null) == true;

    private static string OnOff(bool on) => on ? "on" : "off";

    private static ILocator Row(IPage page, string host, string vm) =>
        page.Locator("tr", new() { Has = page.Locator($"[data-vm=\"{vm}\"][data-host=\"{host}\"]") });

    // The restarted app's API shows the VM as the host has it (what its pages show); polled, since the app reads the host anew.
    private static async Task ExpectShownAsync(HttpClient http, SshTestHost host, SimulatedVm vm, List<string> problems)
    {
        var state = vm.StateAt(DateTimeOffset.UtcNow).ToString();
        (string State, bool Nested)? shown = null;
        try
        {
            await Eventually.HoldsAsync(async () => (shown = await DashboardKilledMatrixTests.VmAsync(http, VmPath(host, vm.Id))) is { } seen && seen.State == state && seen.Nested == vm.ExposeVirtualizationExtensions, Wait, "");
        }
        catch (TimeoutException)
        {
            problems.Add($"the restarted app shows {vm.Name} as {(shown is { } s ? $"{s.State}, nested {OnOff(s.Nested)}" : "missing")}, the host has it {state}, nested {OnOff(vm.ExposeVirtualizationExtensions)}");
        }
    }

    // The change's own entry: exactly one, Interrupted by the restart; and no entry anywhere left Started.
    private static void ExpectOneInterrupted(List<AuditEntry> all, List<AuditEntry> entries, string what, List<string> problems)
    {
        Expect(entries.Count == 1, $"{entries.Count} audit entries for {what}, not 1", problems);
        Expect(entries.Count == 1 && entries[0].Result == AuditResults.Interrupted, $"the entry is {string.Join(",", entries.Select(e => e.Result))}, not Interrupted", problems);
        ExpectNoneStarted(all, problems);
    }

    private static void ExpectNoneStarted(List<AuditEntry> all, List<string> problems) =>
        Expect(!all.Exists(e => e.Result == AuditResults.Started), $"entries left Started: {string.Join(", ", all.Where(e => e.Result == AuditResults.Started).Select(e => $"{e.Id} {e.Action}"))}", problems);

    // Restarts the host's sshd (ending the old app's hung session, so the hung call never goes on), then disarms the fault; the
    // calls counted a few seconds after the restarted app has reconnected.
    private static async Task<int[]> RestartHostAsync(SshTestHost host, string[] commands)
    {
        await host.RestartAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        var calls = Calls(host, commands);
        SimulatedFaults.Disarm(host.StateFile);
        return calls;
    }

    // A page-side expectation recorded as a problem of the case rather than ending it, so the case still judges the restart.
    private static async Task ExpectOnPageAsync(Func<Task> expectation, string problem, List<string> problems)
    {
        try
        {
            await expectation();
        }
        catch (PlaywrightException ex)
        {
            problems.Add($"{problem} ({ex.Message.Split('\n')[0]})");
        }
    }

    private static async Task<HttpClient> ApiAsync(DashboardProcess app)
    {
        var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await DashboardKilledMatrixTests.CreateTokenAsync(app.DataFolder));
        return http;
    }
}
