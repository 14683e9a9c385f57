using Microsoft.Playwright;
using NestedHvDashboard.Simulator.Scenarios;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// A one-click readiness fix in a real Chromium against the real app: the startup memory check of a VM with 2 GB offers
/// "Set startup memory to 4 GB", confirms the change and the command, sets it on the simulated host, the check passes and
/// Activity has the entry. Uses a VM no other browser test touches.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class ReadinessFixTests(DashboardFixture dashboard)
{
    // Connecting the simulated hosts and the first inventory on a busy machine.
    private const float Timeout = 60_000;

    private static readonly (int Width, int Height)[] Sizes = [(1920, 1080), (1366, 768), (800, 900)];

    [Fact]
    public async Task A_vm_with_2_GB_gets_4_GB_startup_memory_from_its_readiness_check_and_Activity_has_the_entry()
    {
        // LabScenarios: wsl-like on WIN11-DEV, Off, 2 GB startup memory with dynamic memory.
        const string host = "WIN11-DEV";
        const string vmName = "wsl-like";
        var path = $"/hosts/{host}/vms/{LabScenarios.CreateDefaultLab()[host].FindVm(vmName)!.Id}";

        // Every width and theme: the check with its button, and the confirmation (canceled).
        await using var look = await dashboard.NewTabAsync();
        foreach (var (width, height) in Sizes)
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                var shown = await look.OpenAsync(path, width, height, scheme);
                var check = shown.Locator("[data-rule=\"vm.startup-memory\"]");
                var button = check.GetByTestId("fix-vm-startup-memory");
                await Assertions.Expect(button).ToBeEnabledAsync(new() { Timeout = Timeout });
                await Assertions.Expect(button).ToHaveTextAsync("Set startup memory to 4 GB");
                await check.ScrollIntoViewIfNeededAsync();
                var name = $"{width}-{scheme.ToString().ToLowerInvariant()}";
                await LabPages.SaveScreenshotAsync(shown, $"fix-startup-memory-{name}.png", width, height);
                await button.ClickAsync();
                await Assertions.Expect(shown.GetByTestId("fix-change")).ToHaveTextAsync("Startup memory: 2 GB → 4 GB. Dynamic memory is on: a maximum below 4 GB is raised to 4 GB with it, as Hyper-V needs startup ≤ maximum.");
                await Assertions.Expect(shown.GetByTestId("fix-command")).ToContainTextAsync($"Set-VMMemory -VMName {vmName} -StartupBytes 4GB");
                await LabPages.SaveScreenshotAsync(shown, $"fix-startup-memory-confirm-{name}.png", width, height);
                await shown.GetByTestId("fix-cancel").ClickAsync();
                await Assertions.Expect(shown.GetByTestId("fix-confirm")).ToHaveCountAsync(0);
            }
        }

        // Closed here, not at the end of the test: an open page stays live and draws every change.
        await look.DisposeAsync();

        await using var context = await dashboard.NewContextAsync(1366, 768);
        var page = await LabPages.OpenLiveAsync(context, path);
        var memory = page.Locator("[data-rule=\"vm.startup-memory\"]");
        await Assertions.Expect(memory.GetByTestId("check-status")).ToHaveTextAsync("Warn", new() { Timeout = Timeout });
        await memory.GetByTestId("fix-vm-startup-memory").ClickAsync();
        await page.GetByTestId("fix-confirm-button").ClickAsync();

        await Assertions.Expect(memory.GetByTestId("check-status")).ToHaveTextAsync("Pass", new() { Timeout = Timeout });
        await Assertions.Expect(memory.GetByTestId("power-outcome")).ToContainTextAsync($"Set startup memory to 4 GB: done on VM '{vmName}' on host '{host}'");
        await Assertions.Expect(memory.GetByTestId("power-step-title")).ToHaveTextAsync(["Set startup memory to 4 GB (Set-VMMemory -StartupBytes 4GB)"]);
        await Assertions.Expect(page.GetByTestId("facts")).ToContainTextAsync("4 GB startup");
        await Assertions.Expect(memory.GetByTestId("fix-vm-startup-memory")).ToHaveCountAsync(0);
        await memory.ScrollIntoViewIfNeededAsync();
        await LabPages.SaveScreenshotAsync(page, "fix-startup-memory-done-1366-light.png", 1366, 768);

        var activity = await LabPages.OpenLiveAsync(context, "/activity");
        await Assertions.Expect(activity.Locator("[data-testid=activity-entry][data-result=Succeeded]", new() { HasText = "Set startup memory to 4 GB" }).First)
            .ToBeVisibleAsync(new() { Timeout = Timeout });
        await LabPages.SaveScreenshotAsync(activity, "fix-startup-memory-activity-1366-light.png", 1366, 768);
        Assert.Empty(dashboard.OffLoopbackRequests);
    }
}
