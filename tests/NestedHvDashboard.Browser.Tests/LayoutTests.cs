using System.Globalization;
using Microsoft.Playwright;
using static NestedHvDashboard.Browser.Tests.LabPages;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// The layout a lab administrator meets on a laptop and in a narrow window: the All VMs grid without sideways scrolling,
/// the title clear of the connection chip, a selection built across searches, and the keyboard (skip link, Escape,
/// the drawer's host names), at 1920, 1366 and 800 pixels in both themes.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class LayoutTests(DashboardFixture dashboard)
{
    [Theory]
    [InlineData(1920, 1080, "light")]
    [InlineData(1920, 1080, "dark")]
    [InlineData(1366, 768, "light")]
    [InlineData(1366, 768, "dark")]
    [InlineData(800, 900, "light")]
    [InlineData(800, 900, "dark")]
    public async Task The_all_vms_grid_shows_nested_mac_spoofing_and_readiness_without_sideways_scrolling(int width, int height, string theme)
    {
        await using var context = await dashboard.NewContextAsync(width, height);
        var page = await OpenLiveAsync(context, "/vms", theme == "dark" ? ColorScheme.Dark : ColorScheme.Light);
        await WaitForGridRowsSettledAsync(page);

        var headers = page.Locator("[data-testid=vm-grid] thead th");
        foreach (var column in new[] { "Nested", "MAC spoofing", "Readiness" })
        {
            await Assertions.Expect(headers.Filter(new() { HasText = column })).ToBeInViewportAsync();
        }

        var (scrollWidth, clientWidth) = await ScrollOfAsync(page, "[data-testid=vm-grid] .mud-table-container");
        Assert.True(scrollWidth <= clientWidth, $"The grid scrolls sideways at {width} px: {scrollWidth} > {clientWidth}.");
        var (pageScroll, pageClient) = await ScrollOfAsync(page, "html");
        Assert.True(pageScroll <= pageClient, $"The page scrolls sideways at {width} px: {pageScroll} > {pageClient}.");

        // The title and the connection chip never overlap, whatever the width.
        var title = await page.GetByTestId("product-title").BoundingBoxAsync();
        var chip = await page.GetByTestId("connection-state").BoundingBoxAsync();
        Assert.NotNull(chip);
        if (title is not null && title.Width > 0)
        {
            Assert.True(title.X + title.Width <= chip.X, $"The title ends at {title.X + title.Width} px, past the chip's start at {chip.X} px.");
        }

        await SaveScreenshotAsync(page, string.Create(CultureInfo.InvariantCulture, $"layout-vms-{width}x{height}-{theme}.png"), width, height);
    }

    [Fact]
    public async Task A_selection_built_across_searches_says_how_many_the_search_hides()
    {
        await using var context = await dashboard.NewContextAsync(1366, 768);
        var page = await OpenLiveAsync(context, "/vms");
        await WaitForGridRowsSettledAsync(page);

        await page.GetByTestId("vm-search").FillAsync("amd-lab");
        await Assertions.Expect(page.Locator("[data-testid=vm-grid] [data-vm]")).ToHaveCountAsync(3);
        await page.GetByLabel("Select every VM shown").CheckAsync();
        await Assertions.Expect(page.GetByTestId("selection-count")).ToHaveTextAsync("3 selected");

        await page.GetByTestId("vm-search").FillAsync("archive-01");
        await Assertions.Expect(page.Locator("[data-testid=vm-grid] [data-vm]")).ToHaveCountAsync(1);
        await page.GetByLabel("Select archive-01").CheckAsync();
        await Assertions.Expect(page.GetByTestId("selection-count")).ToHaveTextAsync("4 selected (3 hidden by filter)");

        await page.GetByTestId("vm-search").FillAsync("dc01");
        await Assertions.Expect(page.GetByTestId("selection-count")).ToHaveTextAsync("4 selected (4 hidden by filter)");
        await SaveScreenshotAsync(page, "layout-selection-1366x768.png", 1366, 768);

        // The bulk dialog lists every selected VM, shown or not, and classes the Saved one apart from the running ones.
        await page.GetByTestId("bulk-enable").ClickAsync();
        var dialog = page.GetByTestId("bulk-dialog");
        await Assertions.Expect(page.GetByTestId("bulk-confirm")).ToContainTextAsync("on 4 VMs");
        await Assertions.Expect(dialog.Locator("tr[data-host=\"HV-WS2022-AMD\"]")).ToContainTextAsync("archive-01");
        await Assertions.Expect(dialog.GetByTestId("bulk-saved")).ToHaveTextAsync("1");
        await SaveScreenshotAsync(page, "layout-bulk-dialog-1366x768.png", 1366, 768);

        // Escape closes it, and nothing ran.
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("selection-count")).ToHaveTextAsync("4 selected (4 hidden by filter)");
        await page.GetByTestId("selection-clear").ClickAsync();
    }

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task The_keyboard_skips_to_the_page_and_a_host_name_in_the_drawer_opens_its_page(string theme)
    {
        await using var context = await dashboard.NewContextAsync(1366, 768);
        var page = await OpenLiveAsync(context, "/vms", theme == "dark" ? ColorScheme.Dark : ColorScheme.Light);

        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.GetByTestId("skip-link")).ToBeFocusedAsync();
        await Assertions.Expect(page.GetByTestId("skip-link")).ToBeInViewportAsync();
        await SaveScreenshotAsync(page, $"layout-skip-link-1366x768-{theme}.png", 1366, 768);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("main-content")).ToBeFocusedAsync();

        // Tab goes on inside the page (the search field, then the filters); a focused button shows a ring.
        await page.Keyboard.PressAsync("Tab");
        Assert.True(await page.EvaluateAsync<bool>("() => document.getElementById('nhv-main').contains(document.activeElement)"));
        for (var tabs = 0; tabs < 5 && await page.EvaluateAsync<string>("() => document.activeElement.tagName") != "BUTTON"; tabs++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Equal("BUTTON", await page.EvaluateAsync<string>("() => document.activeElement.tagName"));
        Assert.Equal("solid", await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"));
        Assert.NotEqual("0px", await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineWidth"));
        await SaveScreenshotAsync(page, $"layout-focus-ring-1366x768-{theme}.png", 1366, 768);

        await page.Locator("[data-testid=nav-host][data-host=\"HV-WS2019-01\"]").Locator("button").First.ClickAsync();
        await PageUrl.WaitUntilAsync(page, url => url.AbsolutePath == "/hosts/HV-WS2019-01", TimeSpan.FromSeconds(30), "the host's page to open");
    }

    private static async Task<(int Scroll, int Client)> ScrollOfAsync(IPage page, string selector)
    {
        var sizes = await page.EvalOnSelectorAsync<int[]>(selector, "e => [e.scrollWidth, e.clientWidth]");
        return (sizes[0], sizes[1]);
    }
}
