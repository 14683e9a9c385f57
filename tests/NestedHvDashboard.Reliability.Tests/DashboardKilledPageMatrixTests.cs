using System.Net.Http.Headers;
using Microsoft.Playwright;
using NestedHvDashboard.Browser.Tests;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.PowerShell;
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
/// (killed after New-VM, the VM half-made), and Hyper-V installed from the VM page's guest card (killed while
/// Install-WindowsFeature runs). Each case checks the audit trail after the restart (the open entries Interrupted, the ended
/// ones as they ended, none left Started), that nothing runs again (after the restart and after the host's sshd is
/// restarted too), the host's end state, and that the restarted app shows the VMs as the host has them.
/// </summary>
[Trait("Category", "FaultMatrix")]
public sealed class DashboardKilledPageMatrixTests(ITestOutputHelper output)
{
    // Generous: on a busy 2-core box the first inventory, a PowerShell Direct session or a restarted app's circuit may take tens of seconds.
    private const float Timeout = 180_000;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(180);

    // The app's host timeout: every change here is ended by the kill, never by the timeout (as in the guest lane).
    private const string HostTimeout = "00:01:30";

    [Fact]
    public async Task Killed_in_a_bulk_enable_at_the_second_vm_the_restarted_dashboard_keeps_the_first_vms_success_and_runs_nothing_twice()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: ./build.sh test installs the Debian chromium package.");
        var scenario = FaultScenario.All.Single(s => s.Kind is ChangeKind.Bulk);
        const string hostName = "FAULT-PAGE-BULK";
        await using var host = await SshTestHost.StartAsync(hostName, SimulatedHost.FromJson(scenario.State(hostName)));
        var initial = host.ReadState();
        Guid[] ids = [.. scenario.VmNames.Select(n => initial.FindVm(n)!.Id)];
        IReadOnlyList<ChangeStep> steps;
        await using (var engine = HyperVHostFactory.Create(host.Settings(TimeSpan.FromSeconds(120))))
        {
            var vms = new List<VmSnapshot>();
            foreach (var id in ids)
            {
                vms.Add(await engine.GetVmAsync(id, CancellationToken.None));
            }

            steps = FaultCases.NestedSteps(scenario, vms, await engine.GetHostFactsAsync(CancellationToken.None));
        }

        // The second VM's first step: the first VM's change has ended (Succeeded) and the second's has just begun.
        var step = steps.First(s => s.Vm == 1);
        string[] commands = [.. steps.Select(s => s.Command).Distinct()];

        // One VM at a time on the host (Bulk:MaxPerHost 1), as in the host-fault lanes: the first VM's change ends before the
        // second's begins, so the Nth call of a cmdlet is the Nth VM's step.
        await using var app = await DashboardProcess.StartAsync([.. DashboardKilledMatrixTests.Arguments(host, HostTimeout), "--Bulk:MaxPerHost", "1"]);
        using var http = await ApiAsync(app);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var signedIn = await SignInAsync(browser, app);

        var started = DateTime.UtcNow;
        var problems = new List<string>();
        var lastAudit = (await EntriesAsync(app.DataFolder)).Select(e => e.Id).DefaultIfEmpty(0).Max();
        foreach (var id in ids)
        {
            await Poll.UntilAsync(async () => await DashboardKilledMatrixTests.VmAsync(http, VmPath(host, id)) is { State: "Running", Nested: false }, Wait, "the app seeing both VMs Running with nested off");
        }

        int[] callsAtKill;
        await using (var context = await ContextAsync(browser, app, signedIn))
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("/vms");
            await Assertions.Expect(page.GetByTestId("feed-state")).ToHaveTextAsync("live", new() { Timeout = Timeout });
            foreach (var name in scenario.VmNames)
            {
                await Assertions.Expect(Row(page, host.Name, name).GetByTestId("vm-nested")).ToHaveTextAsync("Off", new() { Timeout = Timeout });
            }

            // A tick on a grid row the grid is still replacing is lost (see LabPages).
            await LabPages.WaitForGridRowsSettledAsync(page);
            var selected = 0;
            foreach (var name in scenario.VmNames)
            {
                await Row(page, host.Name, name).Locator("input[type=checkbox]").CheckAsync();
                await Assertions.Expect(page.GetByTestId("selection-count")).ToHaveTextAsync($"{++selected} selected", new() { Timeout = Timeout });
            }

            await page.GetByTestId("bulk-enable").ClickAsync();
            var dialog = page.GetByTestId("bulk-dialog");
            await Assertions.Expect(dialog).ToBeVisibleAsync(new() { Timeout = Timeout });
            await Assertions.Expect(dialog.Locator($"tr[data-host=\"{host.Name}\"]").GetByTestId("bulk-running")).ToHaveTextAsync($"{scenario.VmCount}");
            await dialog.GetByText("Shut down, change, start again").ClickAsync();

            SimulatedFaults.Arm(host.StateFile, new SimulatedFault { Command = step.Command, Call = step.Call, Kind = SimulatedFaultKind.Hang });
            await page.GetByTestId("bulk-confirm").ClickAsync();
            await Assertions.Expect(dialog).ToHaveCountAsync(0, new() { Timeout = Timeout });
            await Poll.UntilAsync(() => Triggered(host), Wait, $"{step.Command} #{step.Call} reached (VM 2's first step)");

            // Before the kill the page has told the user how VM 1 ended, and nothing about VM 2 yet.
            var results = page.GetByTestId("bulk-results");
            await ExpectOnPageAsync(() => Assertions.Expect(results.Locator("[data-testid=bulk-result][data-outcome=Succeeded]")).ToHaveCountAsync(1, new() { Timeout = Timeout }), "the page does not show VM 1's change Succeeded before the kill", problems);
            await ExpectOnPageAsync(() => Assertions.Expect(results.GetByTestId("bulk-result")).ToHaveCountAsync(1), "the page shows a result for VM 2 although its change hangs", problems);

            // kill -9 (Process.Kill) and a new process on the same port and data folder.
            callsAtKill = Calls(host, commands);
            await app.RestartAsync();
        }

        // The per-VM entries were begun in the run's order: the first is the VM that ended, the second the one killed mid-way.
        var all = await EntriesAsync(app.DataFolder);
        var entries = all.Where(e => e.Id > lastAudit).ToList();
        var run = entries.Where(e => e.Action == "Bulk enable nested").ToList();
        var perVm = entries.Where(e => e.Action == "Enable nested").OrderBy(e => e.Id).ToList();
        Expect(entries.Count == scenario.VmCount + 1, $"{entries.Count} audit entries, not {scenario.VmCount + 1} (the run's and one per VM)", problems);
        Expect(perVm.Count == scenario.VmCount && perVm.All(e => e.VmId is not null), $"{perVm.Count} per-VM entries, not {scenario.VmCount}", problems);
        Expect(run.Count == 1 && run[0].Result != AuditResults.Started, $"the run's entry is {string.Join(",", run.Select(e => e.Result))}, not ended", problems);
        Expect(entries.Select(e => e.CorrelationId).Distinct().Count() == 1, "the run's entries do not share one correlation id", problems);
        Expect(perVm.Count > 0 && perVm[0].Result == AuditResults.Succeeded, $"VM 1's entry is {perVm.FirstOrDefault()?.Result}, not Succeeded (its change ended before the kill)", problems);
        Expect(perVm.Count > 1 && perVm[1].Result == AuditResults.Interrupted, $"VM 2's entry is {perVm.ElementAtOrDefault(1)?.Result}, not Interrupted", problems);
        Expect(!all.Exists(e => e.Result == AuditResults.Started), $"entries left Started: {string.Join(", ", all.Where(e => e.Result == AuditResults.Started).Select(e => $"{e.Id} {e.Action}"))}", problems);

        // The restarted app does not run the change again (nor finish VM 2's): a few seconds for anything that would.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var callsLater = Calls(host, commands);
        Expect(callsLater.SequenceEqual(callsAtKill), $"a change ran again after the restart: {Format(commands, callsAtKill)} → {Format(commands, callsLater)}", problems);

        var first = perVm.Count > 1 ? perVm[0].VmId!.Value : ids[0];
        var second = perVm.Count > 1 ? perVm[1].VmId!.Value : ids[1];
        var after = host.ReadState();
        var vm1 = after.FindVm(first)!;
        var vm2 = after.FindVm(second)!;
        // VM 2 has what its steps before the hung one did: stopped when a shut down came before, nested set when Set-VMProcessor did.
        var before2 = steps.Where(s => s.Vm == step.Vm && s.Index < step.Index).ToList();
        var stopped = before2.Exists(s => s.Kind is OperationStepKind.ShutDown or OperationStepKind.TurnOff);
        var nestedSet = before2.Exists(s => s.Kind is OperationStepKind.SetNestedVirtualization);
        var now = DateTimeOffset.UtcNow;
        Expect(vm1.StateAt(now) == VMState.Running && vm1.ExposeVirtualizationExtensions, $"VM 1 {vm1.StateAt(now)}, nested {OnOff(vm1.ExposeVirtualizationExtensions)}; expected Running, nested on", problems);
        Expect(vm2.StateAt(now) == (stopped ? VMState.Off : VMState.Running), $"VM 2 {vm2.StateAt(now)}, expected {(stopped ? "Off" : "Running")}", problems);
        Expect(vm2.ExposeVirtualizationExtensions == nestedSet, $"VM 2 nested {OnOff(vm2.ExposeVirtualizationExtensions)}, expected {OnOff(nestedSet)}", problems);

        // The restarted app shows each VM as the host has it.
        foreach (var vm in new[] { vm1, vm2 })
        {
            await ExpectShownAsync(http, host, vm, problems);
        }

        // The old app's hung session dies with the host's sshd (restarted before the fault is disarmed, so the hung call can never
        // go on); the app reconnects, and still runs nothing again.
        var callsAfterHost = await RestartHostAsync(host, commands);
        Expect(callsAfterHost.SequenceEqual(callsAtKill), $"a change ran after the host's restart: {Format(commands, callsAtKill)} → {Format(commands, callsAfterHost)}", problems);

        var verdict = new CaseVerdict(
            $"{scenario.Name} @ VM 2: {step.Title} ({step.Command} #{step.Call}), started on /vms × dashboard killed (kill -9) and restarted",
            $"VM 1 Succeeded, VM 2 Interrupted, the run's entry ended, none Started; nothing run again; VM 1 Running nested on, VM 2 {(stopped ? "Off" : "Running")} nested {OnOff(nestedSet)}; the restarted app shows both so",
            $"audit run {string.Join(",", run.Select(e => e.Result))}, VMs {string.Join(",", perVm.Select(e => e.Result))}; calls at kill {Format(commands, callsAtKill)}, 3 s later {(callsLater.SequenceEqual(callsAtKill) ? "same" : Format(commands, callsLater))}, after the host's restart {(callsAfterHost.SequenceEqual(callsAtKill) ? "same" : Format(commands, callsAfterHost))}; VM 1 {vm1.StateAt(now)} nested {OnOff(vm1.ExposeVirtualizationExtensions)}, VM 2 {vm2.StateAt(now)} nested {OnOff(vm2.ExposeVirtualizationExtensions)}",
            problems,
            DateTime.UtcNow - started);
        Report(verdict, scenario);
    }

    [Fact]
    public async Task Killed_while_the_new_vm_dialog_creates_a_vm_the_restarted_dashboard_marks_it_interrupted_and_lists_the_half_made_vm()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: ./build.sh test installs the Debian chromium package.");
        var scenario = FaultScenario.All.Single(s => s.Kind is ChangeKind.NewVm);
        var steps = FaultCases.NewVmSteps();
        // The middle step: New-VM has made the VM, the settings after it are not all made.
        var step = steps[steps.Count / 2];
        Assert.True(step.Index > 0, $"the middle step of the new-VM script is {step.Command}, not a step after New-VM");
        // Remove-VM is the script's rollback: it must not run either (the host was not lost, only the app).
        string[] commands = [.. steps.Select(s => s.Command).Distinct(), "Remove-VM"];
        const string hostName = "FAULT-PAGE-NEWVM";
        await using var host = await SshTestHost.StartAsync(hostName, SimulatedHost.FromJson(scenario.State(hostName)));
        await using var app = await DashboardProcess.StartAsync(DashboardKilledMatrixTests.Arguments(host, HostTimeout));
        using var http = await ApiAsync(app);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var signedIn = await SignInAsync(browser, app);

        var started = DateTime.UtcNow;
        var problems = new List<string>();
        var lastAudit = (await EntriesAsync(app.DataFolder)).Select(e => e.Id).DefaultIfEmpty(0).Max();
        int[] callsAtKill;
        await using (var context = await ContextAsync(browser, app, signedIn))
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync($"/hosts/{host.Name}");
            await Assertions.Expect(page.GetByTestId("feed-state")).ToHaveTextAsync("live", new() { Timeout = Timeout });
            await Assertions.Expect(page.GetByTestId("host-status")).ToHaveTextAsync("Connected", new() { Timeout = Timeout });
            // The button shows once the host's facts are read (the dialog validates against them).
            await page.GetByTestId("new-vm").ClickAsync(new() { Timeout = Timeout });
            var dialog = page.GetByTestId("new-vm-dialog");
            await Assertions.Expect(dialog).ToBeVisibleAsync(new() { Timeout = Timeout });
            await Field(page, "new-vm-name").FillAsync(FaultScenario.NewVmName);
            await Field(page, "new-vm-memory").FillAsync("4");
            await Field(page, "new-vm-cpus").FillAsync("2");
            await Field(page, "new-vm-switch").FillAsync(FaultScenario.SwitchName);
            await Assertions.Expect(page.GetByTestId("new-vm-create")).ToBeEnabledAsync(new() { Timeout = Timeout });

            SimulatedFaults.Arm(host.StateFile, new SimulatedFault { Command = step.Command, Call = step.Call, Kind = SimulatedFaultKind.Hang });
            await page.GetByTestId("new-vm-create").ClickAsync();
            await Poll.UntilAsync(() => Triggered(host), Wait, $"{step.Command} #{step.Call} reached");

            callsAtKill = Calls(host, commands);
            await app.RestartAsync();
        }

        var all = await EntriesAsync(app.DataFolder);
        var entries = all.Where(e => e.Id > lastAudit && e.Action == "New nested-ready VM" && e.VmName == FaultScenario.NewVmName).ToList();
        Expect(entries.Count == 1, $"{entries.Count} audit entries for the new VM, not 1", problems);
        Expect(entries.Count == 1 && entries[0].Result == AuditResults.Interrupted, $"the entry is {string.Join(",", entries.Select(e => e.Result))}, not Interrupted", problems);
        Expect(!all.Exists(e => e.Result == AuditResults.Started), $"entries left Started: {string.Join(", ", all.Where(e => e.Result == AuditResults.Started).Select(e => $"{e.Id} {e.Action}"))}", problems);

        await Task.Delay(TimeSpan.FromSeconds(3));
        var callsLater = Calls(host, commands);
        Expect(callsLater.SequenceEqual(callsAtKill), $"a step ran again after the restart: {Format(commands, callsAtKill)} → {Format(commands, callsLater)}", problems);

        // The half-made VM: New-VM ran, the hung step never did (no rollback either: the script was never told it failed).
        var after = host.ReadState();
        var made = after.Vms.Where(v => v.Name == FaultScenario.NewVmName).ToList();
        Expect(made.Count == 1, $"{made.Count} VMs named {FaultScenario.NewVmName} on the host, not the 1 half-made one", problems);
        var nestedSet = steps.Take(step.Index).Any(s => s.Command == "Set-VMProcessor");
        if (made.Count == 1)
        {
            Expect(made[0].ExposeVirtualizationExtensions == nestedSet, $"the half-made VM's nested is {OnOff(made[0].ExposeVirtualizationExtensions)}, expected {OnOff(nestedSet)}", problems);
            await ExpectShownAsync(http, host, made[0], problems);
        }

        var callsAfterHost = await RestartHostAsync(host, commands);
        Expect(callsAfterHost.SequenceEqual(callsAtKill), $"a step ran after the host's restart: {Format(commands, callsAtKill)} → {Format(commands, callsAfterHost)}", problems);

        var vm = made.Count == 1 ? $"{made[0].Name} {made[0].StateAt(DateTimeOffset.UtcNow)} nested {OnOff(made[0].ExposeVirtualizationExtensions)}" : $"{made.Count} VMs named {FaultScenario.NewVmName}";
        var verdict = new CaseVerdict(
            $"{scenario.Name} @ {step.Title} ({step.Command} #{step.Call}), started from the host page's dialog × dashboard killed (kill -9) and restarted",
            $"1 Interrupted entry, none Started; nothing run again, no rollback; the half-made VM on the host (nested {OnOff(nestedSet)}) and listed by the restarted app",
            $"audit {string.Join(",", entries.Select(e => e.Result))}; calls at kill {Format(commands, callsAtKill)}, 3 s later {(callsLater.SequenceEqual(callsAtKill) ? "same" : Format(commands, callsLater))}, after the host's restart {(callsAfterHost.SequenceEqual(callsAtKill) ? "same" : Format(commands, callsAfterHost))}; host has {vm}",
            problems,
            DateTime.UtcNow - started);
        Report(verdict, scenario);
    }

    [Fact]
    public async Task Killed_while_the_guest_card_installs_hyper_v_the_restarted_dashboard_marks_it_interrupted_and_installs_nothing_again()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: ./build.sh test installs the Debian chromium package.");
        var scenario = FaultScenario.All.Single(s => s.Kind is ChangeKind.InstallHyperV && !s.ClientGuest);
        var step = Assert.Single(FaultCases.InstallHyperVSteps(isServer: true));
        string[] commands = [step.Command];
        const string hostName = "FAULT-PAGE-INSTALL";
        await using var host = await SshTestHost.StartAsync(hostName, SimulatedHost.FromJson(scenario.State(hostName)));
        var vmId = host.ReadState().FindVm(scenario.VmNames[0])!.Id;
        await using var app = await DashboardProcess.StartAsync(DashboardKilledMatrixTests.Arguments(host, HostTimeout));
        using var http = await ApiAsync(app);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var signedIn = await SignInAsync(browser, app);

        var started = DateTime.UtcNow;
        var problems = new List<string>();
        var lastAudit = (await EntriesAsync(app.DataFolder)).Select(e => e.Id).DefaultIfEmpty(0).Max();
        await Poll.UntilAsync(async () => await DashboardKilledMatrixTests.VmAsync(http, VmPath(host, vmId)) is { State: "Running" }, Wait, "the app seeing the guest's VM Running");
        int[] callsAtKill;
        await using (var context = await ContextAsync(browser, app, signedIn))
        {
            var page = await context.NewPageAsync();
            // Live first, then to the VM page inside that circuit, as the guest lane does: a click before the circuit is up is lost.
            await page.GotoAsync("/");
            await Assertions.Expect(page.GetByTestId("feed-state")).ToHaveTextAsync("live", new() { Timeout = Timeout });
            await page.EvaluateAsync("url => Blazor.navigateTo(url)", $"/hosts/{host.Name}/vms/{vmId}");
            await Assertions.Expect(page.GetByTestId("guest-card")).ToBeVisibleAsync(new() { Timeout = Timeout });
            // The user reads the guest first (the credential dialog), and sees Hyper-V is not installed.
            await page.GetByTestId("guest-read").ClickAsync();
            await Assertions.Expect(page.GetByTestId("guest-credential-dialog")).ToBeVisibleAsync(new() { Timeout = Timeout });
            await Field(page, "guest-user").FillAsync(FaultScenario.GuestCredential.UserName);
            await Field(page, "guest-password").FillAsync(FaultScenario.GuestCredential.Password!);
            await page.GetByTestId("guest-credential-ok").ClickAsync();
            await Assertions.Expect(page.GetByTestId("guest-state")).ToBeVisibleAsync(new() { Timeout = Timeout });
            await Assertions.Expect(page.GetByTestId("install-state")).ToHaveTextAsync("Hyper-V is not installed in the guest.", new() { Timeout = Timeout });
            await Assertions.Expect(page.GetByTestId("install-hyperv")).ToBeEnabledAsync(new() { Timeout = Timeout });

            SimulatedFaults.Arm(host.StateFile, new SimulatedFault { Command = step.Command, Call = step.Call, Kind = SimulatedFaultKind.Hang });
            await page.GetByTestId("install-hyperv").ClickAsync();
            await Poll.UntilAsync(() => Triggered(host), Wait, $"{step.Command} reached in the guest");

            callsAtKill = Calls(host, commands);
            await app.RestartAsync();
        }

        var all = await EntriesAsync(app.DataFolder);
        var entries = all.Where(e => e.Id > lastAudit && e.Action == "Install Hyper-V in guest").ToList();
        Expect(entries.Count == 1, $"{entries.Count} audit entries for the install, not 1", problems);
        Expect(entries.Count == 1 && entries[0].Result == AuditResults.Interrupted, $"the entry is {string.Join(",", entries.Select(e => e.Result))}, not Interrupted", problems);
        Expect(!all.Exists(e => e.Result == AuditResults.Started), $"entries left Started: {string.Join(", ", all.Where(e => e.Result == AuditResults.Started).Select(e => $"{e.Id} {e.Action}"))}", problems);

        await Task.Delay(TimeSpan.FromSeconds(3));
        var callsLater = Calls(host, commands);
        Expect(callsLater.SequenceEqual(callsAtKill), $"{step.Command} ran again after the restart: {Format(commands, callsAtKill)} → {Format(commands, callsLater)}", problems);

        // The install hung before it changed anything: the VM still runs (no restart of the guest), Hyper-V neither installed nor pending.
        var vm = host.ReadState().FindVm(vmId)!;
        var guest = vm.Guest!.Host;
        var state = vm.StateAt(DateTimeOffset.UtcNow);
        Expect(state == VMState.Running, $"VM {state}, not Running as it was", problems);
        Expect(!guest.HyperVInstalled && guest.PendingFeatures.Count == 0 && !vm.GuestIsHyperVHost, $"Hyper-V half-installed in the guest (installed {guest.HyperVInstalled}, pending {string.Join(",", guest.PendingFeatures)}) although {step.Command} never ran", problems);
        await ExpectShownAsync(http, host, vm, problems);

        var callsAfterHost = await RestartHostAsync(host, commands);
        Expect(callsAfterHost.SequenceEqual(callsAtKill), $"{step.Command} ran after the host's restart: {Format(commands, callsAtKill)} → {Format(commands, callsAfterHost)}", problems);

        var verdict = new CaseVerdict(
            $"{scenario.Name} @ {step.Title} ({step.Command} #{step.Call}), started from the VM page's guest card × dashboard killed (kill -9) and restarted",
            "1 Interrupted entry, none Started; nothing installed again; VM Running, Hyper-V neither installed nor pending; the restarted app shows it Running",
            $"audit {string.Join(",", entries.Select(e => e.Result))}; calls at kill {Format(commands, callsAtKill)}, 3 s later {(callsLater.SequenceEqual(callsAtKill) ? "same" : Format(commands, callsLater))}, after the host's restart {(callsAfterHost.SequenceEqual(callsAtKill) ? "same" : Format(commands, callsAfterHost))}; VM {state}, Hyper-V {(guest.HyperVInstalled ? "installed" : guest.PendingFeatures.Count > 0 ? "pending" : "not installed")}",
            problems,
            DateTime.UtcNow - started);
        Report(verdict, scenario);
    }

    private void Report(CaseVerdict verdict, FaultScenario scenario)
    {
        output.WriteLine(HostFaultMatrix.Row(verdict));
        output.WriteLine($"fault matrix, dashboard killed from the page ({scenario.Name}): 1 cases, {(verdict.Passed ? 1 : 0)} passed, {verdict.Took.TotalSeconds:0} s");
        Assert.True(verdict.Passed, $"{verdict.Case}: {string.Join("; ", verdict.Problems)}");
    }

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
            await Poll.UntilAsync(async () => (shown = await DashboardKilledMatrixTests.VmAsync(http, VmPath(host, vm.Id))) is { } seen && seen.State == state && seen.Nested == vm.ExposeVirtualizationExtensions, Wait, "");
        }
        catch (TimeoutException)
        {
            problems.Add($"the restarted app shows {vm.Name} as {(shown is { } s ? $"{s.State}, nested {OnOff(s.Nested)}" : "missing")}, the host has it {state}, nested {OnOff(vm.ExposeVirtualizationExtensions)}");
        }
    }

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

    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });

    private static async Task<IBrowserContext> ContextAsync(IBrowser browser, DashboardProcess app, string signedIn)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1600, Height = 1000 },
            StorageState = signedIn,
        });
        context.SetDefaultTimeout(Timeout);
        return context;
    }
}
