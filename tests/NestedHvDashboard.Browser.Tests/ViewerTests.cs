using Microsoft.Playwright;
using NestedHvDashboard.Simulator.Scenarios;
using static NestedHvDashboard.Browser.Tests.LabPages;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// An administrator makes a Viewer on the users page; that Viewer, signed in through the form in another browser, must
/// first choose their own password, then sees the VM page and the grid read-only and cannot open the users page.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class ViewerTests(DashboardFixture dashboard)
{
    private const string ViewerName = "vera";
    private const string ViewerPassword = "Viewer-Pass-1234!";
    private const string ViewerOwnPassword = "Vera-Own-Pass-5678!";

    [Fact]
    public async Task A_viewer_made_on_the_users_page_sees_everything_read_only_and_no_admin_page()
    {
        await using var admin = await dashboard.NewContextAsync(1366, 768);
        var users = await OpenLiveAsync(admin, "/admin/users");
        await users.Locator("input[data-testid=new-user-name], [data-testid=new-user-name] input").FillAsync(ViewerName);
        await users.Locator("input[data-testid=new-user-password], [data-testid=new-user-password] input").FillAsync(ViewerPassword);
        await users.GetByTestId("create-user").ClickAsync();
        await Assertions.Expect(users.GetByTestId("user-result")).ToHaveAttributeAsync("data-succeeded", "true");
        await Assertions.Expect(users.GetByTestId("user-name").Filter(new() { HasText = ViewerName })).ToHaveCountAsync(1);
        await SaveScreenshotAsync(users, "users-1366x768.png", 1366, 768);

        await using var viewer = await dashboard.NewContextAsync(dashboard.App, 1366, 768, ViewerName, ViewerPassword);
        // The administrator chose the password: the first page is the one that changes it, and nothing else opens before.
        var first = await viewer.NewPageAsync();
        await first.GotoAsync("/vms");
        Assert.Equal("/account/password", new Uri(first.Url).AbsolutePath);
        await Assertions.Expect(first.GetByTestId("password-required")).ToBeVisibleAsync();
        await first.GetByTestId("current-password").FillAsync(ViewerPassword);
        await first.GetByTestId("new-password").FillAsync(ViewerOwnPassword);
        await first.GetByTestId("confirm-password").FillAsync(ViewerOwnPassword);
        await first.GetByTestId("change-password").ClickAsync();
        await Assertions.Expect(first.GetByTestId("password-done")).ToBeVisibleAsync();
        await SaveScreenshotAsync(first, "password-changed-1366x768.png", 1366, 768);

        var id = LabScenarios.CreateDefaultLab()["HV-WS2019-01"].FindVm("web-01")!.Id;
        var vm = await OpenLiveAsync(viewer, $"/hosts/HV-WS2019-01/vms/{id}");
        await Assertions.Expect(vm.GetByTestId("user-identity")).ToHaveTextAsync($"{ViewerName} · Viewer");
        await Assertions.Expect(vm.GetByTestId("nested-readonly")).ToBeVisibleAsync();
        await Assertions.Expect(vm.GetByTestId("operators-hint").First).ToHaveTextAsync("Operators can change this.");
        await Assertions.Expect(vm.GetByTestId("guest-card").GetByTestId("operators-hint")).ToBeVisibleAsync();
        await Assertions.Expect(vm.GetByTestId("nested-switch")).ToHaveCountAsync(0);
        await Assertions.Expect(vm.GetByTestId("spoofing-readonly").First).ToBeVisibleAsync();
        await Assertions.Expect(vm.Locator(".mud-nav-link", new() { HasText = "Users" })).ToHaveCountAsync(0);
        await SaveScreenshotAsync(vm, "vm-viewer-1366x768.png", 1366, 768);

        var grid = await OpenLiveAsync(viewer, "/vms");
        await WaitForGridRowsSettledAsync(grid);
        await TickGridRowAsync(grid, grid.Locator("[data-testid=vm-grid] tbody input[type=checkbox]").First, 1);
        await Assertions.Expect(grid.GetByTestId("operators-hint")).ToBeVisibleAsync();
        await Assertions.Expect(grid.GetByTestId("bulk-enable")).ToHaveCountAsync(0);

        var denied = await viewer.NewPageAsync();
        await denied.GotoAsync("/admin/users");
        Assert.Equal("/account/denied", new Uri(denied.Url).AbsolutePath);
    }
}
