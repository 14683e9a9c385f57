using Microsoft.Playwright;
using static NestedHvDashboard.Browser.Tests.LabPages;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>The overview (/) and the app shell in a real Chromium against the real app on 127.0.0.1.</summary>
[Collection(DashboardCollection.Name)]
public sealed class OverviewTests(DashboardFixture dashboard)
{
    [Fact]
    public async Task Shows_a_tile_per_simulated_host_connected_with_its_vendor_and_the_Azure_hosts_problem()
    {
        await using var context = await dashboard.NewContextAsync();
        var page = await OpenLiveAsync(context, "/");

        await Assertions.Expect(page.Locator("[data-testid=\"tiles\"] [data-host]")).ToHaveCountAsync(HostNames.Length, new() { Timeout = ConnectTimeoutMs });
        await ExpectAllConnectedAsync(page);
        await Assertions.Expect(page.GetByTestId("total-hosts")).ToHaveTextAsync($"{HostNames.Length}/{HostNames.Length}");
        await Assertions.Expect(page.GetByTestId("connection-text")).ToHaveTextAsync($"{HostNames.Length}/{HostNames.Length} hosts connected");

        foreach (var name in HostNames)
        {
            var tile = page.Locator($"[data-host=\"{name}\"]");
            await Assertions.Expect(tile.GetByTestId("tile-vendor")).ToHaveTextAsync(name is "HV-WS2022-AMD" or "HV-OPTERON-01" ? "AMD" : "Intel");
            await Assertions.Expect(tile.GetByTestId("tile-running")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+/\d+$"));
            await Assertions.Expect(tile.Locator("a.nhv-tile__cover")).ToHaveAttributeAsync("href", $"/hosts/{name}");
        }

        // The Azure host is a Trusted Launch VM: it cannot nest, says so, and each of its VMs fails.
        var azure = page.Locator("[data-host=\"AZ-WS2025-TL\"]");
        await Assertions.Expect(azure.GetByTestId("host-verdict")).ToHaveTextAsync("Cannot: Trusted Launch Azure VM");
        await Assertions.Expect(azure.GetByTestId("tile-count-fail")).ToHaveAttributeAsync("data-count", "4");

        // The drawer lists every host under its tag, each with its three pages.
        foreach (var name in HostNames)
        {
            await Assertions.Expect(page.Locator(".nhv-nav").GetByText(name, new() { Exact = true })).ToBeVisibleAsync();
        }

        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    [Fact]
    public async Task A_second_context_sees_live_updates_without_reloading()
    {
        await using var first = await dashboard.NewContextAsync();
        await using var second = await dashboard.NewContextAsync();
        var firstPage = await OpenLiveAsync(first, "/");
        var page = await OpenLiveAsync(second, "/");
        await ExpectAllConnectedAsync(page);

        // A marker on the window: a reload or navigation would drop it.
        await page.EvaluateAsync("() => { window.__notReloaded = true; }");
        var before = await CpuAsync(page);
        Assert.Contains(before, cpu => cpu != "0 %");

        // The simulated VMs' CPU changes every 2 s; the monitor pushes it through the SignalR circuit to each tile.
        var changed = await page.WaitForFunctionAsync(
            """
            before => {
              const now = [...document.querySelectorAll('[data-testid="tile-cpu"]')].map(e => e.textContent.trim());
              return now.length === before.length && now.some((text, i) => text !== before[i]);
            }
            """,
            before,
            new() { Timeout = 20_000, PollingInterval = 200 });
        Assert.NotNull(changed);

        Assert.True(await page.EvaluateAsync<bool>("() => window.__notReloaded === true"));
        var after = await CpuAsync(page);
        Assert.Equal(before.Count, after.Count);
        Assert.NotEqual(before, after);
        Assert.All(after, cpu => Assert.Matches(@"^\d{1,3} %$", cpu));

        // The first context is live too.
        await ExpectAllConnectedAsync(firstPage);
        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    [Fact]
    public async Task The_tag_filter_and_sort_live_in_the_address()
    {
        await using var context = await dashboard.NewContextAsync();
        var page = await OpenLiveAsync(context, "/");
        await ExpectAllConnectedAsync(page);

        await page.GetByTestId("sort-problems").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"\?sort=problems$"));

        // The lab's hosts carry the tag "simulated": filtering by it keeps them all.
        await page.Locator("[data-testid=\"tag-filter\"][data-tag=\"simulated\"]").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"tag=simulated"));
        await Assertions.Expect(page.Locator("[data-testid=\"tiles\"] [data-host]")).ToHaveCountAsync(HostNames.Length);

        // A tag nobody has, from a bookmark: no tile, and a message saying why.
        var other = await OpenLiveAsync(context, "/?tag=nowhere");
        await Assertions.Expect(other.GetByTestId("no-match")).ToBeVisibleAsync();
        await Assertions.Expect(other.Locator("[data-testid=\"tiles\"] [data-host]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_theme_follows_the_system_and_the_users_choice_is_remembered()
    {
        await using var context = await dashboard.NewContextAsync();
        var page = await OpenLiveAsync(context, "/", ColorScheme.Dark);
        await WaitForBackgroundAsync(page, dark: true);

        await page.GetByTestId("theme-toggle").ClickAsync();
        await WaitForBackgroundAsync(page, dark: false);

        // A new page in the same browser profile keeps the choice over the system's dark preference.
        var again = await OpenLiveAsync(context, "/", ColorScheme.Dark);
        await ExpectAllConnectedAsync(again);
        await WaitForBackgroundAsync(again, dark: false);
        Assert.Equal("light", await again.EvaluateAsync<string>("() => localStorage.getItem('nhv-theme')"));
    }

    [Fact]
    public async Task On_a_small_screen_the_drawer_starts_closed_and_the_menu_button_opens_it()
    {
        await using var context = await dashboard.NewContextAsync(800, 700);
        var page = await OpenLiveAsync(context, "/");
        var overviewLink = page.Locator(".nhv-nav").GetByText("Overview", new() { Exact = true });
        await Assertions.Expect(page.Locator("[data-theme]")).Not.ToHaveAttributeAsync("data-theme", "pending");
        await Assertions.Expect(overviewLink).Not.ToBeInViewportAsync();

        await page.GetByTestId("drawer-toggle").ClickAsync();
        await Assertions.Expect(overviewLink).ToBeInViewportAsync();
        await SaveScreenshotAsync(page, "overview-800x700-drawer.png", 800, 700);
    }

    [Theory]
    [InlineData(1920, 1080, false)]
    [InlineData(1366, 768, false)]
    [InlineData(1920, 1080, true)]
    [InlineData(1366, 768, true)]
    public async Task Screenshots_of_the_overview(int width, int height, bool dark)
    {
        await using var context = await dashboard.NewContextAsync(width, height);
        var page = await OpenLiveAsync(context, "/", dark ? ColorScheme.Dark : ColorScheme.Light);
        await ExpectAllConnectedAsync(page);
        await Assertions.Expect(page.GetByText("simulated lab", new() { Exact = true })).ToBeVisibleAsync();
        await WaitForBackgroundAsync(page, dark);

        await SaveScreenshotAsync(page, $"overview-{width}x{height}{(dark ? "-dark" : "")}.png", width, height);
        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    // The theme is chosen after the circuit's first render (it reads localStorage): wait until the
    // layout says which it chose, then check the page really is dark or light.
    private static async Task WaitForBackgroundAsync(IPage page, bool dark)
    {
        await Assertions.Expect(page.Locator("[data-theme]")).ToHaveAttributeAsync("data-theme", dark ? "dark" : "light", new() { Timeout = ConnectTimeoutMs });
        await WaitForPaintAsync(page, dark);
    }

    private static async Task WaitForPaintAsync(IPage page, bool dark) => await page.WaitForFunctionAsync(
        """
        dark => {
          const [r, g, b] = getComputedStyle(document.body).backgroundColor
            .match(/\d+/g).map(Number);
          const light = (r + g + b) / 3 > 128;
          return dark ? !light : light;
        }
        """,
        dark,
        new() { Timeout = ConnectTimeoutMs, PollingInterval = 100 });

    private static async Task<IReadOnlyList<string>> CpuAsync(IPage page) =>
        [.. (await page.GetByTestId("tile-cpu").AllTextContentsAsync()).Select(text => text.Trim())];
}
