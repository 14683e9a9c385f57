using Microsoft.Playwright;
using NestedHvDashboard.Simulator.Scenarios;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// Every page of the dashboard, at a wall screen's 1920×1080 and a laptop's 1366×768, as a user opens it by address:
/// it becomes live, shows its content, shows no Blazor error, makes the app log no error, and is saved as a screenshot.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class PageTourTests(DashboardFixture dashboard)
{
    private const float Timeout = 60_000;

    public static TheoryData<string, string, string> Pages()
    {
        // The default lab is deterministic: web-01 is the Running VM on the Intel WS2019 host.
        var web01 = LabScenarios.CreateDefaultLab()["HV-WS2019-01"].FindVm("web-01")!.Id;
        return new()
        {
            { "overview", "/", "[data-host]" },
            { "host-summary", "/hosts/HV-WS2019-01", "[data-testid=host-facts]" },
            { "host-vms", "/hosts/HV-WS2019-01/vms", "[data-testid=vm-link]" },
            { "host-networking", "/hosts/HV-WS2022-AMD/networking", "[data-testid=switches]" },
            { "all-vms", "/vms", "[data-testid=vm-link]" },
            { "vm", $"/hosts/HV-WS2019-01/vms/{web01}", "[data-testid=check-status]" },
            { "activity", "/activity", "[data-testid=activity-table]" },
            { "connections", "/connections", "[data-testid=feed-state]" },
            { "wall", "/wall", "[data-host]" },
        };
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Each_page_opens_live_without_errors_at_both_sizes(string name, string path, string content)
    {
        foreach (var (width, height) in new[] { (1920, 1080), (1366, 768) })
        {
            var logged = dashboard.App.Output.Length;
            await using var context = await dashboard.NewContextAsync(width, height);
            var page = await context.NewPageAsync();
            await page.GotoAsync(path);

            await Assertions.Expect(page.GetByTestId("feed-state")).ToHaveTextAsync("live", new() { Timeout = Timeout });
            await Assertions.Expect(page.Locator(content).First).ToBeVisibleAsync(new() { Timeout = Timeout });
            Assert.Equal(path, new Uri(page.Url).PathAndQuery);
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();

            // Nothing on the page is wider than the window (no sideways scrolling).
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{path} at {width}×{height} scrolls sideways by {overflow} px");

            Directory.CreateDirectory(DashboardFixture.ScreenshotDirectory);
            await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardFixture.ScreenshotDirectory, $"tour-{name}-{width}x{height}.png") });
            await context.CloseAsync();

            // Each error with the lines under it (its exception), up to the next log line.
            var lines = dashboard.App.Output[logged..].Split('\n');
            var errors = lines
                .Select((line, index) => (line, index))
                .Where(l => l.line.Contains(" ERR] ", StringComparison.Ordinal) || l.line.Contains(" FTL] ", StringComparison.Ordinal))
                .Select(l => string.Join('\n', lines.Skip(l.index).Take(1).Concat(lines.Skip(l.index + 1).TakeWhile(next => !next.StartsWith('[')).Take(12))))
                .ToList();
            Assert.True(errors.Count == 0, $"{path} at {width}×{height} made the app log:\n{string.Join('\n', errors)}");
        }

        Assert.Empty(dashboard.OffLoopbackRequests);
    }
}
