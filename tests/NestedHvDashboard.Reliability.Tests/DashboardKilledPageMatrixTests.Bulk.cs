using Microsoft.Playwright;
using NestedHvDashboard.Browser.Tests;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.PowerShell;
using NestedHvDashboard.PowerShell.Tests.Ssh;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;
using NestedHvDashboard.Web.Audit;
using static NestedHvDashboard.Reliability.Tests.DashboardKilledGuestMatrixTests;

namespace NestedHvDashboard.Reliability.Tests;

public sealed partial class DashboardKilledPageMatrixTests
{
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

        await RunLaneAsync(scenario, run, state, (reset, step) => BulkCaseAsync(host, app, http, browser, signedIn, scenario, reset, ids, steps, step, commands));
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
            await app.HoldsAsync(async () => await DashboardKilledMatrixTests.VmAsync(http, VmPath(host, id)) is { State: "Running", Nested: false }, Wait, "the app seeing both VMs Running with nested off");
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
                await LabPages.TickGridRowAsync(page, Row(page, host.Name, name).Locator("input[type=checkbox]"), ++selected, Timeout);
            }

            await page.GetByTestId("bulk-enable").ClickAsync();
            var dialog = page.GetByTestId("bulk-dialog");
            await Assertions.Expect(dialog).ToBeVisibleAsync(new() { Timeout = Timeout });
            await Assertions.Expect(dialog.Locator($"tr[data-host=\"{host.Name}\"]").GetByTestId("bulk-running")).ToHaveTextAsync($"{scenario.VmCount}");
            await dialog.GetByText("Shut down, change, start again").ClickAsync();
            // The MAC spoofing companion is ticked by default; this lane's plan is the nested change alone (shut down, set, start).
            await dialog.Locator("input[data-testid=bulk-mac-spoofing]").UncheckAsync();

            SimulatedFaults.Arm(host.StateFile, new SimulatedFault { Command = step.Command, Call = step.Call, Kind = SimulatedFaultKind.Hang });
            await page.GetByTestId("bulk-confirm").ClickAsync();
            await Assertions.Expect(dialog).ToHaveCountAsync(0, new() { Timeout = Timeout });
            await app.HoldsAsync(() => Triggered(host), Wait, $"{step.Command} #{step.Call} reached (VM {step.Vm + 1}'s step)");

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
}
