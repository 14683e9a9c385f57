using Microsoft.Playwright;
using static NestedHvDashboard.Browser.Tests.LabPages;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// The overview answers "can this host nest?" and its counts are VMs a user can act on: a count opens All VMs filtered to
/// exactly that many rows, each naming its blocking reason without hovering. Looked at in three widths and both themes.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class OverviewCountsTests(DashboardFixture dashboard)
{
    private static readonly (int Width, int Height)[] Sizes = [(1920, 1080), (1366, 768), (800, 900)];

    [Fact]
    public async Task A_hosts_failing_count_opens_the_grid_filtered_to_that_many_rows_each_with_its_blocking_reason()
    {
        await using var context = await dashboard.NewContextAsync(1920, 1080);
        var page = await OpenLiveAsync(context, "/");
        await ExpectAllConnectedAsync(page);

        // The AMD host can nest, but some of its VMs are below AMD's configuration version 9.3.
        var tile = page.Locator("[data-testid=tiles] [data-host=\"HV-WS2022-AMD\"]");
        await Assertions.Expect(tile.GetByTestId("host-verdict")).ToHaveTextAsync("Can run nested (AMD, WS2022)");
        var failing = tile.GetByTestId("tile-count-fail");
        var count = int.Parse((await failing.GetAttributeAsync("data-count"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(count > 0, "the AMD host has failing VMs");

        await failing.ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/vms?host=HV-WS2022-AMD&readiness=Fail", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByTestId("feed-state")).ToHaveTextAsync("live", new() { Timeout = ConnectTimeoutMs });
        await Assertions.Expect(page.GetByTestId("vm-count")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex($"^{count} of \\d+ VMs$"));
        await Assertions.Expect(page.GetByTestId("filter-host")).ToHaveTextAsync("Host: HV-WS2022-AMD");
        var rows = page.Locator("[data-testid=vm-table] tbody tr:has([data-vm])");
        await Assertions.Expect(rows).ToHaveCountAsync(count);
        foreach (var row in await rows.AllAsync())
        {
            await Assertions.Expect(row.Locator("[data-host]")).ToHaveAttributeAsync("data-host", "HV-WS2022-AMD");
            await Assertions.Expect(row.GetByTestId("vm-readiness")).ToHaveTextAsync("Fail");
            await Assertions.Expect(row.GetByTestId("vm-blocking")).ToBeVisibleAsync();
            Assert.NotEqual("—", (await row.GetByTestId("vm-blocking").TextContentAsync())!.Trim());
        }

        await Assertions.Expect(page.Locator("tr:has([data-vm='amd-lab-92']) [data-testid=vm-blocking]")).ToHaveTextAsync("Config version 9.2 below 9.3 (AMD)");
        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    [Fact]
    public async Task The_overview_total_of_failing_vms_equals_the_grids_fail_filter()
    {
        await using var context = await dashboard.NewContextAsync(1366, 768);
        var page = await OpenLiveAsync(context, "/");
        await ExpectAllConnectedAsync(page);
        var total = (await page.GetByTestId("total-problems").TextContentAsync())!.Trim();

        await page.GetByTestId("total-failing").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/vms?readiness=Fail", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByTestId("feed-state")).ToHaveTextAsync("live", new() { Timeout = ConnectTimeoutMs });
        await Assertions.Expect(page.GetByTestId("vm-count")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex($"^{total} of \\d+ VMs$"));
    }

    [Fact]
    public async Task The_verdicts_and_counts_read_in_three_widths_and_both_themes()
    {
        await using var tab = await dashboard.NewTabAsync();
        foreach (var (width, height) in Sizes)
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                var page = await tab.OpenAsync("/", width, height, scheme);
                await ExpectAllConnectedAsync(page);
                var azure = page.Locator("[data-testid=tiles] [data-host=\"AZ-WS2025-TL\"]");
                await Assertions.Expect(azure).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("nhv-tile--cannot"));
                await Assertions.Expect(azure.GetByTestId("host-verdict")).ToBeVisibleAsync();
                await Assertions.Expect(azure.GetByTestId("tile-count-fail")).ToBeVisibleAsync();
                var theme = scheme == ColorScheme.Dark ? "dark" : "light";
                await SaveScreenshotAsync(page, $"overview-verdicts-{width}-{theme}.png", width, height);

                var grid = await tab.OpenAsync("/vms?readiness=Fail", width, height, scheme);
                // Narrow windows scroll the grid sideways: bring the column into view, as a user would.
                // The live grid replaces rows as the feed ticks: scroll once the rows have settled, again if a row was replaced meanwhile.
                await WaitForGridRowsSettledAsync(grid);
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await grid.GetByTestId("vm-blocking").First.ScrollIntoViewIfNeededAsync();
                        break;
                    }
                    catch (PlaywrightException) when (attempt < 5)
                    {
                        await WaitForGridRowsSettledAsync(grid);
                    }
                }

                await Assertions.Expect(grid.GetByTestId("vm-blocking").First).ToBeVisibleAsync();
                await SaveScreenshotAsync(grid, $"vms-blocking-reason-{width}-{theme}.png", width, height);
            }
        }
    }
}
