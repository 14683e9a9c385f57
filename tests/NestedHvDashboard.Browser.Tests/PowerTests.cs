using Microsoft.Playwright;
using NestedHvDashboard.Simulator.Scenarios;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// VM power in a real Chromium against the real app: the VM page's power bar taking one VM through pause, resume, save,
/// delete saved state, start and turn off (with its warning), and a bulk power action from the All VMs grid.
/// Each test uses VMs no other browser test touches.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class PowerTests(DashboardFixture dashboard)
{
    // Connecting the simulated hosts, the first inventory and the simulated transitions (2-3 s each) on a busy machine.
    private const float Timeout = 60_000;

    private static readonly (int Width, int Height)[] Sizes = [(1920, 1080), (1366, 768), (800, 900)];

    [Fact]
    public async Task One_vm_goes_through_pause_resume_save_delete_saved_state_start_and_turn_off_from_its_power_bar()
    {
        // LabScenarios: sandbox-12 on WIN11-DEV, Running, nested off.
        const string host = "WIN11-DEV";
        const string vmName = "sandbox-12";
        var path = VmPath(host, vmName);
        await using var context = await dashboard.NewContextAsync(1366, 768);
        var page = await LabPages.OpenLiveAsync(context, path);
        var state = page.GetByTestId("vm-state");
        await Assertions.Expect(state).ToHaveTextAsync("Running", new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("power-resume")).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByTestId("power-resume")).ToHaveAttributeAsync("title", "The VM is Running; only a paused VM can be resumed.");

        await RunAsync(page, "pause", "Paused");
        await Assertions.Expect(page.GetByTestId("power-pause")).ToBeDisabledAsync();
        await RunAsync(page, "resume", "Running");
        await RunAsync(page, "save", "Saved");

        // The readiness check that asks for it now offers the same action next to its fix.
        var powerCheck = page.Locator("[data-rule=\"vm.power-state\"]");
        await Assertions.Expect(powerCheck.GetByTestId("fix-delete-saved-state")).ToBeEnabledAsync();
        await Assertions.Expect(powerCheck.GetByTestId("fix-start")).ToBeEnabledAsync();

        await page.GetByTestId("power-delete-saved-state").ClickAsync();
        await Assertions.Expect(page.GetByTestId("power-warning")).ToContainTextAsync("discards the VM's memory");
        await page.GetByTestId("power-confirm-button").ClickAsync();
        await ExpectDoneAsync(page, "Off");
        await Assertions.Expect(powerCheck.GetByTestId("check-status")).ToHaveTextAsync("Pass");

        await RunAsync(page, "start", "Running");

        await page.GetByTestId("power-turn-off").ClickAsync();
        var warning = page.GetByTestId("power-warning");
        await Assertions.Expect(warning).ToContainTextAsync("like pulling the plug: unsaved work in the guest is lost");
        await Assertions.Expect(page.GetByTestId("power-command")).ToHaveTextAsync($"Stop-VM -Name {vmName} -TurnOff");
        await LabPages.SaveScreenshotAsync(page, "power-turn-off-warning-1366-light.png", 1366, 768);
        await page.GetByTestId("power-confirm-button").ClickAsync();
        await ExpectDoneAsync(page, "Off");
        await Assertions.Expect(page.GetByTestId("power-step-title")).ToHaveTextAsync(["Turn off (Stop-VM -TurnOff)"]);

        // Every width and theme: the bar of an Off VM (only Start enabled) and the turn-off warning of a running one.
        await RunAsync(page, "start", "Running");
        await using var look = await dashboard.NewTabAsync();
        foreach (var (width, height) in Sizes)
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                var shown = await look.OpenAsync(path, width, height, scheme);
                await Assertions.Expect(shown.GetByTestId("power-start")).ToBeDisabledAsync(new() { Timeout = Timeout });
                await Assertions.Expect(shown.GetByTestId("power-shut-down")).ToBeEnabledAsync();
                var name = $"{width}-{scheme.ToString().ToLowerInvariant()}";
                await LabPages.SaveScreenshotAsync(shown, $"power-bar-{name}.png", width, height);
                await shown.GetByTestId("power-turn-off").ClickAsync();
                await Assertions.Expect(shown.GetByTestId("power-warning")).ToBeVisibleAsync();
                await LabPages.SaveScreenshotAsync(shown, $"power-turn-off-warning-{name}.png", width, height);
                await shown.GetByTestId("power-cancel").ClickAsync();
                await Assertions.Expect(shown.GetByTestId("power-confirm")).ToHaveCountAsync(0);
            }
        }

        // Closed here, not at the end of the test: an open page stays live and draws every change.
        await look.DisposeAsync();

        await Assertions.Expect(state).ToHaveTextAsync("Running");
        var activity = await LabPages.OpenLiveAsync(context, "/activity");
        foreach (var action in new[] { "Pause VM", "Resume VM", "Save VM", "Delete saved state", "Start VM", "Turn off VM" })
        {
            await Assertions.Expect(activity.Locator("[data-testid=activity-entry][data-result=Succeeded]", new() { HasText = action }).First).ToBeVisibleAsync(new() { Timeout = Timeout });
        }

        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    [Fact]
    public async Task A_bulk_start_groups_the_selection_and_runs_only_where_it_applies()
    {
        // LabScenarios: devbox-old on HV-WS2019-01 is Off, linux-nginx there Running; no other browser test touches them.
        (string Host, string Vm)[] chosen = [("HV-WS2019-01", "devbox-old"), ("HV-WS2019-01", "linux-nginx")];
        await using var context = await dashboard.NewContextAsync(1920, 1080);
        var page = await LabPages.OpenLiveAsync(context, "/vms");
        await LabPages.WaitForGridRowsSettledAsync(page);
        var selected = 0;
        foreach (var (host, vm) in chosen)
        {
            await LabPages.TickGridRowAsync(page, Row(page, host, vm).Locator("input[type=checkbox]"), ++selected);
        }

        await page.GetByTestId("bulk-power").ClickAsync();
        await Assertions.Expect(page.GetByTestId("bulk-power-start")).ToContainTextAsync("Start (1 of 2)");
        await Assertions.Expect(page.GetByTestId("bulk-power-resume")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("disabled"));
        await LabPages.SaveScreenshotAsync(page, "power-bulk-menu-1920-light.png", 1920, 1080);
        await page.GetByTestId("bulk-power-start").ClickAsync();

        var dialog = page.GetByTestId("bulk-power-dialog");
        await Assertions.Expect(dialog.GetByTestId("bulk-power-applies")).ToContainTextAsync("devbox-old");
        await Assertions.Expect(dialog.GetByTestId("bulk-power-others").Locator("tr[data-vm=\"linux-nginx\"]")).ToContainTextAsync("The VM is already Running.");
        await LabPages.SaveScreenshotAsync(page, "power-bulk-dialog-1920-light.png", 1920, 1080);
        await page.GetByTestId("bulk-power-confirm").ClickAsync();

        var results = page.GetByTestId("bulk-results");
        await Assertions.Expect(results.Locator("[data-testid=bulk-result][data-outcome=Succeeded][data-vm=\"devbox-old\"]")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Assertions.Expect(results.GetByTestId("bulk-result")).ToHaveCountAsync(1);
        await Assertions.Expect(Row(page, "HV-WS2019-01", "devbox-old")).ToContainTextAsync("Running", new() { Timeout = Timeout });
        await LabPages.SaveScreenshotAsync(page, "power-bulk-results-1920-light.png", 1920, 1080);
        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    private static async Task RunAsync(IPage page, string action, string endsIn)
    {
        await page.GetByTestId($"power-{action}").ClickAsync();
        await ExpectDoneAsync(page, endsIn);
    }

    private static async Task ExpectDoneAsync(IPage page, string endsIn)
    {
        await Assertions.Expect(page.GetByTestId("power-outcome")).ToContainTextAsync($"the VM is {endsIn}.", new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("vm-state")).ToHaveTextAsync(endsIn, new() { Timeout = Timeout });
    }

    private static string VmPath(string host, string vmName) =>
        $"/hosts/{host}/vms/{LabScenarios.CreateDefaultLab()[host].FindVm(vmName)?.Id ?? throw new InvalidOperationException($"The default lab has no VM '{vmName}' on {host}.")}";

    private static ILocator Row(IPage page, string host, string vm) =>
        page.Locator("tr", new() { Has = page.Locator($"[data-vm=\"{vm}\"][data-host=\"{host}\"]") });
}
