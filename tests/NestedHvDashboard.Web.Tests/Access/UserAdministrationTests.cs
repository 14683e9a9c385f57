using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Tests.Access;

/// <summary><see cref="UserAdministration"/> on the real app's services (Identity on its database, the audit trail).</summary>
public sealed class UserAdministrationTests : IAsyncLifetime
{
    private const string StrongPassword = "Fresh-Strong-Pass-42";
    private DashboardServer _server = null!;

    public async Task InitializeAsync() => _server = await DashboardServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private UserAdministration Users => _server.Services.GetRequiredService<UserAdministration>();

    private static Actor As(string name, string? role) => new(name, role, Channels.Browser, "127.0.0.1");

    private static Actor Admin => As(FirstAdministrator.UserName, DashboardRoles.Administrator);

    private async Task<List<AuditEntry>> AuditAsync()
    {
        var factory = _server.Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }

    private async Task<T> WithUsersAsync<T>(Func<UserManager<DashboardUser>, Task<T>> read)
    {
        await using var scope = _server.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>());
    }

    [Theory]
    [InlineData(DashboardRoles.Viewer)]
    [InlineData(DashboardRoles.Operator)]
    [InlineData(null)]
    public async Task Anyone_but_an_administrator_is_refused_naming_the_role_and_the_refusal_is_audited(string? role)
    {
        var actor = As("someone", role);

        var created = await Users.CreateAsync(actor, "newbie", DashboardRoles.Viewer, StrongPassword);
        var deleted = await Users.DeleteAsync(actor, FirstAdministrator.UserName);

        Assert.False(created.Succeeded);
        Assert.Contains("needs the Administrator role", created.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", deleted.Message, StringComparison.Ordinal);
        Assert.Null(await Users.ListAsync(actor));
        Assert.Null(await WithUsersAsync(u => u.FindByNameAsync("newbie")));
        Assert.NotNull(await WithUsersAsync(u => u.FindByNameAsync(FirstAdministrator.UserName)));
        var audit = await AuditAsync();
        Assert.Equal(
            [("Create user", AuditResults.Denied), ("Delete user", AuditResults.Denied)],
            audit.Where(e => e.Actor == "someone").Select(e => (e.Action, e.Result)));
        Assert.All(audit.Where(e => e.Actor == "someone"), e => Assert.Equal(role, e.Role));
    }

    [Fact]
    public async Task A_new_user_gets_the_password_rules_by_name_then_is_listed_with_role_and_source()
    {
        var weak = await Users.CreateAsync(Admin, "viewer1", DashboardRoles.Viewer, "short");

        Assert.False(weak.Succeeded);
        Assert.Contains(weak.Problems, p => p.Contains("at least 12 characters", StringComparison.Ordinal));
        Assert.Contains(weak.Problems, p => p.Contains("digit", StringComparison.Ordinal));
        Assert.Null(await WithUsersAsync(u => u.FindByNameAsync("viewer1")));

        var created = await Users.CreateAsync(Admin, "viewer1", DashboardRoles.Viewer, StrongPassword);
        Assert.True(created.Succeeded, created.Message);
        var again = await Users.CreateAsync(Admin, "viewer1", DashboardRoles.Operator, StrongPassword);
        Assert.False(again.Succeeded);
        Assert.Contains("exists already", again.Message, StringComparison.Ordinal);

        var rows = await Users.ListAsync(Admin);
        var row = Assert.Single(rows!, r => r.UserName == "viewer1");
        Assert.Equal((DashboardRoles.Viewer, "Local", (DateTimeOffset?)null), (row.Role, row.Source, row.LockedOutUntil));
        using var client = await _server.SignedInClientAsync("viewer1", StrongPassword);
    }

    [Fact]
    public async Task The_last_administrator_is_kept_and_nobody_deletes_or_demotes_themselves()
    {
        // An administrator who is not "admin" (a second one would not be the last).
        var other = As("root", DashboardRoles.Administrator);

        var demoted = await Users.ChangeRoleAsync(other, FirstAdministrator.UserName, DashboardRoles.Viewer);
        var deleted = await Users.DeleteAsync(other, FirstAdministrator.UserName);
        var self = await Users.DeleteAsync(Admin, FirstAdministrator.UserName);
        var selfRole = await Users.ChangeRoleAsync(Admin, FirstAdministrator.UserName, DashboardRoles.Operator);

        Assert.Contains("last Administrator", demoted.Message, StringComparison.Ordinal);
        Assert.Contains("last Administrator", deleted.Message, StringComparison.Ordinal);
        Assert.Contains("cannot delete yourself", self.Message, StringComparison.Ordinal);
        Assert.Contains("cannot change your own role", selfRole.Message, StringComparison.Ordinal);
        Assert.False(demoted.Succeeded || deleted.Succeeded || self.Succeeded || selfRole.Succeeded);
        Assert.Equal(DashboardRoles.Administrator, (await Users.ListAsync(Admin))!.Single().Role);

        // With a second Administrator, the first can go.
        Assert.True((await Users.CreateAsync(Admin, "admin2", DashboardRoles.Administrator, StrongPassword)).Succeeded);
        Assert.True((await Users.DeleteAsync(As("admin2", DashboardRoles.Administrator), FirstAdministrator.UserName)).Succeeded);
        Assert.Equal(["admin2"], (await Users.ListAsync(Admin))!.Select(r => r.UserName));
        var audit = await AuditAsync();
        Assert.Equal(AuditResults.Refused, audit.First(e => e.Action == "Delete user").Result);
        Assert.Equal(AuditResults.Succeeded, audit.Last(e => e.Action == "Delete user").Result);
    }

    [Fact]
    public async Task A_role_change_a_reset_and_a_deletion_renew_the_security_stamp_open_sessions_are_checked_against()
    {
        await _server.CreateUserAsync("op1", DashboardRoles.Operator);
        var stamp = await WithUsersAsync(async u => await u.GetSecurityStampAsync((await u.FindByNameAsync("op1"))!));

        Assert.True((await Users.ChangeRoleAsync(Admin, "op1", DashboardRoles.Viewer)).Succeeded);
        var afterRole = await WithUsersAsync(async u => await u.GetSecurityStampAsync((await u.FindByNameAsync("op1"))!));
        Assert.NotEqual(stamp, afterRole);
        Assert.Equal([DashboardRoles.Viewer], await WithUsersAsync(async u => await u.GetRolesAsync((await u.FindByNameAsync("op1"))!)));

        var reset = await Users.ResetPasswordAsync(Admin, "op1", StrongPassword);
        Assert.True(reset.Succeeded, reset.Message);
        var afterReset = await WithUsersAsync(async u => await u.GetSecurityStampAsync((await u.FindByNameAsync("op1"))!));
        Assert.NotEqual(afterRole, afterReset);
        Assert.True(await WithUsersAsync(async u => await u.CheckPasswordAsync((await u.FindByNameAsync("op1"))!, StrongPassword)));

        Assert.True((await Users.DeleteAsync(Admin, "op1")).Succeeded);
        Assert.Null(await WithUsersAsync(u => u.FindByNameAsync("op1")));
    }

    [Fact]
    public async Task Unlock_ends_a_lockout_and_the_list_shows_it_until_then()
    {
        var user = await _server.CreateUserAsync("locked1", DashboardRoles.Viewer);
        var until = DateTimeOffset.UtcNow.AddMinutes(30);
        await WithUsersAsync(async u => await u.SetLockoutEndDateAsync((await u.FindByNameAsync(user.UserName!))!, until));
        Assert.NotNull((await Users.ListAsync(Admin))!.Single(r => r.UserName == "locked1").LockedOutUntil);

        var unlocked = await Users.UnlockAsync(Admin, "locked1");

        Assert.True(unlocked.Succeeded, unlocked.Message);
        Assert.Null((await Users.ListAsync(Admin))!.Single(r => r.UserName == "locked1").LockedOutUntil);
        using var client = await _server.SignedInClientAsync("locked1");
    }

    [Fact]
    public async Task Every_attempt_is_audited_with_who_and_what_but_never_a_password()
    {
        const string secret = "Never-Logged-Secret-77";
        const string reset = "Never-Logged-Reset-88";
        await Users.CreateAsync(Admin, "short1", DashboardRoles.Operator, "Sh0rt!");
        await Users.CreateAsync(Admin, "audited", DashboardRoles.Operator, secret);
        await Users.ResetPasswordAsync(Admin, "audited", reset);
        await Users.ChangeOwnPasswordAsync(As("audited", DashboardRoles.Operator), "wrong-current", secret);
        await Users.ChangeOwnPasswordAsync(As("audited", DashboardRoles.Operator), reset, secret);

        // The users' entries only (the app's own work may write others).
        var audit = (await AuditAsync()).Where(e => e.Action is "Create user" or "Reset password" or "Change own password").ToList();
        Assert.Equal(
            [("Create user", AuditResults.Refused), ("Create user", AuditResults.Succeeded), ("Reset password", AuditResults.Succeeded),
             ("Change own password", AuditResults.Refused), ("Change own password", AuditResults.Succeeded)],
            audit.Select(e => (e.Action, e.Result)));
        Assert.Contains("\"role\":\"Operator\"", audit[1].Parameters, StringComparison.Ordinal);
        Assert.All(audit, e => Assert.Equal("127.0.0.1", e.RemoteAddress));
        Assert.All(audit, e => Assert.NotNull(e.CompletedAt));
        foreach (var text in audit.SelectMany(e => new[] { e.Parameters, e.Message, e.Before, e.After, e.HostError }).Concat(_server.LogLines))
        {
            Assert.DoesNotContain(secret, text ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain(reset, text ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain("Sh0rt!", text ?? "", StringComparison.Ordinal);
        }

        using var client = _server.NewClient();
        using var signIn = await DashboardServer.PostSignInAsync(client, "audited", secret);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/", signIn.Headers.Location!.OriginalString);
    }
}
