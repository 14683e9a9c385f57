using Microsoft.Playwright;
using NestedHvDashboard.Simulator.Scenarios;
using static NestedHvDashboard.Browser.Tests.LabPages;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// The VM page's checkpoints in a real Chromium: take two, apply the first through its warning (a checkpoint of the current
/// state first, start afterwards), delete the first's subtree; the card at 1920, 1366 and 800 px in light and dark.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class CheckpointsTests(DashboardFixture dashboard)
{
    // Connecting the simulated hosts, the first inventory and the simulated stop/start on a busy machine.
    private const float Timeout = 60_000;

    // LabScenarios: sql-2022 on the AMD WS2022 host, Running with a Windows guest and three checkpoints; no other test changes it.
    private const string HostName = "HV-WS2022-AMD";
    private const string VmName = "sql-2022";

    [Fact]
    public async Task Take_two_apply_the_first_with_its_warning_and_delete_its_subtree()
    {
        var path = $"/hosts/{HostName}/vms/{LabScenarios.CreateDefaultLab()[HostName].FindVm(VmName)!.Id}";
        await using var context = await dashboard.NewContextAsync();
        var page = await OpenLiveAsync(context, path);
        var card = page.GetByTestId("checkpoints-card");
        await Assertions.Expect(card.GetByTestId("checkpoint-row")).ToHaveCountAsync(3, new() { Timeout = Timeout });

        foreach (var name in new[] { "Playwright A", "Playwright B" })
        {
            await card.GetByTestId("checkpoint-new").ClickAsync();
            await card.Locator("input[data-testid=checkpoint-name], [data-testid=checkpoint-name] input").FillAsync(name);
            await card.GetByTestId("checkpoint-create").ClickAsync();
            await Assertions.Expect(card.Locator($"[data-checkpoint=\"{name}\"]")).ToBeVisibleAsync(new() { Timeout = Timeout });
        }

        // B hangs under A, and the VM runs from B.
        await Assertions.Expect(card.Locator("[data-checkpoint=\"Playwright B\"]")).ToHaveAttributeAsync("style", "padding-left:5rem");
        await Assertions.Expect(card.GetByTestId("checkpoint-now")).ToContainTextAsync("the VM runs from 'Playwright B'");
        await Assertions.Expect(page.GetByTestId("vm-state")).ToHaveTextAsync("Running");
        await ScreenshotsAsync(path);

        await card.Locator("[data-checkpoint=\"Playwright A\"]").GetByTestId("checkpoint-apply").ClickAsync();
        var warning = card.GetByTestId("checkpoint-apply-form");
        await Assertions.Expect(warning).ToContainTextAsync("The VM's current state is lost unless you create a checkpoint first.");
        await Assertions.Expect(card.GetByTestId("checkpoint-apply-running")).ToContainTextAsync("Hyper-V stops it first");
        await Assertions.Expect(warning.Locator("input[data-testid=checkpoint-apply-first], [data-testid=checkpoint-apply-first] input")).ToBeCheckedAsync();
        await Assertions.Expect(warning.Locator("input[data-testid=checkpoint-apply-start], [data-testid=checkpoint-apply-start] input")).ToBeCheckedAsync();
        await card.ScrollIntoViewIfNeededAsync();
        await SaveScreenshotAsync(page, "checkpoints-apply-warning-1366-light.png", 1366, 768);
        await card.GetByTestId("checkpoint-apply-confirm").ClickAsync();

        var outcome = card.GetByTestId("checkpoint-outcome");
        await Assertions.Expect(outcome).ToHaveAttributeAsync("data-outcome", "Succeeded", new() { Timeout = Timeout });
        await Assertions.Expect(card.GetByTestId("checkpoint-steps").Locator("[data-step-status=\"Done\"]")).ToHaveCountAsync(3);
        await Assertions.Expect(card.GetByTestId("checkpoint-now")).ToContainTextAsync("the VM runs from 'Playwright A'", new() { Timeout = Timeout });
        await Assertions.Expect(card.Locator("[data-checkpoint^=\"Before applying 'Playwright A'\"]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("vm-state")).ToHaveTextAsync("Running", new() { Timeout = Timeout });

        await card.Locator("[data-checkpoint=\"Playwright A\"]").GetByTestId("checkpoint-delete-subtree").ClickAsync();
        await Assertions.Expect(card.GetByTestId("checkpoint-delete-form")).ToContainTextAsync("Delete checkpoint 'Playwright A' and the 2 checkpoints under it?");
        await card.GetByTestId("checkpoint-delete-confirm").ClickAsync();

        await Assertions.Expect(card.GetByTestId("checkpoint-row")).ToHaveCountAsync(3, new() { Timeout = Timeout });
        await Assertions.Expect(card.Locator("[data-checkpoint^=\"Playwright\"]")).ToHaveCountAsync(0);
        await Assertions.Expect(outcome).ToHaveAttributeAsync("data-outcome", "Succeeded");
        await card.ScrollIntoViewIfNeededAsync();
        await SaveScreenshotAsync(page, "checkpoints-after-delete-1366-light.png", 1366, 768);
        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    // The card with its tree at each width, light and dark.
    private async Task ScreenshotsAsync(string path)
    {
        await using var tab = await dashboard.NewTabAsync();
        foreach (var (width, height) in new[] { (1920, 1080), (1366, 768), (800, 900) })
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                var page = await tab.OpenAsync(path, width, height, scheme);
                var card = page.GetByTestId("checkpoints-card");
                await Assertions.Expect(card.Locator("[data-checkpoint=\"Playwright B\"]")).ToBeVisibleAsync(new() { Timeout = Timeout });
                await card.ScrollIntoViewIfNeededAsync();
                await SaveScreenshotAsync(page, $"checkpoints-{width}-{scheme.ToString().ToLowerInvariant()}.png", width, height);
            }
        }
    }
}
