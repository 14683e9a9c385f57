using NestedHvDashboard.Web.Data;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using NestedHvDashboard.Browser.Tests;
using NestedHvDashboard.Core.Inventory;
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
/// (killed after New-VM, the VM half-made; its entry names the script's step it was at), and Hyper-V installed from the VM page's guest card (killed while
/// Install-WindowsFeature runs). Each case checks the audit trail after the restart (the open entries Interrupted, the ended
/// ones as they ended, none left Started), that nothing runs again (after the restart and after the host's sshd is
/// restarted too), the host's end state, and that the restarted app shows the VMs as the host has them. The suite runs those
/// three cases; FAULT_MATRIX_ALL=1 runs the bulk and new-VM changes at every step (every step of both VMs from their nested
/// plans, every step of the new-VM script), the host reset between cases, one app and browser per change.
/// </summary>
[Trait("Category", "FaultMatrix")]
public sealed class DashboardKilledPageMatrixTests(ITestOutputHelper output)
{
    // Generous: on a busy 2-core box the first inventory, a PowerShell Direct session or a restarted app's circuit may take tens of seconds.
    private const float Timeout = 180_000;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(180);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // The app's host timeout: every change here is ended by the kill, never by the timeout (as in the guest lane).
    private const string HostTimeout = "00:01:30";

    [Fact]
    public async Task Killed_in_a_bulk_enable_at_the_second_vm_the_restarted_dashboard_keeps_the_first_vms_success_and_runs_nothing_twice()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: ./build.sh test installs the Debian chromium package.");
        var scenario = FaultScenario.All.Single(s => s.Kind is ChangeKind.Bulk);
        const string hostName = "FAULT-PAGE-BULK";
        var state = scenario.State(hostName);
        await using var host = await SshTestHost.StartAsync(hostName, SimulatedHost.FromJson(state));
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

        // The suite: the second VM's first step (the first VM's change has ended Succeeded and the second's has just begun).
        // FAULT_MATRIX_ALL=1: every step of both VMs.
        IReadOnlyList<ChangeStep> run = EveryStep ? steps : [steps.First(s => s.Vm == 1)];
        string[] commands = [.. steps.Select(s => s.Command).Distinct()];

        // One VM at a time on the host (Bulk:MaxPerHost 1), as in the host-fault lanes: the first VM's change ends before the
        // second's begins, so the Nth call of a cmdlet is the Nth VM's step.
        await using var app = await DashboardProcess.StartAsync([.. DashboardKilledMatrixTests.Arguments(host, HostTimeout), "--Bulk:MaxPerHost", "1"]);
        using var http = await ApiAsync(app);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await OutcomeOnPage.LaunchAsync(playwright);
        var signedIn = await SignInAsync(browser, app);

        var verdicts = new List<CaseVerdict>();
        foreach (var step in run)
        {
            verdicts.Add(await BulkCaseAsync(host, app, http, browser, signedIn, scenario, verdicts.Count > 0 ? state : null, ids, steps, step, commands));
            output.WriteLine(HostFaultMatrix.Row(verdicts[^1]));
        }

        Report(verdicts, scenario, run.Count);
    }

    // One bulk case: both VMs selected on /vms, enabled with shut down, the dashboard killed at step's cmdlet, then judged.
    // A state to reset to is given for every case but the first (whose host is fresh).
    private static async Task<CaseVerdict> BulkCaseAsync(
        SshTestHost host, DashboardProcess app, HttpClient http, IBrowser browser, string signedIn, FaultScenario scenario, string? reset,
        Guid[] ids, IReadOnlyList<ChangeStep> steps, ChangeStep step, string[] commands)
    {
        var started = DateTime.UtcNow;
        var problems = new List<string>();
        ResetHost(host, reset);
        var lastAudit = (await EntriesAsync(app.DataFolder)).Select(e => e.Id).DefaultIfEmpty(0).Max();
        foreach (var id in ids)
        {
            await Eventually.HoldsAsync(async () => await DashboardKilledMatrixTests.VmAsync(http, VmPath(host, id)) is { State: "Running", Nested: false }, Wait, "the app seeing both VMs Running with nested off");
        }

        int[] callsAtKill;
        await using (var context = await OutcomeOnPage.ContextAsync(browser, app, signedIn))
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
            await Eventually.HoldsAsync(() => Triggered(host), Wait, $"{step.Command} #{step.Call} reached (VM {step.Vm + 1}'s step)");

            // Before the kill the page has told the user how each VM before the hung one ended, and nothing about the hung one (or later ones).
            var results = page.GetByTestId("bulk-results");
            await ExpectOnPageAsync(() => Assertions.Expect(results.Locator("[data-testid=bulk-result][data-outcome=Succeeded]")).ToHaveCountAsync(step.Vm, new() { Timeout = Timeout }), step.Vm == 1 ? "the page does not show VM 1's change Succeeded before the kill" : $"the page does not show {step.Vm} VMs' changes Succeeded before the kill", problems);
            await ExpectOnPageAsync(() => Assertions.Expect(results.GetByTestId("bulk-result")).ToHaveCountAsync(step.Vm), $"the page shows a result for VM {step.Vm + 1} although its change hangs", problems);

            // kill -9 (Process.Kill) and a new process on the same port and data folder.
            callsAtKill = Calls(host, commands);
            await app.RestartAsync();
        }

        // The per-VM entries were begun in the run's order (all of them before anything ran): the ones before the hung VM ended,
        // the hung VM's and the later ones (never run) open at the kill.
        var all = await EntriesAsync(app.DataFolder);
        var entries = all.Where(e => e.Id > lastAudit).ToList();
        var run = entries.Where(e => e.Action == "Bulk enable nested").ToList();
        var perVm = entries.Where(e => e.Action == "Enable nested").OrderBy(e => e.Id).ToList();
        Expect(entries.Count == scenario.VmCount + 1, $"{entries.Count} audit entries, not {scenario.VmCount + 1} (the run's and one per VM)", problems);
        Expect(perVm.Count == scenario.VmCount && perVm.All(e => e.VmId is not null), $"{perVm.Count} per-VM entries, not {scenario.VmCount}", problems);
        Expect(run.Count == 1 && run[0].Result != AuditResults.Started, $"the run's entry is {string.Join(",", run.Select(e => e.Result))}, not ended", problems);
        Expect(entries.Select(e => e.CorrelationId).Distinct().Count() == 1, "the run's entries do not share one correlation id", problems);
        var expectedResults = Enumerable.Range(0, scenario.VmCount).Select(v => v < step.Vm ? AuditResults.Succeeded : AuditResults.Interrupted).ToList();
        for (var v = 0; v < scenario.VmCount; v++)
        {
            var why = v < step.Vm ? "its change ended before the kill" : v == step.Vm ? "its change was killed" : "begun before the run, never run";
            Expect(perVm.ElementAtOrDefault(v)?.Result == expectedResults[v], $"VM {v + 1}'s entry is {perVm.ElementAtOrDefault(v)?.Result}, not {expectedResults[v]} ({why})", problems);
        }

        ExpectNoneStarted(all, problems);

        // The restarted app does not run the change again (nor finish the hung VM's, nor begin a later one's): a few seconds for anything that would.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var callsLater = Calls(host, commands);
        Expect(callsLater.SequenceEqual(callsAtKill), $"a change ran again after the restart: {Format(commands, callsAtKill)} → {Format(commands, callsLater)}", problems);

        // Each VM has what its steps before the hung one did: running unless a shut down came after its last start, nested set when Set-VMProcessor did.
        var after = host.ReadState();
        var now = DateTimeOffset.UtcNow;
        var vms = new List<SimulatedVm>();
        var expectedVms = new List<string>();
        for (var v = 0; v < scenario.VmCount; v++)
        {
            var vm = after.FindVm(perVm.Count == scenario.VmCount ? perVm[v].VmId!.Value : ids[v])!;
            var ran = steps.Where(s => s.Vm == v && s.Index < step.Index).ToList();
            var lastPower = ran.LastOrDefault(s => s.Kind is OperationStepKind.ShutDown or OperationStepKind.TurnOff or OperationStepKind.Start or OperationStepKind.CompensatingStart);
            var running = lastPower is null || lastPower.Kind is OperationStepKind.Start or OperationStepKind.CompensatingStart;
            var nestedSet = ran.Exists(s => s.Kind is OperationStepKind.SetNestedVirtualization);
            Expect(vm.StateAt(now) == (running ? VMState.Running : VMState.Off) && vm.ExposeVirtualizationExtensions == nestedSet, $"VM {v + 1} {vm.StateAt(now)}, nested {OnOff(vm.ExposeVirtualizationExtensions)}; expected {(running ? "Running" : "Off")}, nested {OnOff(nestedSet)}", problems);
            vms.Add(vm);
            expectedVms.Add($"VM {v + 1} {(running ? "Running" : "Off")} nested {OnOff(nestedSet)}");
        }

        // The killed VM's entry says which of its steps the run stopped at, and that the VM may be left Off when the change had
        // stopped it (or was stopping or starting it); a VM never run says nothing of the kind, and no VM that was Running is Off unsaid.
        var mine = steps.Where(s => s.Vm == step.Vm).ToList();
        var at = mine.FindIndex(s => s.Index == step.Index);
        List<string> says = [$"step {at + 1} of {mine.Count}, '{step.Title}'"];
        if (mine.Take(at + 1).Any(s => s.Kind is OperationStepKind.ShutDown or OperationStepKind.TurnOff))
        {
            says.Add("may be left Off; start it if it should run");
        }

        var killedEntry = perVm.ElementAtOrDefault(step.Vm);
        foreach (var said in says)
        {
            Expect(killedEntry?.Message?.Contains(said, StringComparison.Ordinal) == true, $"VM {step.Vm + 1}'s Interrupted entry does not say \"{said}\": {killedEntry?.Message}", problems);
        }

        for (var v = 0; v < scenario.VmCount && perVm.Count == scenario.VmCount; v++)
        {
            Expect(v <= step.Vm || perVm[v].Message?.Contains("It was at", StringComparison.Ordinal) != true, $"VM {v + 1}'s entry names a step although its change never ran: {perVm[v].Message}", problems);
            Expect(vms[v].StateAt(now) != VMState.Off || perVm[v].Message?.Contains("may be left Off", StringComparison.Ordinal) == true, $"VM {v + 1} was Running and is Off, and its entry does not say so: {perVm[v].Message}", problems);
        }

        // The restarted app shows each VM as the host has it: through the API and on its page; the activity page lists the killed VM's entry Interrupted.
        var pages = new List<string>();
        foreach (var vm in vms)
        {
            await ExpectShownAsync(http, host, vm, problems);
            pages.Add(await OutcomeOnPage.ExpectVmShownAsync(browser, app, signedIn, host.Name, vm.Id, vm.StateAt(now).ToString(), vm.ExposeVirtualizationExtensions, problems));
        }

        pages.Insert(0, killedEntry is null ? "no entry to look for" : await OutcomeOnPage.ExpectInterruptedAsync(browser, app, signedIn, host.Name, killedEntry.Id, says, problems));

        // The old app's hung session dies with the host's sshd (restarted before the fault is disarmed, so the hung call can never
        // go on); the app reconnects, and still runs nothing again.
        var callsAfterHost = await RestartHostAsync(host, commands);
        Expect(callsAfterHost.SequenceEqual(callsAtKill), $"a change ran after the host's restart: {Format(commands, callsAtKill)} → {Format(commands, callsAfterHost)}", problems);

        var audited = string.Join(", ", expectedResults.Select((r, v) => $"VM {v + 1} {r}{(v > step.Vm ? " (never run)" : "")}"));
        return new CaseVerdict(
            $"{scenario.Name} @ VM {step.Vm + 1}: {step.Title} ({step.Command} #{step.Call}), started on /vms × dashboard killed (kill -9) and restarted",
            $"{audited}, VM {step.Vm + 1}'s naming its step {at + 1} of {mine.Count}{(says.Count > 1 ? " and that it may be left Off" : "")}, the run's entry ended, none Started; nothing run again; {string.Join(", ", expectedVms)}; the restarted app shows both so (API, VM pages) and the entry on /activity",
            $"{string.Join("; ", pages)}; audit run {string.Join(",", run.Select(e => e.Result))}, VMs {string.Join(",", perVm.Select(e => e.Result))}; calls at kill {Format(commands, callsAtKill)}, 3 s later {(callsLater.SequenceEqual(callsAtKill) ? "same" : Format(commands, callsLater))}, after the host's restart {(callsAfterHost.SequenceEqual(callsAtKill) ? "same" : Format(commands, callsAfterHost))}; {string.Join(", ", vms.Select((vm, v) => $"VM {v + 1} {vm.StateAt(now)} nested {OnOff(vm.ExposeVirtualizationExtensions)}"))}",
            problems,
            DateTime.UtcNow - started);
    }

    [Fact]
    public async Task Killed_while_the_new_vm_dialog_creates_a_vm_the_restarted_dashboard_marks_it_interrupted_and_lists_the_half_made_vm()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: ./build.sh test installs the Debian chromium package.");
        var scenario = FaultScenario.All.Single(s => s.Kind is ChangeKind.NewVm);
        var steps = FaultCases.NewVmSteps();
        // The script's changing cmdlets are the engine's steps, in the same order: the step killed at is named by its title.
        Assert.Equal(NewVmPlan.Steps.Count, steps.Count);
        Assert.All(steps, s => Assert.StartsWith(s.Command + " ", NewVmPlan.Steps[s.Index].Title, StringComparison.Ordinal));
        // The suite: the middle step (New-VM has made the VM, the settings after it are not all made). FAULT_MATRIX_ALL=1: every step,
        // New-VM's own too (the simulator's hang is before the cmdlet changes anything: no VM at all).
        var middle = steps[steps.Count / 2];
        Assert.True(middle.Index > 0, $"the middle step of the new-VM script is {middle.Command}, not a step after New-VM");
        IReadOnlyList<ChangeStep> run = EveryStep ? steps : [middle];
        // Remove-VM is the script's rollback: it must not run either (the host was not lost, only the app).
        string[] commands = [.. steps.Select(s => s.Command).Distinct(), "Remove-VM"];
        const string hostName = "FAULT-PAGE-NEWVM";
        var state = scenario.State(hostName);
        await using var host = await SshTestHost.StartAsync(hostName, SimulatedHost.FromJson(state));
        await using var app = await DashboardProcess.StartAsync(DashboardKilledMatrixTests.Arguments(host, HostTimeout));
        using var http = await ApiAsync(app);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await OutcomeOnPage.LaunchAsync(playwright);
        var signedIn = await SignInAsync(browser, app);

        var verdicts = new List<CaseVerdict>();
        foreach (var step in run)
        {
            verdicts.Add(await NewVmCaseAsync(host, app, http, browser, signedIn, scenario, verdicts.Count > 0 ? state : null, steps, step, commands));
            output.WriteLine(HostFaultMatrix.Row(verdicts[^1]));
        }

        Report(verdicts, scenario, run.Count);
    }

    // One new-VM case: the host page's dialog creates the VM, the dashboard killed at step's cmdlet, then judged. A state to reset
    // to is given for every case but the first (whose host is fresh): the half-made VM of the case before is gone with it.
    private static async Task<CaseVerdict> NewVmCaseAsync(
        SshTestHost host, DashboardProcess app, HttpClient http, IBrowser browser, string signedIn, FaultScenario scenario, string? reset,
        IReadOnlyList<ChangeStep> steps, ChangeStep step, string[] commands)
    {
        var started = DateTime.UtcNow;
        var problems = new List<string>();
        // How the entry names the step: the engine's title for it, k of n (its script's steps are NewVmPlan.Steps, in order).
        var says = $"step {step.Index + 1} of {NewVmPlan.Steps.Count}, '{NewVmPlan.Steps[step.Index].Title}'";
        if (reset is not null)
        {
            ResetHost(host, reset);
            // The app has dropped the half-made VM of the case before (it reads the host again): the page starts as the host is.
            await Eventually.HoldsAsync(async () => await VmNamesAsync(http, host) is { } names && !names.Contains(FaultScenario.NewVmName), Wait, $"the app no longer listing {FaultScenario.NewVmName} after the host's reset");
        }

        var lastAudit = (await EntriesAsync(app.DataFolder)).Select(e => e.Id).DefaultIfEmpty(0).Max();
        int[] callsAtKill;
        var noted = "step never noted";
        await using (var context = await OutcomeOnPage.ContextAsync(browser, app, signedIn))
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
            await Eventually.HoldsAsync(() => Triggered(host), Wait, $"{step.Command} #{step.Call} reached");

            // The script is one call on the host: it writes its Step row before the hung cmdlet, and the row crosses the SSH
            // connection to the app while the cmdlet hangs. The kill comes once the app has noted the step (a few seconds at most),
            // so that a step the app never noted is a failure of the case below, not a race lost by the test.
            var reached = DateTime.UtcNow;
            try
            {
                await Eventually.HoldsAsync(
                    async () => (await EntriesAsync(app.DataFolder)).Exists(e => e.Id > lastAudit && e.Result == AuditResults.Started && e.Message?.Contains(says, StringComparison.Ordinal) == true),
                    TimeSpan.FromSeconds(20),
                    "");
                noted = $"step noted {(DateTime.UtcNow - reached).TotalSeconds:0.0} s after the host reached it";
            }
            catch (TimeoutException)
            {
                problems.Add($"the running entry did not name \"{says}\" within 20 s of the host reaching {step.Command} #{step.Call}");
            }

            callsAtKill = Calls(host, commands);
            await app.RestartAsync();
        }

        var all = await EntriesAsync(app.DataFolder);
        var entries = all.Where(e => e.Id > lastAudit && e.Action == "New nested-ready VM" && e.VmName == FaultScenario.NewVmName).ToList();
        ExpectOneInterrupted(all, entries, "the new VM", problems);

        // The entry names the step the script was at (k of n, in the engine's words) and the steps done before it.
        List<string> said = [says];
        if (step.Index > 0)
        {
            said.Add($"Done before it: {string.Join(", ", NewVmPlan.Steps.Take(step.Index).Select(s => $"'{s.Title}'"))}.");
        }

        foreach (var words in said)
        {
            Expect(entries.Count == 1 && entries[0].Message?.Contains(words, StringComparison.Ordinal) == true, $"the Interrupted entry does not say \"{words}\": {entries.FirstOrDefault()?.Message}", problems);
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        var callsLater = Calls(host, commands);
        Expect(callsLater.SequenceEqual(callsAtKill), $"a step ran again after the restart: {Format(commands, callsAtKill)} → {Format(commands, callsLater)}", problems);

        // What the steps before the hung one made (no rollback: the script was never told it failed). The simulator's hang is before
        // its cmdlet changes anything, so killed at New-VM there is no VM at all; after it, the half-made VM, Off, with New-VM's
        // static 4 GB and 1 processor, then what each later step that ran set.
        var ran = steps.Take(step.Index).ToList();
        var created = ran.Exists(s => s.Command == "New-VM");
        var processorSet = ran.Exists(s => s.Command == "Set-VMProcessor");
        var spoofingSet = ran.Exists(s => s.Command == "Set-VMNetworkAdapter");
        var after = host.ReadState();
        var made = after.Vms.Where(v => v.Name == FaultScenario.NewVmName).ToList();
        var now = DateTimeOffset.UtcNow;
        string expectedHost;
        if (created)
        {
            expectedHost = $"the half-made VM on the host (Off, static 4 GB, {(processorSet ? 2 : 1)} processor{(processorSet ? "s" : "")}, nested {OnOff(processorSet)}, spoofing {OnOff(spoofingSet)}) and listed by the restarted app";
            Expect(made.Count == 1, $"{made.Count} VMs named {FaultScenario.NewVmName} on the host, not the 1 half-made one", problems);
            if (made.Count == 1)
            {
                var vm = made[0];
                Expect(vm.StateAt(now) == VMState.Off, $"the half-made VM is {vm.StateAt(now)}, not Off", problems);
                Expect(!vm.DynamicMemoryEnabled && vm.MemoryStartupBytes == 4L * 1024 * 1024 * 1024, $"the half-made VM's memory is {(vm.DynamicMemoryEnabled ? "dynamic" : "static")} {vm.MemoryStartupBytes / (1024 * 1024)} MB, expected static 4096 MB", problems);
                Expect(vm.ProcessorCount == (processorSet ? 2 : 1), $"the half-made VM has {vm.ProcessorCount} processors, expected {(processorSet ? 2 : 1)}", problems);
                Expect(vm.ExposeVirtualizationExtensions == processorSet, $"the half-made VM's nested is {OnOff(vm.ExposeVirtualizationExtensions)}, expected {OnOff(processorSet)}", problems);
                Expect(vm.NetworkAdapters.Count > 0 && vm.NetworkAdapters.TrueForAll(a => a.MacAddressSpoofing == spoofingSet), $"the half-made VM's MAC spoofing is {string.Join(",", vm.NetworkAdapters.Select(a => OnOff(a.MacAddressSpoofing)))}, expected {OnOff(spoofingSet)}", problems);
                await ExpectShownAsync(http, host, vm, problems);
            }
        }
        else
        {
            expectedHost = $"no {FaultScenario.NewVmName} on the host nor listed by the restarted app";
            Expect(made.Count == 0, $"{made.Count} VMs named {FaultScenario.NewVmName} on the host although {step.Command} never ran", problems);
            string[]? listed = null;
            try
            {
                await Eventually.HoldsAsync(async () => (listed = await VmNamesAsync(http, host)) is not null, Wait, "");
                Expect(!listed!.Contains(FaultScenario.NewVmName), $"the restarted app lists {FaultScenario.NewVmName} although the host has none", problems);
            }
            catch (TimeoutException)
            {
                problems.Add("the restarted app never read the host's VMs");
            }
        }

        // The restarted app shows the outcome on its pages: the entry Interrupted on /activity, the half-made VM Off on its page.
        var onPage = entries.Count == 1 ? await OutcomeOnPage.ExpectInterruptedAsync(browser, app, signedIn, host.Name, entries[0].Id, [FaultScenario.NewVmName, says], problems) : "no entry to look for";
        if (made.Count == 1)
        {
            onPage += "; " + await OutcomeOnPage.ExpectVmShownAsync(browser, app, signedIn, host.Name, made[0].Id, made[0].StateAt(now).ToString(), made[0].ExposeVirtualizationExtensions, problems);
        }

        var callsAfterHost = await RestartHostAsync(host, commands);
        Expect(callsAfterHost.SequenceEqual(callsAtKill), $"a step ran after the host's restart: {Format(commands, callsAtKill)} → {Format(commands, callsAfterHost)}", problems);

        var hostHas = made.Count == 1
            ? $"{made[0].Name} {made[0].StateAt(now)} {(made[0].DynamicMemoryEnabled ? "dynamic" : "static")} {made[0].MemoryStartupBytes / (1024 * 1024)} MB, {made[0].ProcessorCount} cpu, nested {OnOff(made[0].ExposeVirtualizationExtensions)}, spoofing {OnOff(made[0].NetworkAdapters.Exists(a => a.MacAddressSpoofing))}"
            : $"{made.Count} VMs named {FaultScenario.NewVmName}";
        return new CaseVerdict(
            $"{scenario.Name} @ {step.Title} ({step.Command} #{step.Call}), started from the host page's dialog × dashboard killed (kill -9) and restarted",
            $"1 Interrupted entry naming {says}{(step.Index > 0 ? " and the steps done before it" : "")}, none Started, listed so on /activity; nothing run again, no rollback; {expectedHost}{(created ? ", shown on its page" : "")}",
            $"{onPage}; {noted}; audit {string.Join(",", entries.Select(e => e.Result))}; calls at kill {Format(commands, callsAtKill)}, 3 s later {(callsLater.SequenceEqual(callsAtKill) ? "same" : Format(commands, callsLater))}, after the host's restart {(callsAfterHost.SequenceEqual(callsAtKill) ? "same" : Format(commands, callsAfterHost))}; host has {hostHas}",
            problems,
            DateTime.UtcNow - started);
    }

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

        var verdicts = new List<CaseVerdict>();
        foreach (var step in run)
        {
            verdicts.Add(await InstallCaseAsync(host, app, http, browser, signedIn, scenario, verdicts.Count > 0 ? state : null, vmId, step, commands));
            output.WriteLine(HostFaultMatrix.Row(verdicts[^1]));
        }

        Report(verdicts, scenario, run.Count);
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
        await Eventually.HoldsAsync(async () => await DashboardKilledMatrixTests.VmAsync(http, VmPath(host, vmId)) is { State: "Running" }, Wait, "the app seeing the guest's VM Running");
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
            await Eventually.HoldsAsync(() => Triggered(host), Wait, $"{step.Command} reached {(FaultCases.IsInstallRestart(step) ? "on the host" : "in the guest")}");

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
