using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Tests.Access;

/// <summary>
/// Sign-in with OpenID Connect against a real (fake) provider on loopback: the whole code flow with PKCE over HTTP,
/// the dashboard user it makes, and its role from the provider's roles claim.
/// </summary>
[Collection(DashboardServerCollection.Name)]
public sealed class OpenIdConnectSignInTests : IAsyncLifetime
{
    private FakeOpenIdProvider _provider = null!;
    private DashboardServer _server = null!;

    public async Task InitializeAsync()
    {
        _provider = await FakeOpenIdProvider.StartAsync();
        _server = await DashboardServer.StartAsync(_provider.Settings(
            ("Auth:Oidc:DisplayName", "Lab SSO"),
            ("Auth:Oidc:Roles:Administrator", "hv-admins"),
            ("Auth:Oidc:Roles:Operator", "hv-operators, hv-leads"),
            ("Auth:Oidc:Roles:Viewer", "hv-viewers")));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task The_sign_in_page_offers_the_provider_by_its_display_name()
    {
        using var client = _server.NewClient();
        var page = await client.GetStringAsync(new Uri("account/login", UriKind.Relative));
        Assert.Contains("Sign in with Lab SSO", page, StringComparison.Ordinal);
        Assert.Contains($"name=\"Provider\" value=\"{ExternalSignIn.OpenIdConnectScheme}\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_with_the_admin_role_claim_becomes_an_Administrator_and_lands_where_they_asked()
    {
        _provider.User = new FakeOidcUser("sub-admin", "carol", ["staff", "HV-Admins"]);
        using var client = _server.NewClient();

        var landed = await SignInThroughProviderAsync(client, "/vms");

        Assert.Equal("/vms", landed);
        using var vms = await client.GetAsync(new Uri("vms", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, vms.StatusCode);
        var (user, roles) = await UserAsync("sub-admin");
        Assert.Equal("carol", user.UserName);
        Assert.Equal("OpenIdConnect", user.Source);
        Assert.Equal([DashboardRoles.Administrator], roles);
        Assert.Contains(_server.LogLines, l => l.Contains("carol", StringComparison.Ordinal) && l.Contains("signed in with", StringComparison.Ordinal) && l.Contains("Administrator", StringComparison.Ordinal));
        AssertNoSecretInLogs();
    }

    [Fact]
    public async Task A_user_without_a_mapped_claim_is_signed_in_with_no_role_and_denied_the_pages()
    {
        _provider.User = new FakeOidcUser("sub-nobody", "dave", ["staff"]);
        using var client = _server.NewClient();

        var landed = await SignInThroughProviderAsync(client, "/vms");

        Assert.Equal("/vms", landed);
        using var vms = await client.GetAsync(new Uri("vms", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, vms.StatusCode);
        Assert.StartsWith("/account/denied", vms.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        var (user, roles) = await UserAsync("sub-nobody");
        Assert.Equal("dave", user.UserName);
        Assert.Empty(roles);
        AssertNoSecretInLogs();
    }

    [Fact]
    public async Task A_role_removed_at_the_provider_lowers_the_role_at_the_next_sign_in()
    {
        _provider.User = new FakeOidcUser("sub-erin", "erin", ["hv-leads"]);
        using (var first = _server.NewClient())
        {
            Assert.Equal("/", await SignInThroughProviderAsync(first, "/"));
        }

        Assert.Equal([DashboardRoles.Operator], (await UserAsync("sub-erin")).Roles);

        _provider.User = new FakeOidcUser("sub-erin", "erin", ["hv-viewers"]);
        using (var second = _server.NewClient())
        {
            Assert.Equal("/", await SignInThroughProviderAsync(second, "/"));
        }

        Assert.Equal([DashboardRoles.Viewer], (await UserAsync("sub-erin")).Roles);

        _provider.User = new FakeOidcUser("sub-erin", "erin", []);
        using var third = _server.NewClient();
        Assert.Equal("/", await SignInThroughProviderAsync(third, "/"));
        var (user, roles) = await UserAsync("sub-erin");
        Assert.Empty(roles);
        Assert.Equal("erin", user.UserName);
        using var vms = await third.GetAsync(new Uri("vms", UriKind.Relative));
        Assert.StartsWith("/account/denied", vms.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        await using var scope = _server.Services.CreateAsyncScope();
        Assert.Single(scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>().Users, u => u.Source == "OpenIdConnect");
    }

    [Fact]
    public async Task An_id_token_with_a_forged_signature_is_refused_and_nobody_is_signed_in()
    {
        _provider.User = new FakeOidcUser("sub-mallory", "mallory", ["hv-admins"]);
        _provider.SignWithUnpublishedKey = true;
        using var client = _server.NewClient();

        var landed = await SignInThroughProviderAsync(client, "/vms");

        Assert.Equal("/account/login?error=external", landed);
        using var vms = await client.GetAsync(new Uri("vms", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, vms.StatusCode);
        Assert.StartsWith("/account/login", vms.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        await using var scope = _server.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>().FindByLoginAsync(ExternalSignIn.OpenIdConnectScheme, "sub-mallory"));
        Assert.Contains(_server.LogLines, l => l.Contains("Sign-in with", StringComparison.Ordinal) && l.Contains("OpenIdConnect", StringComparison.Ordinal) && l.Contains("failed", StringComparison.Ordinal));
        AssertNoSecretInLogs();
    }

    [Fact]
    public async Task An_absolute_return_address_lands_on_the_dashboards_root()
    {
        _provider.User = new FakeOidcUser("sub-frank", "frank", ["hv-viewers"]);
        using var client = _server.NewClient();

        Assert.Equal("/", await SignInThroughProviderAsync(client, "https://evil.example/steal"));
        Assert.Equal("/", await SignInThroughProviderAsync(_server.NewClient(), "//evil.example/steal"));
    }

    [Fact]
    public async Task A_provider_user_named_like_a_local_user_gets_a_user_of_its_own()
    {
        await _server.CreateUserAsync("grace", DashboardRoles.Administrator);
        _provider.User = new FakeOidcUser("sub-grace", "grace", ["hv-viewers"]);
        using var client = _server.NewClient();

        Assert.Equal("/", await SignInThroughProviderAsync(client, "/"));

        var (user, roles) = await UserAsync("sub-grace");
        Assert.Equal("grace-2", user.UserName);
        Assert.Equal([DashboardRoles.Viewer], roles);
        await using var scope = _server.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var local = await users.FindByNameAsync("grace");
        Assert.Empty(await users.GetLoginsAsync(local!));
    }

    [Fact]
    public async Task An_unknown_provider_is_refused()
    {
        using var client = _server.NewClient();
        using var response = await DashboardServer.PostLoginPageFormAsync(client, "account/external", new Dictionary<string, string>
        {
            ["Provider"] = "Identity.Application",
            ["ReturnUrl"] = "/",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/login?error=external", response.Headers.Location!.OriginalString);
    }

    /// <summary>
    /// Clicks "Sign in with Lab SSO" and follows the redirects through the provider and the callback, as a browser
    /// would; returns where the dashboard finally sends the browser.
    /// </summary>
    private async Task<string> SignInThroughProviderAsync(HttpClient client, string returnUrl)
    {
        using var challenge = await DashboardServer.PostLoginPageFormAsync(client, "account/external", new Dictionary<string, string>
        {
            ["Provider"] = ExternalSignIn.OpenIdConnectScheme,
            ["ReturnUrl"] = returnUrl,
        });
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var location = challenge.Headers.Location!;
        Assert.StartsWith($"{_provider.Authority}/authorize?", location.OriginalString, StringComparison.Ordinal);

        for (var hop = 0; hop < 5; hop++)
        {
            var target = location.IsAbsoluteUri ? location : new Uri(_server.BaseAddress, location);
            var isFlowStep = target.AbsoluteUri.StartsWith($"{_provider.Authority}/authorize", StringComparison.Ordinal)
                || (target.Authority == _server.BaseAddress.Authority && (target.AbsolutePath is "/signin-oidc" or "/account/external/complete"));
            if (!isFlowStep)
            {
                return target.Authority == _server.BaseAddress.Authority ? target.PathAndQuery : target.AbsoluteUri;
            }

            using var response = await client.GetAsync(target);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{target.AbsolutePath} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            location = response.Headers.Location!;
        }

        Assert.Fail("The sign-in flow did not end within 5 redirects.");
        return "";
    }

    private async Task<(DashboardUser User, IList<string> Roles)> UserAsync(string subject)
    {
        await using var scope = _server.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var user = await users.FindByLoginAsync(ExternalSignIn.OpenIdConnectScheme, subject);
        Assert.NotNull(user);
        return (user, await users.GetRolesAsync(user));
    }

    private void AssertNoSecretInLogs()
    {
        var secrets = _provider.IssuedSecrets.Append(FakeOpenIdProvider.ClientSecret).ToList();
        Assert.True(secrets.Count > 1, "The provider issued nothing: the flow did not reach it.");
        foreach (var line in _server.LogLines)
        {
            foreach (var secret in secrets)
            {
                Assert.False(line.Contains(secret, StringComparison.Ordinal), $"A log line holds a token or the client secret: {line}");
            }
        }
    }
}
