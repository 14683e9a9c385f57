using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Tests.Access;

/// <summary>Sign-out over real HTTP against the real app: it ends the session on the server, and only a form of this site can ask for it.</summary>
public sealed partial class SignOutTests(SignOutTests.StampCheckedServer app) : IClassFixture<SignOutTests.StampCheckedServer>
{
    [Fact]
    public async Task A_copy_of_the_cookie_taken_before_sign_out_opens_nothing_once_the_stamp_is_checked()
    {
        var server = app.Server;
        await server.CreateUserAsync("leaky", DashboardRoles.Viewer);
        var cookies = new CookieContainer();
        using var browser = server.NewClient(cookies);
        using (var signIn = await DashboardServer.PostSignInAsync(browser, "leaky", DashboardServer.UserPassword))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        // Someone copies the cookie (a shared machine, a proxy log) while the user is still signed in: it works then.
        var copied = new CookieContainer();
        copied.Add(cookies.GetCookies(server.BaseAddress));
        using var thief = server.NewClient(copied);
        using (var before = await thief.GetAsync(new Uri("activity", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var signOut = await PostSignOutAsync(browser))
        {
            Assert.Equal("/account/login", signOut.Headers.Location!.OriginalString);
        }

        using var after = await thief.GetAsync(new Uri("activity", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/account/login", after.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task A_sign_out_post_without_the_antiforgery_token_is_refused_and_the_session_stays()
    {
        var server = app.Server;
        await server.CreateUserAsync("kept", DashboardRoles.Viewer);
        using var browser = await server.SignedInClientAsync("kept");

        // What a form on another site could make the browser send.
        using var forged = await browser.PostAsync(new Uri("account/sign-out", UriKind.Relative), new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using var still = await browser.GetAsync(new Uri("activity", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    /// <summary>Posts sign-out as the user menu does: with the antiforgery token of a page rendered for this browser.</summary>
    internal static async Task<HttpResponseMessage> PostSignOutAsync(HttpClient client)
    {
        var page = await client.GetStringAsync(new Uri("account/denied", UriKind.Relative));
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, "The page has no antiforgery token.");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
        });
        var response = await client.PostAsync(new Uri("account/sign-out", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response;
    }

    /// <summary>
    /// The real app whose cookies have their security stamp checked at every request: the stamp is checked when the
    /// validation interval has passed since the cookie was issued, and the validator's clock runs one interval (and a
    /// second) ahead, so every request comes "after the interval" with no waiting.
    /// </summary>
    public sealed class StampCheckedServer : IAsyncLifetime
    {
        public DashboardServer Server { get; private set; } = null!;

        public async Task InitializeAsync() => Server = await DashboardServer.StartAsync(services: s => s.PostConfigure<SecurityStampValidatorOptions>(
            o => o.TimeProvider = new AheadClock(o.ValidationInterval + TimeSpan.FromSeconds(1))));

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private sealed class AheadClock(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + ahead;
    }
}
