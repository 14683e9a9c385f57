using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static NestedHvDashboard.Browser.Tests.LabPages;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>Signing in and out as a person does, in a real Chromium against the real app on 127.0.0.1.</summary>
[Collection(DashboardCollection.Name)]
public sealed partial class SignInFlowTests(DashboardFixture dashboard)
{
    [Fact]
    public async Task An_anonymous_visit_signs_in_through_the_form_lands_live_and_signs_out_again()
    {
        await using var context = await dashboard.AnonymousContextAsync(1366, 768);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/vms");
        await Assertions.Expect(page).ToHaveURLAsync(BackToVms());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        // Styled for a signed-out browser too: the stylesheet is not itself behind the sign-in.
        Assert.Equal("rgb(255, 255, 255)", await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.nhv-account__card')).backgroundColor"));
        await Assertions.Expect(page.GetByTestId("reconnect-banner")).ToBeHiddenAsync();
        await SaveScreenshotAsync(page, "sign-in-1366x768.png", 1366, 768);

        await page.GetByTestId("user-name").FillAsync(DashboardProcess.AdminUser);
        await page.GetByTestId("password").FillAsync("Not-The-Password-1");
        await page.GetByTestId("sign-in").ClickAsync();
        await Assertions.Expect(page.GetByTestId("sign-in-error")).ToHaveTextAsync("The user name or password is wrong.");
        await Assertions.Expect(page.GetByTestId("user-name")).ToHaveValueAsync(DashboardProcess.AdminUser);
        await Assertions.Expect(page.GetByTestId("password")).ToBeFocusedAsync();
        await SaveScreenshotAsync(page, "sign-in-wrong-password-1366x768.png", 1366, 768);

        await page.GetByTestId("password").FillAsync(DashboardProcess.AdminPassword);
        await page.GetByTestId("sign-in").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/vms$"));
        await Assertions.Expect(page.GetByTestId("feed-state")).ToHaveTextAsync("live", new() { Timeout = ConnectTimeoutMs });
        await Assertions.Expect(page.GetByTestId("user-identity")).ToHaveTextAsync("admin · Administrator");

        await page.GetByTestId("user-menu-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("menu-change-password")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("menu-sign-out")).ToBeVisibleAsync();
        await SaveScreenshotAsync(page, "user-menu-1366x768.png", 1366, 768);

        await page.GetByTestId("menu-sign-out").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/login$"));
        dashboard.SignedOut(DashboardProcess.AdminUser);
        await page.GotoAsync("/vms");
        await Assertions.Expect(page).ToHaveURLAsync(BackToVms());
        await Assertions.Expect(page.GetByTestId("sign-in-form")).ToBeVisibleAsync();
        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    [GeneratedRegex(@"/account/login\?ReturnUrl=%2Fvms$")]
    private static partial Regex BackToVms();
}
