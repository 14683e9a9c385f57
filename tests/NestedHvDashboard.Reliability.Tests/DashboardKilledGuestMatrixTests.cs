using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using NestedHvDashboard.Browser.Tests;
using NestedHvDashboard.PowerShell.Tests.Ssh;
using NestedHvDashboard.Simulator.State;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;
using Xunit.Abstractions;

namespace NestedHvDashboard.Reliability.Tests;

/// <summary>
/// The dashboard killed with kill -9 at each step of a NAT created in the guest (the steps generated from the NAT plan), the
/// change started from the VM page's guest card in Chromium (guest changes have no API), against an SSH pwsh host, then
/// started again on the same data: the audit entry is Interrupted, no guest command runs again, and the guest is left with
/// exactly the steps before the one the app was killed at. Each case restarts the app and opens PowerShell Direct sessions
/// (minutes on this 2-core box), so the suite runs one: the middle step, killed with the switch made and the NAT not yet;
/// FAULT_MATRIX_ALL=1 runs every step.
/// </summary>
[Trait("Category", "FaultMatrix")]
public sealed class DashboardKilledGuestMatrixTests(ITestOutputHelper output)
{
    internal const string ChromiumPath = HeadlessChromium.ExecutablePath;
    // Generous: on a busy box each PowerShell Direct read opens SSH sessions that may take tens of seconds.
    private const float Timeout = 180_000;

    [Fact]
    public async Task Killed_at_every_guest_nat_step_the_restarted_dashboard_marks_the_entry_interrupted_and_runs_nothing_twice()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: ./build.sh test installs the Debian chromium package.");
        var scenario = FaultScenario.All.Single(s => s.Kind is ChangeKind.GuestNat);
        var steps = FaultCases.GuestNatSteps(FaultScenario.NatRequest);
        string[] commands = [.. steps.Select(s => s.Command)];
        const string hostName = "FAULT-APP-GUEST";
        // The app's host timeout is generous: every change here is ended by the kill, never by the timeout, and on a busy box an SSH
        // session may take tens of seconds to open (the 15 s of the nested lane then never connects).
        var state = scenario.State(hostName);
        await using var host = await SshTestHost.StartAsync(hostName, SimulatedHost.FromJson(state));
        var vmId = host.ReadState().FindVm(scenario.VmNames[0])!.Id;
        await using var app = await DashboardProcess.StartAsync(DashboardKilledMatrixTests.Arguments(host, timeout: "00:01:30"));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = [.. HeadlessChromium.Arguments],
        });
        var signedIn = await SignInAsync(browser, app);
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await DashboardKilledMatrixTests.CreateTokenAsync(app.DataFolder));
        var verdicts = new List<CaseVerdict>();
        IReadOnlyList<ChangeStep> run = Environment.GetEnvironmentVariable("FAULT_MATRIX_ALL") == "1" ? steps : [steps[1]];
        foreach (var step in run)
        {
            verdicts.Add(await RunAsync(host, app, http, browser, signedIn, scenario, state, vmId, step, commands));
            output.WriteLine(HostFaultMatrix.Row(verdicts[^1]));
        }

        output.WriteLine($"fault matrix, dashboard killed in a guest change: {verdicts.Count} cases, {verdicts.Count(v => v.Passed)} passed, {verdicts.Sum(v => v.Took.TotalSeconds):0} s");
        Assert.Equal(run.Count, verdicts.Count);
        var failed = verdicts.Where(v => !v.Passed).ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed.Select(v => $"{v.Case}: {string.Join("; ", v.Problems)}")));
    }

    private static async Task<CaseVerdict> RunAsync(
        SshTestHost host, DashboardProcess app, HttpClient http, IBrowser browser, string signedIn, FaultScenario scenario, string state, Guid vmId, ChangeStep step, string[] commands)
    {
        var started = DateTime.UtcNow;
        var cell = $"{scenario.Name} @ {step.Title} ({step.Command} #{step.Call}) × dashboard killed (kill -9) and restarted";
        var problems = new List<string>();
        SimulatedHost.FromJson(state).SaveToFile(host.StateFile);
        var lastAudit = (await EntriesAsync(app.DataFolder)).Select(e => e.Id).DefaultIfEmpty(0).Max();
        var vmPath = new Uri($"/api/v1/hosts/{host.Name}/vms/{vmId}", UriKind.Relative);
        try
        {
            await app.HoldsAsync(async () => await DashboardKilledMatrixTests.VmAsync(http, vmPath) is { State: "Running" }, TimeSpan.FromSeconds(180), "the app seeing the guest's VM Running");
        }
        catch (TimeoutException ex)
        {
            var said = app.Output;
            throw new TimeoutException($"{ex.Message} The app said: {said[Math.Max(0, said.Length - 4000)..]}", ex);
        }

        await using (var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1600, Height = 1000 }, StorageState = signedIn }))
        {
            var page = await context.NewPageAsync();
            await ReadGuestAsync(page, host.Name, vmId);
            await Field(page, "nat-prefix").FillAsync(FaultScenario.NatRequest.Prefix);
            await Field(page, "nat-gateway").FillAsync(FaultScenario.NatRequest.Gateway);
            await Assertions.Expect(page.GetByTestId("nat-review-button")).ToBeEnabledAsync(new() { Timeout = Timeout });
            await page.GetByTestId("nat-review-button").ClickAsync();
            await Assertions.Expect(page.GetByTestId("nat-command").First).ToBeVisibleAsync(new() { Timeout = Timeout });

            SimulatedFaults.Arm(host.StateFile, new SimulatedFault { Command = step.Command, Call = step.Call, Kind = SimulatedFaultKind.Hang });
            await page.GetByTestId("nat-create").ClickAsync();
            await app.HoldsAsync(() => SimulatedFaults.Read(host.StateFile)?.Faults.Exists(f => f.TriggeredAt is not null) == true, TimeSpan.FromSeconds(120), $"{step.Command} reached in the guest");

            // kill -9 (Process.Kill) and a new process on the same port and data folder.
            await app.RestartAsync();
        }

        var callsAtKill = Calls(host, commands);
        var entries = (await EntriesAsync(app.DataFolder)).Where(e => e.Id > lastAudit && e.Action == "Create guest NAT").ToList();
        Expect(entries.Count == 1, $"{entries.Count} audit entries for the NAT, not 1", problems);
        Expect(entries.Count == 1 && entries[0].Result == AuditResults.Interrupted, $"the entry is {string.Join(",", entries.Select(e => e.Result))}, not Interrupted", problems);

        // The restarted app does not run the change again (it would call the guest's commands again, or read the guest and go on).
        await Task.Delay(TimeSpan.FromSeconds(3));
        var callsLater = Calls(host, commands);
        Expect(callsLater.SequenceEqual(callsAtKill), $"a guest command ran again after the restart: {Format(commands, callsAtKill)} → {Format(commands, callsLater)}", problems);

        // What the guest has: the steps before the hung one, none undone (the app that would have read the result is gone).
        var guest = host.ReadState().FindVm(vmId)!.Guest!.Host;
        var hasSwitch = guest.Switches.Exists(s => s.Name == FaultScenario.NatRequest.SwitchName);
        var hasAddress = guest.IPAddresses.Exists(a => a.IPAddress == FaultScenario.NatRequest.Gateway);
        Expect(hasSwitch == step.Index > 0, $"switch {(hasSwitch ? "there" : "missing")}", problems);
        Expect(hasAddress == step.Index > 1, $"gateway address {(hasAddress ? "there" : "missing")}", problems);
        Expect(guest.NetNat is null, "the NAT was made although New-NetNat never ran", problems);

        // The hung session is the old app's; end it (sshd restarted) so it can never finish its step, then check nothing ran again.
        // sshd restarted first: disarmed while the old session still hangs, the hung cmdlet could go on and finish its step.
        await host.RestartAsync();
        SimulatedFaults.Disarm(host.StateFile);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var after = host.ReadState().FindVm(vmId)!.Guest!.Host;
        Expect(after.NetNat is null && after.Switches.Exists(s => s.Name == FaultScenario.NatRequest.SwitchName) == hasSwitch, "the guest changed after the restart: a step ran again or finished", problems);

        // The restarted app shows the outcome on its pages: the entry Interrupted on /activity, the VM still Running on its page.
        var onPage = entries.Count == 1 ? await OutcomeOnPage.ExpectInterruptedAsync(browser, app, signedIn, host.Name, entries[0].Id, ["Create guest NAT"], problems) : "no entry to look for";
        var vm = host.ReadState().FindVm(vmId)!;
        var vmPage = await OutcomeOnPage.ExpectVmShownAsync(browser, app, signedIn, host.Name, vmId, vm.StateAt(DateTimeOffset.UtcNow).ToString(), vm.ExposeVirtualizationExtensions, problems);

        var made = string.Join(" + ", new[] { hasSwitch ? "switch" : null, hasAddress ? "gateway address" : null }.OfType<string>());
        var expected = $"1 Interrupted entry (listed so on /activity); nothing run again; guest left with {(step.Index == 0 ? "nothing" : string.Join(" + ", commands.Take(step.Index)))}; VM page Running";
        var actual = $"audit {string.Join(",", entries.Select(e => e.Result))}; calls at kill {Format(commands, callsAtKill)}, 3 s later {Format(commands, callsLater)}; guest has {(made.Length == 0 ? "nothing new" : made)}; {onPage}; {vmPage}";
        return new CaseVerdict(cell, expected, actual, problems, DateTime.UtcNow - started);
    }

    /// <summary>
    /// Opens the VM's page live (the overview first, until its circuit says so, then the VM page inside that circuit: a click
    /// before the circuit is up is lost) and reads the guest as a user does, typing the lab credential in the dialog.
    /// </summary>
    internal static async Task ReadGuestAsync(IPage page, string host, Guid vmId)
    {
        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByTestId("feed-state")).ToHaveTextAsync("live", new() { Timeout = Timeout });
        await page.EvaluateAsync("url => Blazor.navigateTo(url)", $"/hosts/{host}/vms/{vmId}");
        await Assertions.Expect(page.GetByTestId("guest-card")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await page.GetByTestId("guest-read").ClickAsync();
        await Assertions.Expect(page.GetByTestId("guest-credential-dialog")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Field(page, "guest-user").FillAsync(FaultScenario.GuestCredential.UserName);
        await Field(page, "guest-password").FillAsync(FaultScenario.GuestCredential.Password!);
        await page.GetByTestId("guest-credential-ok").ClickAsync();
        await Assertions.Expect(page.GetByTestId("guest-state")).ToBeVisibleAsync(new() { Timeout = Timeout });
    }

    internal static ILocator Field(IPage page, string testId) => page.Locator($"input[data-testid={testId}], [data-testid={testId}] input");

    // The sign-in form, as a person fills it; the cookie it sets is reused by every case's context.
    internal static async Task<string> SignInAsync(IBrowser browser, DashboardProcess app)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login?ReturnUrl=%2Fhealthz");
        await page.GetByTestId("user-name").FillAsync(DashboardProcess.AdminUser);
        await page.GetByTestId("password").FillAsync(DashboardProcess.AdminPassword);
        await page.GetByTestId("sign-in").ClickAsync();
        await PageUrl.WaitUntilAsync(page, url => url.AbsolutePath == "/healthz", TimeSpan.FromMilliseconds(Timeout), "the sign-in form to redirect to /healthz");
        return await context.StorageStateAsync();
    }

    internal static string Format(string[] commands, int[] calls) => string.Join(", ", commands.Zip(calls, (c, n) => $"{c} {n}"));

    internal static int[] Calls(SshTestHost host, string[] commands) =>
        SimulatedFaults.Read(host.StateFile) is { } faults ? [.. commands.Select(c => faults.Calls.GetValueOrDefault(c))] : new int[commands.Length];

    internal static void Expect(bool holds, string problem, List<string> problems)
    {
        if (!holds)
        {
            problems.Add(problem);
        }
    }

    internal static async Task<List<AuditEntry>> EntriesAsync(string dataFolder)
    {
        var options = new DbContextOptionsBuilder<SqliteDashboardDbContext>().UseSqlite($"Data Source={Path.Combine(dataFolder, "dashboard.db")};Pooling=false").Options;
        await using var db = new SqliteDashboardDbContext(options);
        return await db.AuditEntries.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }
}
