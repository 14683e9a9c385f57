using Microsoft.Playwright;
using NestedHvDashboard.Simulator.Scenarios;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>The nesting tree in a real Chromium: an L1 guest added as a host from its VM page shows under its L0 host.</summary>
[Collection(DashboardCollection.Name)]
public sealed class NestingTreeTests(DashboardFixture dashboard)
{
    private const float Timeout = 60_000;

    // LabScenarios: nested-l1-01 on the Intel WS2016 host, Running, with Hyper-V and l2-app-01 in the guest.
    private const string Host = "HV-WS2016-01";
    private const string VmName = "nested-l1-01";

    [Fact]
    public async Task An_L1_guest_added_as_a_host_shows_under_its_parent_and_lists_its_L2_vms()
    {
        // Its own dashboard process: an added host would change the host and VM counts the other tests read.
        await using var app = await DashboardProcess.StartAsync();
        await using var context = await dashboard.NewContextAsync(app, 1920, 1080);
        var page = await LabPages.OpenLiveAsync(context, "/");
        var id = LabScenarios.CreateDefaultLab()[Host].FindVm(VmName)?.Id
            ?? throw new InvalidOperationException($"The default lab has no VM '{VmName}' on {Host}.");
        await page.EvaluateAsync("url => Blazor.navigateTo(url)", $"/hosts/{Host}/vms/{id}");
        await Assertions.Expect(page.GetByTestId("vm-name")).ToHaveTextAsync(VmName, new() { Timeout = Timeout });

        await page.GetByTestId("add-as-host").ClickAsync(new() { Timeout = Timeout });

        var added = page.GetByTestId("added-host");
        await Assertions.Expect(added).ToHaveTextAsync($"Added as host {VmName}", new() { Timeout = Timeout });
        await Assertions.Expect(added).ToHaveAttributeAsync("href", $"/hosts/{VmName}");
        await LabPages.SaveScreenshotAsync(page, "nesting-added-as-host.png", 1920, 1080);

        // The same page's navigation follows at once (no reload): the L1 host inside its parent's entry.
        await Assertions.Expect(page.Locator($"[data-testid=nav-host][data-host=\"{Host}\"] [data-testid=nav-host][data-host=\"{VmName}\"]"))
            .ToHaveCountAsync(1, new() { Timeout = Timeout });

        // A fresh page: the L1 host's Virtual machines page, with its entry inside its parent's in the navigation.
        var l1 = await LabPages.OpenLiveAsync(context, $"/hosts/{VmName}/vms");
        var nested = l1.Locator($"[data-testid=nav-host][data-host=\"{Host}\"] [data-testid=nav-host][data-host=\"{VmName}\"]");
        await Assertions.Expect(nested).ToBeVisibleAsync(new() { Timeout = Timeout });
        // Only there: not again under its tags ("simulated", "nested").
        await Assertions.Expect(l1.Locator($"[data-testid=nav-host][data-host=\"{VmName}\"]")).ToHaveCountAsync(1);
        await Assertions.Expect(l1.Locator(".mud-main-content").GetByText("l2-app-01").First).ToBeVisibleAsync(new() { Timeout = Timeout });
        await LabPages.SaveScreenshotAsync(l1, "nesting-tree.png", 1920, 1080);
    }
}
