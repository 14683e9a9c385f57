using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Tests.Access;

/// <summary>A password someone else chose is changed at the first sign-in: the app opens only after that.</summary>
public sealed class InitialPasswordTests
{
    private const string Initial = "Given-By-Admin-Pass-7";
    private const string Own = "Chosen-By-Me-Pass-8";

    private static Actor Admin => new(FirstAdministrator.UserName, DashboardRoles.Administrator, Channels.Browser, "127.0.0.1");

    [Fact]
    public async Task A_user_an_administrator_created_reaches_only_the_password_page_until_they_choose_their_own()
    {
        await using var server = await DashboardServer.StartAsync();
        var users = server.Services.GetRequiredService<UserAdministration>();
        Assert.True((await users.CreateAsync(Admin, "newbie", DashboardRoles.Operator, Initial)).Succeeded);
        using var client = await server.SignedInClientAsync("newbie", Initial);

        using var page = await client.GetAsync(new Uri("vms", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal(InitialPassword.ChangePath, page.Headers.Location!.OriginalString);
        using var export = await client.GetAsync(new Uri("activity/export.csv", UriKind.Relative));
        Assert.Equal(InitialPassword.ChangePath, export.Headers.Location?.OriginalString);
        var form = await client.GetStringAsync(new Uri("account/password", UriKind.Relative));
        Assert.Contains("data-testid=\"password-required\"", form, StringComparison.Ordinal);

        using var changed = await PasswordGuessingTests.PostPasswordAsync(client, form, Initial, Own);
        Assert.Contains("Your password was changed.", await changed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var opens = await client.GetAsync(new Uri("vms", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, opens.StatusCode);
        using var again = await server.SignedInClientAsync("newbie", Own);
        using var stillOpens = await again.GetAsync(new Uri("vms", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, stillOpens.StatusCode);
    }

    [Fact]
    public async Task A_password_an_administrator_resets_is_changed_at_the_next_sign_in_too()
    {
        await using var server = await DashboardServer.StartAsync();
        await server.CreateUserAsync("kept", DashboardRoles.Viewer);
        using (var before = await server.SignedInClientAsync("kept"))
        {
            using var opens = await before.GetAsync(new Uri("vms", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, opens.StatusCode);
        }

        var users = server.Services.GetRequiredService<UserAdministration>();
        var reset = await users.ResetPasswordAsync(Admin, "kept", Initial);
        Assert.True(reset.Succeeded);
        Assert.Contains("choose their own password at the next sign-in", reset.Message, StringComparison.Ordinal);

        using var client = await server.SignedInClientAsync("kept", Initial);
        using var page = await client.GetAsync(new Uri("vms", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal(InitialPassword.ChangePath, page.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_first_administrator_whose_password_came_from_a_setting_is_not_asked()
    {
        await using var server = await DashboardServer.StartAsync();

        using var client = await server.SignedInClientAsync(FirstAdministrator.UserName, DashboardServer.AdminPassword);
        using var page = await client.GetAsync(new Uri("vms", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }
}
