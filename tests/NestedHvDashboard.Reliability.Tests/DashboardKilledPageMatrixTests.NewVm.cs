using Microsoft.Playwright;
using NestedHvDashboard.Browser.Tests;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.PowerShell.Tests.Ssh;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;
using NestedHvDashboard.Web.Audit;
using static NestedHvDashboard.Reliability.Tests.DashboardKilledGuestMatrixTests;

namespace NestedHvDashboard.Reliability.Tests;

public sealed partial class DashboardKilledPageMatrixTests
{
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

        await RunLaneAsync(scenario, run, state, (reset, step) => NewVmCaseAsync(host, app, http, browser, signedIn, scenario, reset, steps, step, commands));
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
            await app.HoldsAsync(async () => await VmNamesAsync(http, host) is { } names && !names.Contains(FaultScenario.NewVmName), Wait, $"the app no longer listing {FaultScenario.NewVmName} after the host's reset");
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
            await app.HoldsAsync(() => Triggered(host), Wait, $"{step.Command} #{step.Call} reached");

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
                await app.HoldsAsync(async () => (listed = await VmNamesAsync(http, host)) is not null, Wait, "the restarted app listing the host's VMs");
                Expect(!listed!.Contains(FaultScenario.NewVmName), $"the restarted app lists {FaultScenario.NewVmName} although the host has none", problems);
            }
            catch (TimeoutException timeout)
            {
                problems.Add($"the restarted app never read the host's VMs: {timeout.Message}");
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
}
