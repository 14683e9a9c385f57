using System.Net;
using System.Text.RegularExpressions;
using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Tests.Access;

/// <summary>Lockout, the sign-in rate limit, redirects, antiforgery and the role pages over real HTTP against the real app.</summary>
public sealed partial class AccessOverHttpTests
{
    [Fact]
    public async Task After_the_allowed_failures_even_the_right_password_is_refused_with_the_locked_message()
    {
        await using var server = await DashboardServer.StartAsync(new Dictionary<string, string?> { ["Auth:Lockout:MaxFailedAttempts"] = "3" });
        await server.CreateUserAsync("victim", DashboardRoles.Viewer);
        using var client = server.NewClient();

        var errors = new List<string>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var wrong = await DashboardServer.PostSignInAsync(client, "victim", "Wrong-Password-" + attempt);
            errors.Add(ErrorOf(wrong));
        }

        using var right = await DashboardServer.PostSignInAsync(client, "victim", DashboardServer.UserPassword);

        Assert.Equal(["invalid", "invalid", "locked"], errors);
        Assert.Equal("locked", ErrorOf(right));
        var page = await client.GetStringAsync(right.Headers.Location);
        Assert.Contains("This account is locked after repeated failed sign-ins", page, StringComparison.Ordinal);
        using var vms = await client.GetAsync(new Uri("vms", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, vms.StatusCode);
        Assert.Equal("/account/login", vms.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task Sign_in_posts_past_the_limit_get_429_naming_the_limit()
    {
        await using var server = await DashboardServer.StartAsync(new Dictionary<string, string?> { ["Auth:SignIn:PermitsPerMinute"] = "3" });
        using var client = server.NewClient();

        var statuses = new List<HttpStatusCode>();
        string? body = null;
        for (var attempt = 0; attempt < 4; attempt++)
        {
            using var response = await DashboardServer.PostSignInAsync(client, "nobody", "Wrong-Password-1");
            statuses.Add(response.StatusCode);
            body = await response.Content.ReadAsStringAsync();
        }

        Assert.Equal([HttpStatusCode.Redirect, HttpStatusCode.Redirect, HttpStatusCode.Redirect, HttpStatusCode.TooManyRequests], statuses);
        Assert.Contains("at most 3 a minute", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://example.org/")]
    [InlineData("//example.org/")]
    [InlineData("/\\example.org")]
    [InlineData("/\t/example.org")]
    public async Task A_return_address_off_the_site_is_replaced_by_the_root(string returnUrl)
    {
        await using var server = await DashboardServer.StartAsync();
        using var client = server.NewClient();

        using var signIn = await DashboardServer.PostSignInAsync(client, FirstAdministrator.UserName, DashboardServer.AdminPassword, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/", signIn.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/\t/example.org")]
    [InlineData("/\r\n/example.org")]
    [InlineData("/\v/example.org")]
    [InlineData("/vms\u0000")]
    [InlineData("/vms\u007f")]
    [InlineData("/vms\u0085")]
    public void A_return_address_with_a_control_character_is_replaced_by_the_root(string returnUrl) =>
        Assert.Equal("/", AccountEndpoints.LocalOrRoot(returnUrl));

    [Theory]
    [InlineData("/vms?tag=lab")]
    [InlineData("/hosts/HV-01/vms")]
    [InlineData("/")]
    public void A_return_address_on_the_site_is_kept(string returnUrl) =>
        Assert.Equal(returnUrl, AccountEndpoints.LocalOrRoot(returnUrl));

    [Fact]
    public async Task A_sign_in_post_without_the_antiforgery_token_is_refused_with_400()
    {
        await using var server = await DashboardServer.StartAsync();
        using var client = server.NewClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = FirstAdministrator.UserName,
            ["Password"] = DashboardServer.AdminPassword,
        });

        using var response = await client.PostAsync(new Uri("account/sign-in", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith(".NestedHv.Auth", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_signed_out_browser_gets_the_sign_in_pages_stylesheet_but_no_endpoint()
    {
        await using var server = await DashboardServer.StartAsync();
        using var client = server.NewClient();

        using var css = await client.GetAsync(new Uri("css/app.css", UriKind.Relative));
        using var simulator = await client.GetAsync(new Uri("simulator/hosts/HV-WS2019-01/vms", UriKind.Relative));
        using var page = await client.GetAsync(new Uri("connections", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Contains(".nhv-account", await css.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, simulator.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
    }

    [Fact]
    public async Task The_users_page_opens_for_an_administrator_only()
    {
        await using var server = await DashboardServer.StartAsync();
        await server.CreateUserAsync("op", DashboardRoles.Operator);
        using var anonymous = server.NewClient();
        using var op = await server.SignedInClientAsync("op");
        using var admin = await server.SignedInClientAsync(FirstAdministrator.UserName, DashboardServer.AdminPassword);

        using var toSignIn = await anonymous.GetAsync(new Uri("admin/users", UriKind.Relative));
        using var denied = await op.GetAsync(new Uri("admin/users", UriKind.Relative));
        using var opened = await admin.GetAsync(new Uri("admin/users", UriKind.Relative));

        Assert.Equal("/account/login?ReturnUrl=%2Fadmin%2Fusers", toSignIn.Headers.Location!.PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.StartsWith("/account/denied", denied.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
    }

    [Fact]
    public async Task A_user_changes_their_own_password_on_the_account_page_and_stays_signed_in()
    {
        await using var server = await DashboardServer.StartAsync();
        await server.CreateUserAsync("viewer", DashboardRoles.Viewer);
        using var client = await server.SignedInClientAsync("viewer");
        const string next = "Changed-Own-Pass-9";

        var page = await client.GetStringAsync(new Uri("account/password", UriKind.Relative));
        Assert.Contains("Signed in as viewer", page, StringComparison.Ordinal);
        using var wrong = await PasswordGuessingTests.PostPasswordAsync(client, page, "Not-The-Current-1", next);
        var refused = await wrong.Content.ReadAsStringAsync();
        Assert.Contains("Your password was not changed", refused, StringComparison.Ordinal);
        Assert.Contains("Incorrect password", refused, StringComparison.Ordinal);

        using var right = await PasswordGuessingTests.PostPasswordAsync(client, refused, DashboardServer.UserPassword, next);
        Assert.Contains("Your password was changed.", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The cookie was issued again with the new security stamp.
        Assert.Contains(right.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith(".NestedHv.Auth=", StringComparison.Ordinal)));

        using var vms = await client.GetAsync(new Uri("vms", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, vms.StatusCode);
        using var fresh = server.NewClient();
        using var old = await DashboardServer.PostSignInAsync(fresh, "viewer", DashboardServer.UserPassword);
        Assert.Contains("error=invalid", old.Headers.Location!.OriginalString, StringComparison.Ordinal);
        using var again = await server.SignedInClientAsync("viewer", next);
    }

    private static string ErrorOf(HttpResponseMessage response)
    {
        var match = ErrorInQuery().Match(response.Headers.Location?.OriginalString ?? "");
        return match.Success ? match.Groups[1].Value : $"no error ({response.StatusCode} to {response.Headers.Location})";
    }

    [GeneratedRegex("[?&]error=([a-z]+)")]
    private static partial Regex ErrorInQuery();
}
