using Microsoft.Playwright;
using NestedHvDashboard.Simulator.Scenarios;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// The switches inside an L1 in a real Chromium against the real app: the networking advice, the external switch reviewed with
/// its exact command and created in the guest, an L2 VM connected to it, removal refused while it is in use, and the Azure
/// host's advice for NAT; at 1920×1080 and 1366×768, light and dark.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class L1SwitchesTests(DashboardFixture dashboard)
{
    private const float Timeout = 60_000;

    // LabScenarios: nested-l1-01 on the Intel WS2016 host (external switch, MAC spoofing on), Running, Hyper-V and l2-app-01 (its
    // adapter not connected) in the guest. The NAT, cascade and tree tests use it too; none of them minds one more switch.
    private const string Host = "HV-WS2016-01";
    private const string VmName = "nested-l1-01";

    [Fact]
    public async Task The_external_switch_is_reviewed_created_used_by_an_l2_vm_and_kept_while_in_use()
    {
        await using var context = await dashboard.NewContextAsync(1920, 1080);
        var page = await OpenVmAsync(context, ColorScheme.Light);
        await SignInAndReadAsync(page);
        await Assertions.Expect(page.GetByTestId("l2-advice")).ToHaveAttributeAsync("data-recommended", "External");

        await page.GetByTestId("l1-switch-review-create").ClickAsync();
        await Assertions.Expect(page.GetByTestId("l1-switch-review-command")).ToHaveTextAsync(
            "New-VMSwitch -Name External -NetAdapterName Ethernet -AllowManagementOS:$true", new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("l1-switch-review-note").Nth(1)).ToContainTextAsync("MAC address spoofing must be enabled on the first (L1) level of virtual switch");
        await LabPages.SaveScreenshotAsync(page, "l1-switch-review-1920-light.png", 1920, 1080);
        await page.GetByTestId("l1-switch-review-ok").ClickAsync();

        await Assertions.Expect(page.GetByTestId("l1-switch-outcome")).ToHaveAttributeAsync("data-outcome", "Succeeded", new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("l1-switch-step")).ToHaveAttributeAsync("data-step-status", "Done");
        await Assertions.Expect(page.Locator("tr[data-switch=External]")).ToContainTextAsync("Ethernet");

        await page.Locator("tr[data-l2-vm=l2-app-01] [data-testid=l2-connect]").ClickAsync();
        await Assertions.Expect(page.GetByTestId("l1-switch-review-command")).ToHaveTextAsync("Connect-VMNetworkAdapter -VMName l2-app-01 -SwitchName External", new() { Timeout = Timeout });
        await page.GetByTestId("l1-switch-review-ok").ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-l2-vm=l2-app-01] [data-testid=l2-adapter-switch]")).ToHaveTextAsync("External", new() { Timeout = Timeout });
        await page.GetByTestId("l1-switches-card").ScrollIntoViewIfNeededAsync();
        await LabPages.SaveScreenshotAsync(page, "l1-switches-connected-1920-light.png", 1920, 1080);

        await page.Locator("tr[data-switch=External] [data-testid=l1-switch-remove]").ClickAsync();
        await Assertions.Expect(page.GetByTestId("l1-switch-review-problem")).ToContainTextAsync("'l2-app-01 (Network Adapter)'", new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("l1-switch-review-ok")).ToHaveCountAsync(0);
        await page.GetByTestId("l1-switch-review-cancel").ClickAsync();

        // The same card in the other sizes and themes, read afresh; then the Azure host's advice.
        foreach (var (width, height, scheme) in new[] { (1920, 1080, ColorScheme.Dark), (1366, 768, ColorScheme.Light), (1366, 768, ColorScheme.Dark) })
        {
            await using var other = await dashboard.NewContextAsync(width, height);
            var again = await OpenVmAsync(other, scheme);
            await SignInAndReadAsync(again);
            await Assertions.Expect(again.Locator("tr[data-l2-vm=l2-app-01] [data-testid=l2-adapter-switch]")).ToHaveTextAsync("External", new() { Timeout = Timeout });
            await again.GetByTestId("l1-switches-card").ScrollIntoViewIfNeededAsync();
            var theme = scheme == ColorScheme.Dark ? "dark" : "light";
            await LabPages.SaveScreenshotAsync(again, $"l1-switches-{width}-{theme}.png", width, height);

            var azure = await LabPages.OpenLiveAsync(other, $"/hosts/{LabScenarios.HostNames.Ws2025Azure}", scheme);
            var advice = azure.GetByTestId("host-l2-advice").GetByTestId("l2-advice");
            await Assertions.Expect(advice).ToHaveAttributeAsync("data-recommended", "Nat", new() { Timeout = Timeout });
            await Assertions.Expect(advice).ToContainTextAsync("Azure drops frames from MAC addresses it did not assign");
            await advice.ScrollIntoViewIfNeededAsync();
            await LabPages.SaveScreenshotAsync(azure, $"host-l2-advice-azure-{width}-{theme}.png", width, height);
        }

        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    private static ILocator Field(IPage page, string testId) => page.Locator($"input[data-testid={testId}], [data-testid={testId}] input");

    private static async Task SignInAndReadAsync(IPage page)
    {
        await page.GetByTestId("l1-switches-read").ClickAsync();
        var dialog = page.GetByTestId("guest-credential-dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Field(page, "guest-user").FillAsync(LabScenarios.GuestAdministratorUserName);
        await Field(page, "guest-password").FillAsync(LabScenarios.GuestAdministratorPassword);
        await page.GetByTestId("guest-credential-ok").ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("l1-switches")).ToBeVisibleAsync(new() { Timeout = Timeout });
    }

    private static async Task<IPage> OpenVmAsync(IBrowserContext context, ColorScheme scheme)
    {
        var page = await LabPages.OpenLiveAsync(context, "/", scheme);
        var id = LabScenarios.CreateDefaultLab()[Host].FindVm(VmName)?.Id
            ?? throw new InvalidOperationException($"The default lab has no VM '{VmName}' on {Host}.");
        await page.EvaluateAsync("url => Blazor.navigateTo(url)", $"/hosts/{Host}/vms/{id}");
        await Assertions.Expect(page.GetByTestId("vm-name")).ToHaveTextAsync(VmName, new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("l1-switches-card")).ToBeVisibleAsync(new() { Timeout = Timeout });
        return page;
    }
}
