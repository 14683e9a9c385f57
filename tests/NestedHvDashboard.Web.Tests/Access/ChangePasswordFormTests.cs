using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Tests.Access;

/// <summary>
/// The server-rendered change-password form says what is wrong under the field it concerns (the rules under the new
/// password, the repetition under its field), and sends nothing to Identity then; the browser marks what it can tell as
/// typed (required, minimum length) from the same rules.
/// </summary>
public sealed class ChangePasswordFormTests
{
    [Fact]
    public async Task A_weak_or_unrepeated_new_password_is_named_under_its_field_and_the_password_stays()
    {
        await using var server = await DashboardServer.StartAsync();
        await server.CreateUserAsync("ivan", DashboardRoles.Viewer);
        using var client = await server.SignedInClientAsync("ivan");
        var page = await client.GetStringAsync(new Uri("account/password", UriKind.Relative));
        Assert.Matches("id=\"new-password\"[^>]*minlength=\"12\"", page);

        using var weak = await PasswordGuessingTests.PostPasswordAsync(client, page, DashboardServer.UserPassword, "short-1A", "short-1A");
        var weakPage = await weak.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, weak.StatusCode);
        Assert.Equal("The password needs at least 12 characters (it has 8).", ProblemOf(weakPage, "new"));
        Assert.Null(ProblemOf(weakPage, "confirm"));
        Assert.DoesNotContain("data-testid=\"password-done\"", weakPage, StringComparison.Ordinal);

        using var differ = await PasswordGuessingTests.PostPasswordAsync(client, weakPage, DashboardServer.UserPassword, "Ivan-Own-Pass-12", "Ivan-Own-Pass-13");
        var differPage = await differ.Content.ReadAsStringAsync();
        Assert.Null(ProblemOf(differPage, "new"));
        Assert.Equal("The new password and its repetition differ; type the same password twice.", ProblemOf(differPage, "confirm"));

        await using var scope = server.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var ivan = await users.FindByNameAsync("ivan");
        Assert.True(await users.CheckPasswordAsync(ivan!, DashboardServer.UserPassword));
        Assert.Equal(0, await users.GetAccessFailedCountAsync(ivan!));
    }

    private static string? ProblemOf(string page, string field)
    {
        var match = Regex.Match(page, $"data-testid=\"password-problem-{field}\">(.*?)</div>", RegexOptions.Singleline);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }
}
