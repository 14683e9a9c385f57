using Microsoft.Playwright;
using NestedHvDashboard.Simulator.Scenarios;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// Guest facts on an L1 guest's VM page in a real Chromium against the real app: the Azure host's L1 (az-dev-01, whose guest has
/// the lab's NAT) warns that its L2 VMs have no network until the guest is read; the readiness row's "Read the guest" with the
/// lab's guest credential turns vm.l2-network to Pass, and the facts stay with the VM for every later visit, at three widths in
/// both themes.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class GuestFactsTests(DashboardFixture dashboard)
{
    private const float Timeout = 60_000;

    // LabScenarios: az-dev-01 on the Azure host, Running, nested on, MAC spoofing off, Hyper-V and the "LabNAT" NAT in the guest;
    // no other test reads its guest.
    private const string Host = LabScenarios.HostNames.Ws2025Azure;
    private const string VmName = "az-dev-01";

    [Fact]
    public async Task Reading_the_guest_with_the_lab_credential_passes_l2_network_on_a_guest_with_nat_at_every_width_and_theme()
    {
        await using (var first = await dashboard.NewContextAsync(1920, 1080))
        {
            var page = await OpenVmAsync(first, ColorScheme.Light);
            var l2 = Rule(page, "vm.l2-network");
            await Assertions.Expect(l2.GetByTestId("check-status")).ToHaveTextAsync("Warn", new() { Timeout = Timeout });
            await Assertions.Expect(l2.GetByTestId("check-reason")).ToContainTextAsync("the guest has not been read");
            await Assertions.Expect(Rule(page, "vm.guest-security").GetByTestId("check-status")).ToHaveTextAsync("Unknown");
            await Assertions.Expect(page.GetByTestId("guest-facts-none")).ToBeVisibleAsync();

            await l2.GetByTestId("read-guest-vm.l2-network").ClickAsync();
            var dialog = page.GetByTestId("guest-credential-dialog");
            await Assertions.Expect(dialog).ToBeVisibleAsync(new() { Timeout = Timeout });
            await Field(page, "guest-user").FillAsync(LabScenarios.GuestAdministratorUserName);
            await Field(page, "guest-password").FillAsync(LabScenarios.GuestAdministratorPassword);
            await page.GetByTestId("guest-credential-ok").ClickAsync();
            await Assertions.Expect(dialog).ToBeHiddenAsync(new() { Timeout = Timeout });

            await Assertions.Expect(l2.GetByTestId("check-status")).ToHaveTextAsync("Pass", new() { Timeout = Timeout });
            await Assertions.Expect(l2.GetByTestId("check-reason")).ToHaveTextAsync("The guest has a NAT network for its nested VMs.");
            await Assertions.Expect(page.GetByTestId("guest-facts-nat")).ToHaveTextAsync(LabGuestSetups.AzureNatName);
        }

        // A later visit, another browser: the facts were kept with the VM, so nothing is read again.
        await using var tab = await dashboard.NewTabAsync();
        foreach (var (width, height) in new[] { (1920, 1080), (1366, 768), (800, 900) })
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                var page = await ShowVmAsync(await tab.OpenAsync("/", width, height, scheme));
                await Assertions.Expect(Rule(page, "vm.l2-network").GetByTestId("check-status")).ToHaveTextAsync("Pass", new() { Timeout = Timeout });
                var security = Rule(page, "vm.guest-security");
                await Assertions.Expect(security.GetByTestId("check-status")).ToHaveTextAsync("Pass");
                await Assertions.Expect(security.GetByTestId("check-reason")).ToContainTextAsync("VBS, HVCI and Credential Guard are off");
                await Assertions.Expect(page.GetByTestId("guest-facts-read")).ToHaveTextAsync("Read guest again");
                await Assertions.Expect(page.GetByTestId("guest-facts-hyperv")).ToHaveTextAsync("Installed, the hypervisor starts at boot");
                await Assertions.Expect(page.GetByTestId("guest-facts-launch-type")).ToHaveTextAsync("Auto");
                await Assertions.Expect(page.GetByTestId("guest-nats")).ToContainTextAsync(LabGuestSetups.AzureNatName);
                await Assertions.Expect(page.GetByTestId("read-guest-vm.l2-network")).ToHaveCountAsync(0);

                var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
                var clientWidth = await page.EvaluateAsync<int>("() => document.documentElement.clientWidth");
                Assert.True(scrollWidth <= clientWidth, $"The VM page scrolls sideways at {width} px: {scrollWidth} > {clientWidth}.");

                await page.GetByTestId("guest-facts").ScrollIntoViewIfNeededAsync();
                await LabPages.SaveScreenshotAsync(page, $"guest-facts-{width}-{(scheme == ColorScheme.Dark ? "dark" : "light")}.png", width, height);
            }
        }

        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    private static ILocator Rule(IPage page, string ruleId) => page.Locator($"[data-rule='{ruleId}']");

    private static ILocator Field(IPage page, string testId) => page.Locator($"input[data-testid={testId}], [data-testid={testId}] input");

    private static async Task<IPage> OpenVmAsync(IBrowserContext context, ColorScheme scheme) =>
        await ShowVmAsync(await LabPages.OpenLiveAsync(context, "/", scheme));

    // From a live page, the VM's page as a user reaches it (the app's own navigation, no new load).
    private static async Task<IPage> ShowVmAsync(IPage page)
    {
        var id = LabScenarios.CreateDefaultLab()[Host].FindVm(VmName)?.Id
            ?? throw new InvalidOperationException($"The default lab has no VM '{VmName}' on {Host}.");
        await page.EvaluateAsync("url => Blazor.navigateTo(url)", $"/hosts/{Host}/vms/{id}");
        await Assertions.Expect(page.GetByTestId("vm-name")).ToHaveTextAsync(VmName, new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("guest-facts")).ToBeVisibleAsync(new() { Timeout = Timeout });
        return page;
    }
}
