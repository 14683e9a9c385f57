using Microsoft.Playwright;
using static NestedHvDashboard.Browser.Tests.LabPages;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>The kiosk wall (/wall) in a real Chromium against the real app on 127.0.0.1.</summary>
[Collection(DashboardCollection.Name)]
public sealed class WallTests(DashboardFixture dashboard)
{
    [Theory]
    [InlineData(1920, 1080)]
    [InlineData(1366, 768)]
    public async Task The_wall_shows_live_tiles_without_navigation(int width, int height)
    {
        await using var context = await dashboard.NewContextAsync(width, height);
        var page = await OpenLiveAsync(context, "/wall");

        await Assertions.Expect(page.Locator("[data-testid=\"tiles\"] .nhv-tile--large").First).ToBeVisibleAsync(new() { Timeout = ConnectTimeoutMs });
        await Assertions.Expect(page.GetByTestId("connection-text")).ToHaveTextAsync($"{HostNames.Length}/{HostNames.Length} hosts connected", new() { Timeout = ConnectTimeoutMs });
        // A kiosk: no drawer, no app bar, no links away.
        await Assertions.Expect(page.Locator(".mud-drawer, .mud-appbar")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-testid=\"tiles\"] a")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("wall-clock")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"\d{1,2}:\d{2}"));

        // Always dark, whatever the system prefers (the context is light).
        Assert.True(await page.EvaluateAsync<bool>(
            "() => { const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number); return (r + g + b) / 3 < 64; }"));

        // Every tile on this page is connected and fits the screen: the wall never scrolls.
        var tiles = page.Locator("[data-testid=\"tiles\"] [data-host]");
        await Assertions.Expect(tiles.Locator("[data-testid=\"host-status\"]", new() { HasText = "Connected" })).ToHaveCountAsync(await tiles.CountAsync(), new() { Timeout = ConnectTimeoutMs });
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollHeight <= window.innerHeight + 1"), "the wall scrolls");

        await SaveScreenshotAsync(page, $"wall-{width}x{height}.png", width, height);
        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    [Fact]
    public async Task When_the_hosts_do_not_fit_the_wall_pages_through_them_by_itself()
    {
        // Room for two large tiles side by side and one row: five hosts need three pages.
        await using var context = await dashboard.NewContextAsync(1000, 560);
        var page = await OpenLiveAsync(context, "/wall");
        var pager = page.GetByTestId("wall-pager");
        await Assertions.Expect(pager).ToHaveAttributeAsync("data-pages", "3", new() { Timeout = ConnectTimeoutMs });

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var expected = 1; expected <= 3; expected++)
        {
            await Assertions.Expect(pager).ToHaveAttributeAsync("data-page", expected.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 25_000 });
            foreach (var host in await page.Locator("[data-testid=\"tiles\"] [data-host]").EvaluateAllAsync<string[]>("tiles => tiles.map(t => t.dataset.host)"))
            {
                seen.Add(host);
            }
        }

        Assert.Equal(HostNames.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        // And after the last page, the first again.
        await Assertions.Expect(pager).ToHaveAttributeAsync("data-page", "1", new() { Timeout = 25_000 });
    }

    [Fact]
    public async Task After_the_server_restarts_the_wall_comes_back_live_by_itself()
    {
        // Its own dashboard process: restarting the collection's would cut the other tests' circuits.
        await using var app = await DashboardProcess.StartAsync();
        await using var context = await dashboard.NewContextAsync(app, 1920, 1080);
        var page = await OpenLiveAsync(context, "/wall");
        await ExpectAllConnectedAsync(page);
        await page.EvaluateAsync("() => { window.__beforeRestart = true; }");
        var pid = app.ProcessId;

        // While the server is away the wall says so in its own banner, not Blazor's default modal.
        var restart = app.RestartAsync();
        try
        {
            await Assertions.Expect(page.GetByTestId("reconnect-banner")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator("#components-reconnect-modal")).ToHaveCountAsync(1);
            await SaveScreenshotAsync(page, "wall-reconnecting.png", 1920, 1080);
        }
        finally
        {
            await restart;
        }

        Assert.NotEqual(pid, app.ProcessId);

        // The wall noticed by itself (the test never reloads it): the page reloaded
        // (the window marker is gone) and its new circuit is live with every host connected again.
        await page.WaitForFunctionAsync("() => window.__beforeRestart === undefined", null, new() { Timeout = 90_000, PollingInterval = 250 });
        await Assertions.Expect(page.GetByTestId("feed-state")).ToHaveTextAsync("live", new() { Timeout = ConnectTimeoutMs });
        await ExpectAllConnectedAsync(page);
        await Assertions.Expect(page.GetByTestId("reconnect-banner")).ToBeHiddenAsync();
        Assert.Empty(dashboard.OffLoopbackRequests);
    }
}
