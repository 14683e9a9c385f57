using System.Globalization;
using Microsoft.Playwright;
using static NestedHvDashboard.Browser.Tests.LabPages;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>The overview of a lab of many hosts: rows of tiles, only those on screen drawn (Overview/TileRows.cs).</summary>
[Collection(DashboardCollection.Name)]
public sealed class OverviewManyHostsTests(DashboardFixture dashboard)
{
    private const int Hosts = 80;

    [Fact]
    public async Task Only_the_rows_on_screen_are_drawn_and_scrolling_or_a_wider_window_draws_the_others()
    {
        // Its own dashboard: a generated lab of more hosts than the overview draws at once, with two VMs each.
        await using var app = await DashboardProcess.StartAsync(["--Simulator:Hosts", Hosts.ToString(CultureInfo.InvariantCulture), "--Simulator:Vms", (Hosts * 2).ToString(CultureInfo.InvariantCulture)]);
        await using var context = await dashboard.NewContextAsync(app, 1366, 768);
        var page = await OpenLiveAsync(context, "/");
        await Assertions.Expect(page.GetByTestId("total-hosts")).ToHaveTextAsync($"{Hosts}/{Hosts}", new() { Timeout = 90_000 });
        var tiles = page.GetByTestId("tiles");

        // 1366 px less the drawer: three tiles a row, as the CSS grid of a small lab would place them.
        var columns = ExpectedColumns(await GridWidthAsync(page));
        Assert.Equal("3", columns);
        await Assertions.Expect(tiles).ToHaveAttributeAsync("data-columns", columns);
        // At the top of the page the first row is the first hosts'. Awaited, not read once: the rows are cut again when the
        // grid is measured and hosts connect, and a CI run on a loaded machine once read HV004 first. A failure says what was
        // drawn and where the page was scrolled to.
        try
        {
            await Assertions.Expect(tiles.Locator("[data-host]").First).ToHaveAttributeAsync("data-host", "HV001", new() { Timeout = 10_000 });
        }
        catch (PlaywrightException)
        {
            Assert.Fail($"At the top of the page the first tile drawn is not HV001's: {string.Join(",", await DrawnAsync(page))}; page scrolled to {await page.EvaluateAsync<string>("() => `${window.scrollY} px of ${document.documentElement.scrollHeight}`")}");
        }

        var top = await DrawnAsync(page);
        Assert.InRange(top.Length, 3, 30);
        Assert.Equal("HV001", top[0]);
        foreach (var row in await page.Locator(".nhv-tile-row").AllAsync())
        {
            Assert.Equal(3, await row.Locator("[data-host]").CountAsync());
        }

        await SaveScreenshotAsync(page, "overview-many-hosts-1366x768.png", 1366, 768);

        // At the end: the last hosts are drawn, the first no longer.
        await page.EvaluateAsync("() => window.scrollTo(0, document.documentElement.scrollHeight)");
        await Assertions.Expect(tiles.Locator($"[data-host=\"HV{Hosts:D3}\"]")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(tiles.Locator("[data-host=\"HV001\"]")).ToHaveCountAsync(0);
        Assert.InRange((await DrawnAsync(page)).Length, 3, 30);

        // A wider window: the rows follow the width the browser measures.
        await page.SetViewportSizeAsync(1920, 1080);
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        var wide = ExpectedColumns(await GridWidthAsync(page));
        Assert.NotEqual("3", wide);
        await Assertions.Expect(tiles).ToHaveAttributeAsync("data-columns", wide, new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator(".nhv-tile-row").First.Locator("[data-host]")).ToHaveCountAsync(int.Parse(wide, CultureInfo.InvariantCulture));
        await Assertions.Expect(tiles.Locator("[data-host=\"HV001\"]")).ToBeVisibleAsync();
        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    private static Task<double> GridWidthAsync(IPage page) =>
        page.GetByTestId("tiles").EvaluateAsync<double>("grid => grid.clientWidth");

    // As many 330 px tiles with their 16 px gaps as the width holds.
    private static string ExpectedColumns(double width) =>
        Math.Max(1, (int)((width + 16) / (330 + 16))).ToString(CultureInfo.InvariantCulture);

    private static Task<string[]> DrawnAsync(IPage page) =>
        page.Locator("[data-testid=\"tiles\"] [data-host]").EvaluateAllAsync<string[]>("tiles => tiles.map(t => t.dataset.host)");
}
