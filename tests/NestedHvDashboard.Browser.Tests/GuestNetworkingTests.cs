using Microsoft.Playwright;
using NestedHvDashboard.Simulator.Scenarios;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// The guest networking card of an L1 guest's VM page in a real Chromium against the real app: signing in to the guest with
/// the lab's credentials, a bad CIDR refused under its field, the NAT of Microsoft's document reviewed and created, and the
/// guest's state read afresh from another browser context.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class GuestNetworkingTests(DashboardFixture dashboard)
{
    private const float Timeout = 60_000;

    // LabScenarios: nested-l1-01 on the Intel WS2016 host, Running, nested on, Hyper-V in the guest; no other test changes it.
    private const string Host = "HV-WS2016-01";
    private const string VmName = "nested-l1-01";

    [Fact]
    public async Task The_documents_nat_is_reviewed_created_and_seen_in_the_guest_from_another_context()
    {
        await using var context = await dashboard.NewContextAsync(1920, 1080);
        var page = await OpenVmAsync(context);
        await SignInAndReadAsync(page);
        await Assertions.Expect(page.GetByTestId("guest-hyperv")).ToHaveTextAsync("Installed", new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("guest-nats")).ToHaveTextAsync("none");

        // A bad CIDR: the validator's message under the field, and no review.
        await Field(page, "nat-prefix").FillAsync("192.168.0.0/33");
        var card = page.GetByTestId("guest-card");
        await Assertions.Expect(card.Locator(".mud-input-error").Filter(new() { HasText = "The NAT prefix" }).First).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("nat-review-button")).ToBeDisabledAsync();

        await Field(page, "nat-prefix").FillAsync("192.168.0.0/24");
        await Field(page, "nat-gateway").FillAsync("192.168.0.1");
        await Assertions.Expect(page.GetByTestId("nat-review-button")).ToBeEnabledAsync(new() { Timeout = Timeout });
        await page.GetByTestId("nat-review-button").ClickAsync();

        await Assertions.Expect(page.GetByTestId("nat-command")).ToHaveTextAsync(
        [
            "New-VMSwitch -Name VmNAT -SwitchType Internal",
            "New-NetIPAddress -IPAddress 192.168.0.1 -PrefixLength 24 -InterfaceAlias 'vEthernet (VmNAT)'",
            "New-NetNat -Name LocalNAT -InternalIPInterfaceAddressPrefix 192.168.0.0/24",
        ], new() { Timeout = Timeout });
        await page.GetByTestId("nat-create").ClickAsync();

        await Assertions.Expect(page.GetByTestId("guest-outcome")).ToHaveAttributeAsync("data-outcome", "Succeeded", new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("guest-nats")).ToHaveTextAsync("LocalNAT (192.168.0.0/24)");
        await Assertions.Expect(page.GetByTestId("guest-switches")).ToContainTextAsync("VmNAT");
        await Assertions.Expect(page.GetByTestId("guest-addresses")).ToContainTextAsync("192.168.0.1/24 on vEthernet (VmNAT)");
        await Assertions.Expect(page.GetByTestId("l2-address").First).ToContainTextAsync("New-NetIPAddress -IPAddress 192.168.0.2 -PrefixLength 24 -DefaultGateway 192.168.0.1");
        await SaveScreenshotAsync(page, "guest-nat-created.png");

        // Another context reads the guest afresh (it is asked for the credentials again: they were not remembered).
        await using var second = await dashboard.NewContextAsync();
        var other = await OpenVmAsync(second);
        await SignInAndReadAsync(other);
        await Assertions.Expect(other.GetByTestId("guest-nats")).ToHaveTextAsync("LocalNAT (192.168.0.0/24)", new() { Timeout = Timeout });
        await Assertions.Expect(other.GetByTestId("guest-switches")).ToContainTextAsync("VmNAT");
        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    private static ILocator Field(IPage page, string testId) => page.Locator($"input[data-testid={testId}], [data-testid={testId}] input");

    private static async Task SignInAndReadAsync(IPage page)
    {
        await page.GetByTestId("guest-read").ClickAsync();
        var dialog = page.GetByTestId("guest-credential-dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Field(page, "guest-user").FillAsync(LabScenarios.GuestAdministratorUserName);
        await Field(page, "guest-password").FillAsync(LabScenarios.GuestAdministratorPassword);
        await Assertions.Expect(page.GetByTestId("guest-credential-ok")).ToBeEnabledAsync();
        await page.GetByTestId("guest-credential-ok").ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("guest-state")).ToBeVisibleAsync(new() { Timeout = Timeout });
    }

    private static async Task<IPage> OpenVmAsync(IBrowserContext context)
    {
        var page = await LabPages.OpenLiveAsync(context, "/");
        var id = LabScenarios.CreateDefaultLab()[Host].FindVm(VmName)?.Id
            ?? throw new InvalidOperationException($"The default lab has no VM '{VmName}' on {Host}.");
        await page.EvaluateAsync("url => Blazor.navigateTo(url)", $"/hosts/{Host}/vms/{id}");
        await Assertions.Expect(page.GetByTestId("vm-name")).ToHaveTextAsync(VmName, new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("guest-card")).ToBeVisibleAsync(new() { Timeout = Timeout });
        return page;
    }

    private static async Task SaveScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(DashboardFixture.ScreenshotDirectory);
        var path = Path.Combine(DashboardFixture.ScreenshotDirectory, name);
        File.Delete(path);
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.True(bytes.Length > 10_000, $"{path} is only {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
    }
}
