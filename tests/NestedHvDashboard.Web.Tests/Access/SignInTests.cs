using System.Net;
using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Tests.Access;

/// <summary>Sign-in over real HTTP on loopback against the real app.</summary>
[Collection(DashboardServerCollection.Name)]
public sealed class SignInTests : IAsyncLifetime
{
    private DashboardServer _server = null!;

    public async Task InitializeAsync() => _server = await DashboardServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_anonymous_browser_is_sent_to_sign_in_and_comes_back_after()
    {
        using var client = _server.NewClient();
        using var page = await client.GetAsync(new Uri("vms", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/account/login?ReturnUrl=%2Fvms", page.Headers.Location!.PathAndQuery);

        using var signIn = await DashboardServer.PostSignInAsync(client, FirstAdministrator.UserName, DashboardServer.AdminPassword, "/vms");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/vms", signIn.Headers.Location!.OriginalString);

        using var after = await client.GetAsync(new Uri("vms", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task The_bootstrap_admin_is_an_administrator_with_the_configured_password()
    {
        using var wrong = _server.NewClient();
        using var refused = await DashboardServer.PostSignInAsync(wrong, FirstAdministrator.UserName, "not-the-password");
        Assert.Contains("error=invalid", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);

        using var admin = await _server.SignedInClientAsync(FirstAdministrator.UserName, DashboardServer.AdminPassword);
        using var connections = await admin.GetAsync(new Uri("connections", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, connections.StatusCode);
    }

    [Fact]
    public async Task Reset_admin_password_gives_a_new_password_printed_once_and_the_old_one_stops_working()
    {
        var folder = Directory.CreateTempSubdirectory("nestedhv-reset-").FullName;
        try
        {
            await (await DashboardServer.StartAsync(dataFolder: folder)).DisposeAsync();
            var printed = new StringWriter();
            var console = FirstAdministrator.Console;
            FirstAdministrator.Console = printed;
            DashboardServer again;
            try
            {
                again = await DashboardServer.StartAsync(new Dictionary<string, string?> { [FirstAdministrator.ResetSetting] = "true" }, dataFolder: folder);
            }
            finally
            {
                FirstAdministrator.Console = console;
            }

            await using (again)
            {
                var password = System.Text.RegularExpressions.Regex.Match(printed.ToString(), @"password:\s+(\S+)").Groups[1].Value;
                Assert.NotEqual("", password);
                Assert.NotEqual(DashboardServer.AdminPassword, password);
                Assert.DoesNotContain(again.LogLines, l => l.Contains(password, StringComparison.Ordinal));

                using var old = again.NewClient();
                using var refused = await DashboardServer.PostSignInAsync(old, FirstAdministrator.UserName, DashboardServer.AdminPassword);
                Assert.Contains("error=invalid", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
                using var admin = await again.SignedInClientAsync(FirstAdministrator.UserName, password);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
