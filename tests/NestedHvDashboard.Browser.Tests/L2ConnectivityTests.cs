using Microsoft.Playwright;
using NestedHvDashboard.Simulator.Scenarios;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// An L1's L2 guests on its VM page in a real Chromium against the real app: "Test connectivity" from an L2 that has only a
/// link-local address fails at the gateway for that reason; "Apply addresses to all" reviews the exact commands with where each
/// runs, applies them with a live step per L2, and the same test then passes every hop; other widths and themes read the guest
/// and test the other L2 with the remembered credentials.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class L2ConnectivityTests(DashboardFixture dashboard)
{
    private const float Timeout = 60_000;

    // LabScenarios / LabGuestSetups: az-dev-01 on the Azure host, with the LabNAT NAT (192.168.100.0/24, gateway 192.168.100.1
    // on vEthernet (VmNAT)) and the running L2 guests l2-app-01 and l2-web-01 on VmNAT, link-local addresses only.
    private const string Host = LabScenarios.HostNames.Ws2025Azure;
    private const string VmName = "az-dev-01";

    [Fact]
    public async Task An_l2_fails_at_the_gateway_until_its_address_is_applied_then_every_hop_answers_at_every_width_and_theme()
    {
        // Its own dashboard process: the guests' addresses change, and the shared one's az-dev-01 guest stays unread.
        await using var app = await DashboardProcess.StartAsync();
        await using (var first = await dashboard.NewContextAsync(app, 1920, 1080))
        {
            var page = await OpenVmAsync(first, ColorScheme.Light);
            await page.GetByTestId("guest-read").ClickAsync();
            await SignInAsync(page, remember: true);
            await Assertions.Expect(page.GetByTestId("guest-state")).ToBeVisibleAsync(new() { Timeout = Timeout });

            await page.GetByTestId("l2-list").ClickAsync();
            await Assertions.Expect(page.GetByTestId("l2-vm")).ToHaveCountAsync(2, new() { Timeout = Timeout });

            // The broken case: only a link-local address, so no gateway and no DNS server.
            await Row(page, "l2-app-01").GetByTestId("l2-test").ClickAsync();
            await SignInAsync(page, remember: true);
            var broken = Result(page, "l2-app-01");
            await Assertions.Expect(broken).ToHaveAttributeAsync("data-outcome", "failed", new() { Timeout = Timeout });
            await Assertions.Expect(broken.Locator("[data-testid=l2-hop][data-hop=Gateway] [data-testid=l2-hop-detail]"))
                .ToHaveTextAsync("no gateway: 'l2-app-01' has no default gateway; apply its address with the NAT's gateway.");
            await page.GetByTestId("l2-panel").ScrollIntoViewIfNeededAsync();
            await LabPages.SaveScreenshotAsync(page, "l2-test-broken-1920-light.png", 1920, 1080);

            // Apply to all: the review names where each command runs; l2-web-01's credential is asked there.
            await page.GetByTestId("l2-apply-all").ClickAsync();
            var dialog = page.GetByTestId("l2-apply-dialog");
            await Assertions.Expect(dialog).ToBeVisibleAsync(new() { Timeout = Timeout });
            await Assertions.Expect(dialog.GetByTestId("l2-command-where").Nth(4)).ToHaveTextAsync("in az-dev-01 → in l2-app-01");
            await Assertions.Expect(dialog.GetByTestId("l2-command-text").Nth(4)).ToHaveTextAsync(
                "New-NetIPAddress -InterfaceAlias Ethernet -IPAddress 192.168.100.2 -PrefixLength 24 -DefaultGateway 192.168.100.1");
            await Field(page, "l2-dns-input").FillAsync("1.1.1.1");
            await Assertions.Expect(dialog.GetByTestId("l2-command-text").Nth(5)).ToHaveTextAsync("Set-DnsClientServerAddress -InterfaceAlias Ethernet -ServerAddresses 1.1.1.1");
            await Field(page, "l2-password").FillAsync(LabScenarios.GuestAdministratorPassword);
            await page.Locator("[data-testid=l2-remember] input, input[data-testid=l2-remember]").CheckAsync();
            await LabPages.SaveScreenshotAsync(page, "l2-apply-review-1920-light.png", 1920, 1080);
            await page.GetByTestId("l2-apply-confirm").ClickAsync();

            await Assertions.Expect(page.GetByTestId("power-outcome")).ToContainTextAsync(
                "The addresses of L2 VMs 'l2-app-01', 'l2-web-01' inside VM 'az-dev-01' on host 'AZ-WS2025-TL' were applied.", new() { Timeout = Timeout });
            await Assertions.Expect(page.Locator("[data-testid=power-steps] [data-step-status=Done]")).ToHaveCountAsync(2);

            // The good case: the same test passes every hop.
            await Row(page, "l2-app-01").GetByTestId("l2-test").ClickAsync();
            var good = Result(page, "l2-app-01");
            await Assertions.Expect(good).ToHaveAttributeAsync("data-outcome", "passed", new() { Timeout = Timeout });
            await Assertions.Expect(good.Locator("[data-testid=l2-hop][data-ok=true]")).ToHaveCountAsync(4);
            await Assertions.Expect(good.Locator("[data-testid=l2-hop][data-hop=Gateway] [data-testid=l2-hop-detail]"))
                .ToHaveTextAsync("gateway 192.168.100.1 answers (from 192.168.100.2).");
            await page.GetByTestId("l2-panel").ScrollIntoViewIfNeededAsync();
            await LabPages.SaveScreenshotAsync(page, "l2-test-good-1920-light.png", 1920, 1080);
        }

        // Other widths and themes: the remembered credentials read the guest and test l2-web-01 without asking.
        foreach (var (width, height, scheme) in new[] { (1366, 768, ColorScheme.Dark), (1920, 1080, ColorScheme.Dark), (1366, 768, ColorScheme.Light) })
        {
            await using var context = await dashboard.NewContextAsync(app, width, height);
            var page = await OpenVmAsync(context, scheme);
            await page.GetByTestId("guest-read").ClickAsync();
            await Assertions.Expect(page.GetByTestId("guest-state")).ToBeVisibleAsync(new() { Timeout = Timeout });
            await page.GetByTestId("l2-list").ClickAsync();
            await Row(page, "l2-web-01").GetByTestId("l2-test").ClickAsync();
            var result = Result(page, "l2-web-01");
            await Assertions.Expect(result).ToHaveAttributeAsync("data-outcome", "passed", new() { Timeout = Timeout });
            await Assertions.Expect(result.Locator("[data-testid=l2-hop][data-hop=Gateway] [data-testid=l2-hop-detail]"))
                .ToHaveTextAsync("gateway 192.168.100.1 answers (from 192.168.100.3).");
            await page.GetByTestId("l2-panel").ScrollIntoViewIfNeededAsync();
            await LabPages.SaveScreenshotAsync(page, $"l2-test-good-{width}-{scheme.ToString().ToLowerInvariant()}.png", width, height);
        }

        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    private static ILocator Field(IPage page, string testId) => page.Locator($"input[data-testid={testId}], [data-testid={testId}] input");

    private static ILocator Row(IPage page, string l2) => page.Locator($"[data-testid=l2-vm][data-l2=\"{l2}\"]");

    private static ILocator Result(IPage page, string l2) => page.Locator($"[data-testid=l2-test-result][data-l2=\"{l2}\"]");

    private static async Task SignInAsync(IPage page, bool remember)
    {
        var dialog = page.GetByTestId("guest-credential-dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Field(page, "guest-user").FillAsync(LabScenarios.GuestAdministratorUserName);
        await Field(page, "guest-password").FillAsync(LabScenarios.GuestAdministratorPassword);
        if (remember)
        {
            await page.Locator("[data-testid=guest-remember] input, input[data-testid=guest-remember]").CheckAsync();
        }

        await page.GetByTestId("guest-credential-ok").ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync(new() { Timeout = Timeout });
    }

    private static async Task<IPage> OpenVmAsync(IBrowserContext context, ColorScheme scheme)
    {
        var page = await LabPages.OpenLiveAsync(context, "/", scheme);
        var id = LabScenarios.CreateDefaultLab()[Host].FindVm(VmName)?.Id
            ?? throw new InvalidOperationException($"The default lab has no VM '{VmName}' on {Host}.");
        await page.EvaluateAsync("url => Blazor.navigateTo(url)", $"/hosts/{Host}/vms/{id}");
        await Assertions.Expect(page.GetByTestId("vm-name")).ToHaveTextAsync(VmName, new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("guest-card")).ToBeVisibleAsync(new() { Timeout = Timeout });
        return page;
    }
}
