using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Tests.Access;

/// <summary>
/// Guessing passwords through the own-password form and learning user names from the sign-in form's work, over real
/// HTTP against the real app.
/// </summary>
public sealed partial class PasswordGuessingTests
{
    [Fact]
    public async Task Wrong_current_passwords_on_the_password_form_lock_the_account_as_sign_in_does_and_a_right_one_resets_the_count()
    {
        await using var server = await DashboardServer.StartAsync(new Dictionary<string, string?>
        {
            ["Auth:Lockout:MaxFailedAttempts"] = "3",
            ["Auth:SignIn:PermitsPerMinute"] = "100",
        });
        await ARightCurrentPasswordResetsTheFailedCountAsync(server);
        await server.CreateUserAsync("guessed", DashboardRoles.Viewer);
        using var client = await server.SignedInClientAsync("guessed");

        var answers = new List<string>();
        var page = await client.GetStringAsync(new Uri("account/password", UriKind.Relative));
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var wrong = await PostPasswordAsync(client, page, "Wrong-Current-" + attempt, "Taken-Over-Pass-1");
            page = await wrong.Content.ReadAsStringAsync();
            answers.Add(ErrorOf(page));
        }

        // The right password no longer helps while the account is locked: the password stays as it was.
        using var right = await PostPasswordAsync(client, page, DashboardServer.UserPassword, "Taken-Over-Pass-1");
        answers.Add(ErrorOf(await right.Content.ReadAsStringAsync()));

        Assert.Contains("Incorrect password", answers[0], StringComparison.Ordinal);
        Assert.Contains("Incorrect password", answers[1], StringComparison.Ordinal);
        Assert.Contains("locked", answers[2], StringComparison.Ordinal);
        Assert.Contains("locked", answers[3], StringComparison.Ordinal);
        await using var scope = server.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var user = await users.FindByNameAsync("guessed");
        Assert.True(await users.IsLockedOutAsync(user!));
        Assert.True(await users.CheckPasswordAsync(user!, DashboardServer.UserPassword));
        using var fresh = server.NewClient();
        using var signIn = await DashboardServer.PostSignInAsync(fresh, "guessed", DashboardServer.UserPassword);
        Assert.Contains("error=locked", signIn.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    // One wrong current password counts, the right one then resets the count (and changes the password).
    private static async Task ARightCurrentPasswordResetsTheFailedCountAsync(DashboardServer server)
    {
        await server.CreateUserAsync("forgetful", DashboardRoles.Viewer);
        using var client = await server.SignedInClientAsync("forgetful");
        var page = await client.GetStringAsync(new Uri("account/password", UriKind.Relative));

        using var wrong = await PostPasswordAsync(client, page, "Wrong-Current-1", "Remembered-Pass-1");
        Assert.Equal(1, await FailedCountAsync(server, "forgetful"));
        using var right = await PostPasswordAsync(client, await wrong.Content.ReadAsStringAsync(), DashboardServer.UserPassword, "Remembered-Pass-1");

        Assert.Contains("Your password was changed.", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await FailedCountAsync(server, "forgetful"));
    }

    [Fact]
    public async Task Password_form_posts_share_the_sign_in_forms_rate_limit_and_get_429()
    {
        await using var server = await DashboardServer.StartAsync(new Dictionary<string, string?> { ["Auth:SignIn:PermitsPerMinute"] = "3" });
        await server.CreateUserAsync("hammer", DashboardRoles.Viewer);
        using var client = await server.SignedInClientAsync("hammer");

        // The sign-in post took one of the three permits; reading the page takes none.
        var page = await client.GetStringAsync(new Uri("account/password", UriKind.Relative));
        var statuses = new List<HttpStatusCode>();
        string body = "";
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var response = await PostPasswordAsync(client, page, "Wrong-Current-" + attempt, "Hammered-Pass-1");
            statuses.Add(response.StatusCode);
            body = await response.Content.ReadAsStringAsync();
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Contains("at most 3 a minute", body, StringComparison.Ordinal);
        using var stillOpens = await client.GetAsync(new Uri("account/password", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, stillOpens.StatusCode);
    }

    [Fact]
    public async Task An_unknown_user_name_costs_the_same_password_hashing_as_a_wrong_password()
    {
        var hasher = new CountingPasswordHasher();
        await using var server = await DashboardServer.StartAsync(services: s => s.AddSingleton<IPasswordHasher<DashboardUser>>(hasher));
        await server.CreateUserAsync("known", DashboardRoles.Viewer);
        using var client = server.NewClient();

        hasher.Verifications = 0;
        using var unknown = await DashboardServer.PostSignInAsync(client, "no-such-user", "Wrong-Password-1");
        var forUnknown = hasher.Verifications;
        hasher.Verifications = 0;
        using var known = await DashboardServer.PostSignInAsync(client, "known", "Wrong-Password-1");
        var forKnown = hasher.Verifications;

        Assert.Contains("error=invalid", unknown.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Contains("error=invalid", known.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(1, forKnown);
        Assert.Equal(forKnown, forUnknown);
    }

    internal static async Task<HttpResponseMessage> PostPasswordAsync(HttpClient client, string page, string current, string next, string? again = null)
    {
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, "The password page has no antiforgery token.");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["_handler"] = "password",
            ["Form.Current"] = current,
            ["Form.New"] = next,
            ["Form.Confirm"] = again ?? next,
        });
        return await client.PostAsync(new Uri("account/password", UriKind.Relative), form);
    }

    private static async Task<int> FailedCountAsync(DashboardServer server, string userName)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        return await users.GetAccessFailedCountAsync((await users.FindByNameAsync(userName))!);
    }

    // The page's error block, or what the page said instead.
    private static string ErrorOf(string page)
    {
        var match = ErrorBlock().Match(page);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : $"no error on the page: {page[..Math.Min(page.Length, 300)]}";
    }

    [GeneratedRegex("data-testid=\"password-error\">(.*?)<form", RegexOptions.Singleline)]
    private static partial Regex ErrorBlock();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    /// <summary>The real hasher, counting the passwords it verifies.</summary>
    private sealed class CountingPasswordHasher : IPasswordHasher<DashboardUser>
    {
        private readonly PasswordHasher<DashboardUser> _inner = new();

        public int Verifications { get; set; }

        public string HashPassword(DashboardUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(DashboardUser user, string hashedPassword, string providedPassword)
        {
            Verifications++;
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
