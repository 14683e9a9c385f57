using Microsoft.Playwright;
using NestedHvDashboard.Simulator.Scenarios;
using static NestedHvDashboard.Browser.Tests.LabPages;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// The L1/L2 cascade in a real Chromium on the simulated lab: an L1 whose guest runs an L2 VM is turned off nested
/// virtualization; the dialog names the L2 VM that will stop working and lists the cascade; the cascade shuts it down inside
/// the guest over PowerShell Direct, changes the L1 and leaves the L2 VM off with the reason; Activity holds one cascade entry
/// with every step.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class CascadeTests(DashboardFixture dashboard)
{
    private const float Timeout = 60_000;

    // LabScenarios: nested-l1-01 on the Intel WS2016 host, Running, nested on, with Hyper-V and l2-app-01 (Off) in the guest.
    private const string Host = "HV-WS2016-01";
    private const string L1 = "nested-l1-01";
    private const string L2 = "l2-app-01";

    private static readonly (int Width, int Height)[] Sizes = [(1920, 1080), (1366, 768), (800, 900)];

    [Fact]
    public async Task Disabling_nested_on_an_L1_with_a_running_L2_vm_lists_it_cascades_and_leaves_it_off_with_the_reason()
    {
        // Its own dashboard process: the added host and the changed L1 would change what the other tests read.
        await using var app = await DashboardProcess.StartAsync();
        var id = LabScenarios.CreateDefaultLab()[Host].FindVm(L1)?.Id ?? throw new InvalidOperationException($"The default lab has no VM '{L1}' on {Host}.");
        var l1Page = $"/hosts/{Host}/vms/{id}";

        // The lab admin's set-up: the L1 added as a host, its L2 VM started from the L1's own page.
        await using (var setup = await dashboard.NewContextAsync(app, 1920, 1080))
        {
            var page = await OpenLiveAsync(setup, l1Page);
            await page.GetByTestId("add-as-host").ClickAsync(new() { Timeout = Timeout });
            await Assertions.Expect(page.GetByTestId("added-host")).ToBeVisibleAsync(new() { Timeout = Timeout });
            var l1Host = await OpenLiveAsync(setup, $"/hosts/{L1}/vms");
            await l1Host.Locator(".mud-main-content").GetByText(L2).First.ClickAsync(new() { Timeout = Timeout });
            await Assertions.Expect(l1Host.GetByTestId("vm-name")).ToHaveTextAsync(L2, new() { Timeout = Timeout });
            await l1Host.GetByTestId("power-start").ClickAsync(new() { Timeout = Timeout });
            await Assertions.Expect(l1Host.GetByTestId("vm-state")).ToHaveTextAsync("Running", new() { Timeout = Timeout });
        }

        // A restart of the L1 offers the same cascade and leaves the L2 VM running again.
        await using (var context = await dashboard.NewContextAsync(app, 1366, 768))
        {
            var page = await OpenLiveAsync(context, l1Page);
            await page.GetByTestId("power-restart").ClickAsync(new() { Timeout = Timeout });
            // The L1's own host entry lists its L2 VMs: the guest's credentials are asked for only once the cascade runs.
            await Assertions.Expect(page.GetByTestId("cascade-running-names")).ToHaveTextAsync(L2, new() { Timeout = Timeout });
            await Assertions.Expect(page.GetByTestId("cascade-plan-step")).ToHaveCountAsync(4);
            await SaveScreenshotAsync(page, "cascade-restart-dialog-1366-light.png", 1366, 768);
            await page.GetByTestId("restart-cascade-run").ClickAsync();
            await page.Locator("[data-testid=guest-user] input, input[data-testid=guest-user]").FillAsync(LabScenarios.GuestAdministratorUserName, new() { Timeout = Timeout });
            await page.Locator("[data-testid=guest-password] input, input[data-testid=guest-password]").FillAsync(LabScenarios.GuestAdministratorPassword);
            await page.GetByTestId("guest-credential-ok").ClickAsync();
            await Assertions.Expect(page.GetByTestId("power-bar")).ToContainTextAsync($"L2 VM '{L2}' started again inside the guest", new() { Timeout = 60_000 });
            await Assertions.Expect(page.GetByTestId("nesting-tree").Locator($"[data-vm=\"{L2}\"]").GetByTestId("nesting-l2-state")).ToHaveTextAsync("Running", new() { Timeout = Timeout });
        }

        // The dialog at every width and theme: it names the running L2 VM, lists the cascade, and Cancel changes nothing.
        await using var dialogTab = await dashboard.NewTabAsync(app);
        foreach (var (width, height) in Sizes)
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                var page = await dialogTab.OpenAsync(l1Page, width, height, scheme);
                var tree = page.GetByTestId("nesting-tree");
                await Assertions.Expect(tree.Locator($"[data-vm=\"{L2}\"]").GetByTestId("nesting-l2-state")).ToHaveTextAsync("Running", new() { Timeout = Timeout });
                await page.Locator("label:has([data-testid=\"nested-switch\"])").ClickAsync();
                var dialog = page.GetByTestId("nested-dialog");
                await Assertions.Expect(dialog.GetByTestId("cascade-running")).ToContainTextAsync($"Hyper-V runs in this guest; this VM is running and will stop working: {L2}.", new() { Timeout = Timeout });
                await Assertions.Expect(dialog.GetByTestId("cascade-plan-step")).ToHaveTextAsync(
                [
                    $"Shut down L2 VM '{L2}' (Stop-VM inside '{L1}')",
                    $"Shut down L1 '{L1}'",
                    $"Set ExposeVirtualizationExtensions $false on L1 '{L1}'",
                    $"Start L1 '{L1}'",
                ]);
                await Assertions.Expect(dialog.GetByTestId("cascade-left-off")).ToContainTextAsync("cannot start again");
                await Assertions.Expect(page.GetByTestId("choice-turn-off")).ToHaveCountAsync(0);
                var name = $"cascade-dialog-{width}-{scheme.ToString().ToLowerInvariant()}.png";
                await SaveScreenshotAsync(page, name, width, height);
                await page.GetByTestId("choice-cancel").ClickAsync();
                await Assertions.Expect(page.GetByTestId("nested-switch")).ToBeCheckedAsync();
            }
        }

        // Closed here, not at the end of the test: an open page stays live and draws every change.
        await dialogTab.DisposeAsync();

        // The cascade, once, with the guest's credentials given in the dialog.
        await using (var context = await dashboard.NewContextAsync(app, 1366, 768))
        {
            var page = await OpenLiveAsync(context, l1Page);
            await page.Locator("label:has([data-testid=\"nested-switch\"])").ClickAsync();
            await page.GetByTestId("choice-cascade").ClickAsync(new() { Timeout = Timeout });
            await page.Locator("[data-testid=guest-user] input, input[data-testid=guest-user]").FillAsync(LabScenarios.GuestAdministratorUserName, new() { Timeout = Timeout });
            await page.Locator("[data-testid=guest-password] input, input[data-testid=guest-password]").FillAsync(LabScenarios.GuestAdministratorPassword);
            await page.GetByTestId("guest-credential-ok").ClickAsync();

            var outcome = page.GetByTestId("outcome");
            await Assertions.Expect(outcome).ToContainTextAsync("Done", new() { Timeout = 60_000 });
            await Assertions.Expect(outcome).ToContainTextAsync($"L2 VM '{L2}' shut down first inside the guest.");
            await Assertions.Expect(outcome).ToContainTextAsync($"Nested virtualization disabled on VM '{L1}' on host '{Host}'; the VM is Running.");
            await Assertions.Expect(outcome).ToContainTextAsync($"L2 VM '{L2}' is left off");
            await Assertions.Expect(page.GetByTestId("steps").GetByTestId("step-status")).ToHaveTextAsync([" — Done", " — Done", " — Done", " — Done"]);
            await Assertions.Expect(page.GetByTestId("fact-nested")).ToHaveTextAsync("Off", new() { Timeout = Timeout });

            var tree = page.GetByTestId("nesting-tree");
            await Assertions.Expect(tree.GetByTestId("nesting-l1-state")).ToHaveTextAsync("Running");
            await Assertions.Expect(tree.GetByTestId("nesting-l1-nested")).ToHaveTextAsync("nested off");
            await Assertions.Expect(tree.GetByTestId("nesting-l1-hyperv")).ToHaveTextAsync("Hyper-V cannot run inside");
            await Assertions.Expect(tree.Locator($"[data-vm=\"{L2}\"]").GetByTestId("nesting-l2-state")).ToHaveTextAsync("Off", new() { Timeout = Timeout });
            await Assertions.Expect(tree.GetByTestId("nesting-l2-off-reason")).ToContainTextAsync("they stay off until it is turned back on");
            await SaveScreenshotAsync(page, "cascade-done-1366-light.png", 1366, 768);

            // Activity: the disable is one entry naming the cascade (the restart is another), its After listing every level and step.
            var activity = await OpenLiveAsync(context, "/activity");
            var entry = activity.GetByTestId("activity-entry").Filter(new() { HasText = "Disable nested (cascade" });
            await Assertions.Expect(entry).ToHaveCountAsync(1, new() { Timeout = Timeout });
            await Assertions.Expect(entry).ToHaveAttributeAsync("data-result", "Succeeded");
            await entry.GetByTestId("activity-expand").ClickAsync();
            var detail = activity.GetByTestId("activity-detail");
            await Assertions.Expect(detail).ToContainTextAsync($"L2: {L2} Off");
            await Assertions.Expect(detail).ToContainTextAsync($"1. Shut down L2 VM '{L2}' (Stop-VM inside '{L1}') — Done");
            await Assertions.Expect(detail).ToContainTextAsync($"3. Set ExposeVirtualizationExtensions $false on L1 '{L1}' — Done");
            await SaveScreenshotAsync(activity, "cascade-activity-1366-light.png", 1366, 768);
        }

        // The result at every width and theme: the nesting tree with each level's state.
        await using var treeTab = await dashboard.NewTabAsync(app);
        foreach (var (width, height) in Sizes)
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                var page = await treeTab.OpenAsync(l1Page, width, height, scheme);
                var tree = page.GetByTestId("nesting-tree");
                await Assertions.Expect(tree.Locator($"[data-vm=\"{L2}\"]").GetByTestId("nesting-l2-state")).ToHaveTextAsync("Off", new() { Timeout = Timeout });
                await tree.ScrollIntoViewIfNeededAsync();
                await SaveScreenshotAsync(page, $"cascade-tree-{width}-{scheme.ToString().ToLowerInvariant()}.png", width, height);
            }
        }

        Assert.Empty(dashboard.OffLoopbackRequests);
    }
}
