using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Tests.Access;

namespace NestedHvDashboard.Web.Tests.Pages;

/// <summary>The users page in bUnit, signed in as admin, with the real app's <see cref="UserAdministration"/> (its database and audit trail).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class UsersPageTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private DashboardServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await DashboardServer.StartAsync();
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton(_server.Services.GetRequiredService<UserAdministration>());
        _context.Services.AddSingleton(_server.Services.GetRequiredService<IOptions<IdentityOptions>>());
        _context.Services.AddSingleton<CircuitClient>();
        _context.Services.AddHttpContextAccessor();
        _context.Services.AddScoped<CurrentActor>();
        _context.SignInAs(DashboardRoles.Administrator, FirstAdministrator.UserName);
        _context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        _context.Render<MudBlazor.MudPopoverProvider>();
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _server.DisposeAsync();
    }

    private IRenderedComponent<Users> Open()
    {
        var page = _context.Render<Users>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=user-name]")));
        return page;
    }

    private static List<string> Names(IRenderedComponent<Users> page) =>
        [.. page.FindAll("[data-testid=user-name]").Select(e => e.TextContent.Trim())];

    // Find and act in one dispatch: a re-render between a Find and its event would leave a stale element.
    private static Task Type(IRenderedComponent<Users> page, string testId, string value) =>
        page.InvokeAsync(() => page.Find($"[data-testid={testId}] input, input[data-testid={testId}]").Input(value));

    private static Task Click(IRenderedComponent<Users> page, string selector) =>
        page.InvokeAsync(() => page.Find(selector).Click());

    // The problem MudBlazor writes under the field whose input carries the test id; null when the field shows none.
    private static string? ProblemUnder(IRenderedComponent<Users> page, string testId)
    {
        var input = page.Find($"input[data-testid={testId}], [data-testid={testId}] input");
        return input.Closest(".mud-input-control")?.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim();
    }

    [Fact]
    public async Task A_weak_initial_password_shows_the_rules_it_breaks_as_typed_and_a_good_one_adds_the_user()
    {
        var page = Open();
        Assert.Equal([FirstAdministrator.UserName], Names(page));
        Assert.Null(ProblemUnder(page, "new-user-name"));
        Assert.Null(ProblemUnder(page, "new-user-password"));

        await Type(page, "new-user-name", "carol");
        await Type(page, "new-user-password", "weak");

        page.WaitForAssertion(() => Assert.Equal(
            "The password needs at least 12 characters (it has 4), an upper-case letter, a digit and a symbol.", ProblemUnder(page, "new-user-password")));
        Assert.Null(ProblemUnder(page, "new-user-name"));

        // Create with a problem: nothing is sent, the problem stays under its field.
        await Click(page, "[data-testid=create-user]");
        Assert.Empty(page.FindAll("[data-testid=user-result]"));
        Assert.Equal([FirstAdministrator.UserName], Names(page));

        await Type(page, "new-user-password", "Carol-Strong-Pass-1");
        page.WaitForAssertion(() => Assert.Null(ProblemUnder(page, "new-user-password")));
        await Click(page, "[data-testid=create-user]");

        page.WaitForAssertion(() =>
        {
            Assert.Equal("true", page.Find("[data-testid=user-result]").GetAttribute("data-succeeded"));
            Assert.Equal([FirstAdministrator.UserName, "carol"], Names(page));
        });
        Assert.Contains("created as Viewer", page.Find("[data-testid=user-result]").TextContent, StringComparison.Ordinal);
        // The emptied form is a fresh one: no "needed" messages under the fields it just cleared.
        Assert.Null(ProblemUnder(page, "new-user-name"));
        Assert.Null(ProblemUnder(page, "new-user-password"));
    }

    [Fact]
    public async Task Create_on_an_empty_form_names_each_missing_field_and_a_taken_name_is_refused_as_typed()
    {
        var page = Open();

        await Click(page, "[data-testid=create-user]");

        page.WaitForAssertion(() =>
        {
            Assert.Equal("A user needs a name.", ProblemUnder(page, "new-user-name"));
            Assert.Equal("A password is needed.", ProblemUnder(page, "new-user-password"));
        });
        Assert.Empty(page.FindAll("[data-testid=user-result]"));
        Assert.False(page.Find("[data-testid=create-user]").HasAttribute("disabled"));

        await Type(page, "new-user-name", FirstAdministrator.UserName.ToUpperInvariant());
        page.WaitForAssertion(() => Assert.Equal($"There is already a user named '{FirstAdministrator.UserName.ToUpperInvariant()}'.", ProblemUnder(page, "new-user-name")));
        await Type(page, "new-user-name", "grace hopper");
        page.WaitForAssertion(() => Assert.StartsWith("A user name may hold letters, digits and", ProblemUnder(page, "new-user-name"), StringComparison.Ordinal));
        await Type(page, "new-user-name", "grace");
        page.WaitForAssertion(() => Assert.Null(ProblemUnder(page, "new-user-name")));
        Assert.Equal("A password is needed.", ProblemUnder(page, "new-user-password"));
    }

    [Fact]
    public async Task A_reset_with_a_weak_password_is_not_sent_and_says_why_under_the_field()
    {
        await _server.CreateUserAsync("heidi", DashboardRoles.Viewer);
        var page = Open();
        page.WaitForAssertion(() => Assert.Contains("heidi", Names(page)));

        await Click(page, "[data-testid=reset-user][data-user=heidi]");
        await Click(page, "[data-testid=reset-confirm]");
        page.WaitForAssertion(() => Assert.Equal("A password is needed.", ProblemUnder(page, "reset-password")));
        await Type(page, "reset-password", "short-1A");
        page.WaitForAssertion(() => Assert.Equal("The password needs at least 12 characters (it has 8).", ProblemUnder(page, "reset-password")));
        Assert.Empty(page.FindAll("[data-testid=user-result]"));
        Assert.NotEmpty(page.FindAll("[data-testid=reset-panel]"));
    }

    [Fact]
    public async Task Deleting_yourself_is_refused_with_the_reason_and_another_user_can_be_deleted()
    {
        await _server.CreateUserAsync("dave", DashboardRoles.Operator);
        var page = Open();
        page.WaitForAssertion(() => Assert.Equal([FirstAdministrator.UserName, "dave"], Names(page)));

        await Click(page, $"[data-testid=delete-user][data-user={FirstAdministrator.UserName}]");
        await Click(page, "[data-testid=delete-confirm]");
        page.WaitForAssertion(() => Assert.Contains("You cannot delete yourself", page.Find("[data-testid=user-result]").TextContent, StringComparison.Ordinal));
        Assert.Equal([FirstAdministrator.UserName, "dave"], Names(page));

        await Click(page, "[data-testid=delete-user][data-user=dave]");
        page.WaitForAssertion(() => Assert.Contains("Delete user dave?", page.Find("[data-testid=delete-panel]").TextContent, StringComparison.Ordinal));
        await Click(page, "[data-testid=delete-confirm]");
        page.WaitForAssertion(() => Assert.Equal([FirstAdministrator.UserName], Names(page)));
    }

    [Fact]
    public async Task A_locked_out_user_shows_until_when_and_unlock_clears_it()
    {
        var user = await _server.CreateUserAsync("erin", DashboardRoles.Viewer);
        await using (var scope = _server.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
            var found = await users.FindByNameAsync(user.UserName!);
            await users.SetLockoutEndDateAsync(found!, DateTimeOffset.UtcNow.AddMinutes(15));
        }

        var page = Open();
        page.WaitForAssertion(() => Assert.NotEqual("—", page.Find("[data-testid=user-locked][data-user=erin]").TextContent.Trim()));
        Assert.Equal("—", page.Find($"[data-testid=user-locked][data-user={FirstAdministrator.UserName}]").TextContent.Trim());

        await Click(page, "[data-testid=unlock-user][data-user=erin]");

        page.WaitForAssertion(() => Assert.Equal("—", page.Find("[data-testid=user-locked][data-user=erin]").TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=unlock-user]"));
        Assert.Contains("erin' is unlocked", page.Find("[data-testid=user-result]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_password_sets_a_new_one_the_user_signs_in_with()
    {
        await _server.CreateUserAsync("frank", DashboardRoles.Viewer);
        var page = Open();
        page.WaitForAssertion(() => Assert.Contains("frank", Names(page)));

        await Click(page, "[data-testid=reset-user][data-user=frank]");
        await Type(page, "reset-password", "Frank-Reset-Pass-22");
        await Click(page, "[data-testid=reset-confirm]");

        page.WaitForAssertion(() => Assert.Equal("true", page.Find("[data-testid=user-result]").GetAttribute("data-succeeded")));
        Assert.Empty(page.FindAll("[data-testid=reset-panel]"));
        using var client = await _server.SignedInClientAsync("frank", "Frank-Reset-Pass-22");
    }
}
