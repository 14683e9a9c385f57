using Microsoft.Playwright;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// The all-VMs grid (/vms) and the host page in a real Chromium against the real app: a bulk nested change on VMs of
/// several hosts with one confirmation, its live results, and another context seeing the change without reloading.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class BulkTests(DashboardFixture dashboard)
{
    // Connecting the simulated hosts, the first inventory and the simulated turn-off/start (2-3 s each) on a busy machine.
    private const float Timeout = 60_000;

    // LabScenarios' default lab: Running VMs with nested on that no other browser test touches.
    private static readonly (string Host, string Vm)[] Chosen =
    [
        ("HV-WS2019-01", "nested-l1-02"),
        ("HV-WS2022-AMD", "nested-l1-amd"),
        ("WIN11-DEV", "nested-l1-w11"),
    ];

    [Fact]
    public async Task Disabling_nested_on_vms_of_several_hosts_with_one_confirmation_shows_every_result_and_reaches_other_pages()
    {
        await using var watcher = await dashboard.NewContextAsync();
        var hostPages = new List<IPage>();
        foreach (var (host, vm) in Chosen)
        {
            var hostPage = await OpenAsync(watcher, $"/hosts/{host}/vms");
            await Assertions.Expect(NestedCell(hostPage, host, vm)).ToHaveTextAsync("On", new() { Timeout = Timeout });
            await hostPage.EvaluateAsync("() => { window.__notReloaded = true; }");
            hostPages.Add(hostPage);
        }

        await using var context = await dashboard.NewContextAsync(1920, 1080);
        var page = await OpenAsync(context, "/vms");
        await page.GetByTestId("vm-search").FillAsync("nested-l1");
        // The search applies after its debounce; a click on a row the filter then re-renders would be lost.
        await Assertions.Expect(page.GetByTestId("vm-count")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^5 of \d+ VMs$"), new() { Timeout = Timeout });
        await LabPages.WaitForGridRowsSettledAsync(page);
        var selected = 0;
        foreach (var (host, vm) in Chosen)
        {
            await Assertions.Expect(NestedCell(page, host, vm)).ToHaveTextAsync("On", new() { Timeout = Timeout });
            // The circuit has taken this click before the next one is made.
            await LabPages.TickGridRowAsync(page, Row(page, host, vm).Locator("input[type=checkbox]"), ++selected);
        }

        await Assertions.Expect(page.GetByTestId("bulk-disable")).ToHaveTextAsync("Disable nested (3)");
        await SaveScreenshotAsync(page, "vms-selection.png");

        await page.GetByTestId("bulk-disable").ClickAsync();
        var dialog = page.GetByTestId("bulk-dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        foreach (var (host, _) in Chosen)
        {
            await Assertions.Expect(dialog.Locator($"tr[data-host=\"{host}\"]").GetByTestId("bulk-running")).ToHaveTextAsync("1");
        }

        await dialog.GetByText("Turn off, change, start again").ClickAsync();
        await Assertions.Expect(dialog.GetByTestId("bulk-turn-off-warning")).ToBeVisibleAsync();
        await page.GetByTestId("bulk-confirm").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);

        var results = page.GetByTestId("bulk-results");
        await Assertions.Expect(results.Locator("[data-testid=bulk-result][data-outcome=Succeeded]")).ToHaveCountAsync(3, new() { Timeout = Timeout });
        await Assertions.Expect(results.GetByTestId("bulk-result")).ToHaveCountAsync(3);
        await Assertions.Expect(results.GetByTestId("bulk-summary")).ToContainTextAsync("Succeeded: 3", new() { Timeout = Timeout });
        foreach (var (host, vm) in Chosen)
        {
            await Assertions.Expect(results.Locator($"[data-testid=bulk-result][data-vm=\"{vm}\"]")).ToContainTextAsync(host);
            await Assertions.Expect(NestedCell(page, host, vm)).ToHaveTextAsync("Off", new() { Timeout = Timeout });
        }

        await SaveScreenshotAsync(page, "vms-bulk-results.png");

        for (var i = 0; i < Chosen.Length; i++)
        {
            var (host, vm) = Chosen[i];
            await Assertions.Expect(NestedCell(hostPages[i], host, vm)).ToHaveTextAsync("Off", new() { Timeout = Timeout });
            Assert.True(await hostPages[i].EvaluateAsync<bool>("() => window.__notReloaded === true"), $"the page of {host} was reloaded");
        }

        // The activity page recorded each VM's result.
        var activity = await OpenAsync(context, "/activity");
        foreach (var (_, vm) in Chosen)
        {
            await Assertions.Expect(activity.Locator("[data-testid=activity-entry][data-result=Succeeded]", new() { HasText = vm })).ToHaveCountAsync(1, new() { Timeout = Timeout });
        }

        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    [Fact]
    public async Task The_host_page_tabs_follow_the_url_and_show_the_summary_and_the_vms()
    {
        const string host = "HV-WS2016-01";
        await using var context = await dashboard.NewContextAsync(1920, 1080);
        var page = await OpenAsync(context, $"/hosts/{host}");
        await Assertions.Expect(page.GetByTestId("host-readiness").Locator("[data-rule]").First).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("host-status")).ToHaveTextAsync("Connected", new() { Timeout = Timeout });
        await SaveScreenshotAsync(page, "host-summary.png");

        await page.GetByRole(AriaRole.Tab, new() { NameRegex = new("Virtual machines") }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/hosts/{host}/vms$"));
        await Assertions.Expect(NestedCell(page, host, "nested-l1-01")).ToHaveTextAsync("On", new() { Timeout = Timeout });
        await SaveScreenshotAsync(page, "host-vms.png");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Networking" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/hosts/{host}/networking$"));
        await Assertions.Expect(page.GetByTestId("networking-help")).ToBeVisibleAsync();

        var unknown = await OpenAsync(context, "/hosts/NO-SUCH-HOST");
        await Assertions.Expect(unknown.GetByTestId("host-missing")).ToContainTextAsync("NO-SUCH-HOST");
    }

    private static ILocator Row(IPage page, string host, string vm) =>
        page.Locator("tr", new() { Has = page.Locator($"[data-vm=\"{vm}\"][data-host=\"{host}\"]") });

    private static ILocator NestedCell(IPage page, string host, string vm) => Row(page, host, vm).GetByTestId("vm-nested");

    private static async Task<IPage> OpenAsync(IBrowserContext context, string path)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(path, new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("feed-state")).ToHaveTextAsync("live", new() { Timeout = Timeout });
        return page;
    }

    private static async Task SaveScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(DashboardFixture.ScreenshotDirectory);
        var path = Path.Combine(DashboardFixture.ScreenshotDirectory, name);
        File.Delete(path);
        await page.ScreenshotAsync(new() { Path = path });
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.True(bytes.Length > 10_000, $"{path} is only {bytes.Length} bytes");
    }
}
