using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.Access;

/// <summary>A user as the users page lists it.</summary>
/// <param name="UserName">The name they sign in with.</param>
/// <param name="Role">Their role (the highest), or null for none.</param>
/// <param name="Source">"Local", "OpenIdConnect" or "Windows".</param>
/// <param name="LockedOutUntil">When a lockout ends, while one lasts.</param>
/// <param name="CreatedAt">When the account was created (UTC).</param>
public sealed record UserRow(string UserName, string? Role, string Source, DateTimeOffset? LockedOutUntil, DateTime CreatedAt);

/// <summary>How a change to a user ended.</summary>
/// <param name="Succeeded">True when it was made.</param>
/// <param name="Message">One line for the person who asked.</param>
/// <param name="Problems">Identity's reasons, each naming the rule (e.g. the password's length), when it refused.</param>
public sealed record UserChange(bool Succeeded, string Message, IReadOnlyList<string> Problems)
{
    public static UserChange Done(string message) => new(true, message, []);

    public static UserChange Refused(string message, IReadOnlyList<string>? problems = null) => new(false, message, problems ?? []);
}

/// <summary>
/// The users page's work: list, create, change role, reset password, unlock, delete, and a user's own password change.
/// Each method checks the actor's role itself (the page hiding a button is not the guard), keeps one Administrator
/// at least, records every attempt in the audit trail (never a password), and renews the security stamp so the
/// user's open sessions follow a role change, a reset or a deletion.
/// </summary>
public sealed class UserAdministration(IServiceScopeFactory scopes, IAuditTrail audit)
{
    private const string NeededRole = DashboardRoles.Administrator;

    /// <summary>Every user, by name; null when <paramref name="actor"/> may not see them (see <see cref="Actor.Refusal"/>).</summary>
    public async Task<IReadOnlyList<UserRow>?> ListAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.CanAdminister)
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var all = await users.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<UserRow>(all.Count);
        var now = DateTimeOffset.UtcNow;
        foreach (var user in all)
        {
            var role = DashboardRoles.Highest(await users.GetRolesAsync(user).ConfigureAwait(false));
            var lockedUntil = user.LockoutEnd is { } end && end > now ? end : (DateTimeOffset?)null;
            rows.Add(new UserRow(user.UserName ?? user.Id, role, user.Source, lockedUntil, user.CreatedAt));
        }

        return rows;
    }

    /// <summary>A local user with <paramref name="role"/> and an initial password (Identity's password rules apply).</summary>
    public Task<UserChange> CreateAsync(Actor actor, string userName, string role, string password, CancellationToken cancellationToken = default) =>
        RunAsync(actor, "Create user", userName, new { UserName = userName, Role = role }, async (users, _) =>
        {
            if (!DashboardRoles.All.Contains(role))
            {
                return UserChange.Refused($"'{role}' is not a role; choose {string.Join(", ", DashboardRoles.All)}.");
            }

            if (await users.FindByNameAsync(userName).ConfigureAwait(false) is not null)
            {
                return UserChange.Refused($"A user named '{userName}' exists already.");
            }

            var user = new DashboardUser { UserName = userName, CreatedAt = DateTime.UtcNow, Source = "Local" };
            var created = await users.CreateAsync(user, password ?? "").ConfigureAwait(false);
            if (!created.Succeeded)
            {
                return Problems($"User '{userName}' was not created", created);
            }

            var added = await users.AddToRoleAsync(user, role).ConfigureAwait(false);
            if (added.Succeeded && await InitialPassword.RequireChangeAsync(users, user).ConfigureAwait(false) is { Succeeded: false } asked)
            {
                return Problems($"User '{userName}' was created as {role} but will not be asked to change the initial password", asked);
            }

            return added.Succeeded
                ? UserChange.Done($"User '{userName}' was created as {role}; they choose their own password when they first sign in.")
                : Problems($"User '{userName}' was created but not made {role}", added);
        }, cancellationToken);

    /// <summary>Gives <paramref name="userName"/> the one role <paramref name="role"/>; their open sessions follow.</summary>
    public Task<UserChange> ChangeRoleAsync(Actor actor, string userName, string role, CancellationToken cancellationToken = default) =>
        RunAsync(actor, "Change role", userName, new { UserName = userName, Role = role }, async (users, user) =>
        {
            if (!DashboardRoles.All.Contains(role))
            {
                return UserChange.Refused($"'{role}' is not a role; choose {string.Join(", ", DashboardRoles.All)}.");
            }

            if (IsSelf(actor, userName))
            {
                return UserChange.Refused("You cannot change your own role; another Administrator can.");
            }

            var current = await users.GetRolesAsync(user!).ConfigureAwait(false);
            if (DashboardRoles.Highest(current) == DashboardRoles.Administrator && role != DashboardRoles.Administrator && await IsLastAdministratorAsync(users).ConfigureAwait(false))
            {
                return UserChange.Refused($"'{userName}' is the last Administrator: make another user an Administrator first.");
            }

            var removed = await users.RemoveFromRolesAsync(user!, current).ConfigureAwait(false);
            if (!removed.Succeeded)
            {
                return Problems($"The role of '{userName}' was not changed", removed);
            }

            var added = await users.AddToRoleAsync(user!, role).ConfigureAwait(false);
            if (!added.Succeeded)
            {
                return Problems($"The role of '{userName}' was not changed", added);
            }

            await users.UpdateSecurityStampAsync(user!).ConfigureAwait(false);
            return UserChange.Done($"'{userName}' is now {role}; their open pages follow within a minute.");
        }, cancellationToken, needsUser: true);

    /// <summary>Sets a new password for <paramref name="userName"/> (Identity's rules apply); their open sessions end.</summary>
    public Task<UserChange> ResetPasswordAsync(Actor actor, string userName, string newPassword, CancellationToken cancellationToken = default) =>
        RunAsync(actor, "Reset password", userName, new { UserName = userName }, async (users, user) =>
        {
            if (IsSelf(actor, userName))
            {
                return UserChange.Refused("Change your own password from your account menu (Change password), with your current one.");
            }

            var token = await users.GeneratePasswordResetTokenAsync(user!).ConfigureAwait(false);
            var reset = await users.ResetPasswordAsync(user!, token, newPassword ?? "").ConfigureAwait(false);
            if (reset.Succeeded && await InitialPassword.RequireChangeAsync(users, user!).ConfigureAwait(false) is { Succeeded: false } asked)
            {
                return Problems($"The password of '{userName}' was reset but they will not be asked to change it", asked);
            }

            return reset.Succeeded
                ? UserChange.Done($"The password of '{userName}' was reset; their open sessions are signed out within a minute, and they choose their own password at the next sign-in.")
                : Problems($"The password of '{userName}' was not reset", reset);
        }, cancellationToken, needsUser: true);

    /// <summary>Ends <paramref name="userName"/>'s lockout and clears their failed sign-ins.</summary>
    public Task<UserChange> UnlockAsync(Actor actor, string userName, CancellationToken cancellationToken = default) =>
        RunAsync(actor, "Unlock user", userName, new { UserName = userName }, async (users, user) =>
        {
            var unlocked = await users.SetLockoutEndDateAsync(user!, null).ConfigureAwait(false);
            if (unlocked.Succeeded)
            {
                unlocked = await users.ResetAccessFailedCountAsync(user!).ConfigureAwait(false);
            }

            return unlocked.Succeeded
                ? UserChange.Done($"'{userName}' is unlocked and can sign in again.")
                : Problems($"'{userName}' was not unlocked", unlocked);
        }, cancellationToken, needsUser: true);

    /// <summary>Deletes <paramref name="userName"/>; never yourself, never the last Administrator.</summary>
    public Task<UserChange> DeleteAsync(Actor actor, string userName, CancellationToken cancellationToken = default) =>
        RunAsync(actor, "Delete user", userName, new { UserName = userName }, async (users, user) =>
        {
            if (IsSelf(actor, userName))
            {
                return UserChange.Refused("You cannot delete yourself; another Administrator can.");
            }

            if (DashboardRoles.Highest(await users.GetRolesAsync(user!).ConfigureAwait(false)) == DashboardRoles.Administrator
                && await IsLastAdministratorAsync(users).ConfigureAwait(false))
            {
                return UserChange.Refused($"'{userName}' is the last Administrator: the dashboard would have nobody to manage it.");
            }

            // A new stamp first: a session still open sees it (or the missing user) at its next check.
            await users.UpdateSecurityStampAsync(user!).ConfigureAwait(false);
            var deleted = await users.DeleteAsync(user!).ConfigureAwait(false);
            return deleted.Succeeded
                ? UserChange.Done($"User '{userName}' was deleted; their open sessions are signed out within a minute.")
                : Problems($"User '{userName}' was not deleted", deleted);
        }, cancellationToken, needsUser: true);

    /// <summary>
    /// The actor's own password, given the current one. With <paramref name="renewSignIn"/> (the request that asked)
    /// the sign-in cookie is issued again with the new security stamp, so this session stays signed in.
    /// </summary>
    public async Task<UserChange> ChangeOwnPasswordAsync(Actor actor, string currentPassword, string newPassword, HttpContext? renewSignIn = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var change = new AuditedChange<UserChange>(
            new AuditStart(actor, "Change own password", null, null, null, new { UserName = actor.Name }), "Changing a password", message => UserChange.Refused(message), Completion)
        {
            NeededRole = DashboardRoles.Viewer,
            RefuseUnrecorded = false,
            Escaped = e => new AuditCompletion(AuditResults.Failed, $"Changing the password of '{actor.Name}' failed: {e.Message}"),
        };
        return await audit.ChangeAsync(change, async _ =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
            var user = await users.FindByNameAsync(actor.Name).ConfigureAwait(false);
            if (user is null)
            {
                return UserChange.Refused($"There is no user named '{actor.Name}'.");
            }

            if (await CurrentPasswordRefusalAsync(users, user, currentPassword ?? "").ConfigureAwait(false) is { } refused)
            {
                return refused;
            }

            var changed = await users.ChangePasswordAsync(user, currentPassword ?? "", newPassword ?? "").ConfigureAwait(false);
            if (changed.Succeeded)
            {
                // Their own password now: the cookie renewed below no longer carries the request to change it.
                var released = await InitialPassword.ChangedAsync(users, user).ConfigureAwait(false);
                if (!released.Succeeded)
                {
                    return Problems("Your password was changed, but the dashboard still asks for a new one", released);
                }
            }

            if (changed.Succeeded && renewSignIn is not null)
            {
                var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<DashboardUser>>();
                signIn.Context = renewSignIn;
                await signIn.RefreshSignInAsync(user).ConfigureAwait(false);
            }

            return changed.Succeeded ? UserChange.Done("Your password was changed.") : Problems("Your password was not changed", changed);
        }, cancellationToken).ConfigureAwait(false);
    }

    // The current password is guessed as a sign-in is: each wrong one counts towards the lockout, a right one resets the count,
    // and a locked account changes nothing (the sign-in form's rate limit covers the page too).
    private static async Task<UserChange?> CurrentPasswordRefusalAsync(UserManager<DashboardUser> users, DashboardUser user, string currentPassword)
    {
        if (await users.IsLockedOutAsync(user).ConfigureAwait(false))
        {
            return Locked(await users.GetLockoutEndDateAsync(user).ConfigureAwait(false));
        }

        if (await users.CheckPasswordAsync(user, currentPassword).ConfigureAwait(false))
        {
            await users.ResetAccessFailedCountAsync(user).ConfigureAwait(false);
            return null;
        }

        await users.AccessFailedAsync(user).ConfigureAwait(false);
        return await users.IsLockedOutAsync(user).ConfigureAwait(false)
            ? Locked(await users.GetLockoutEndDateAsync(user).ConfigureAwait(false))
            : UserChange.Refused("Your password was not changed.", [users.ErrorDescriber.PasswordMismatch().Description]);

        static UserChange Locked(DateTimeOffset? until) => UserChange.Refused(string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"Your password was not changed: the account is locked after repeated wrong passwords until {until?.UtcDateTime:yyyy-MM-dd HH:mm} UTC (sign-in too)."));
    }

    // The shape every administrator action has: refused and recorded unless the actor administers; stored before it runs, completed after.
    private async Task<UserChange> RunAsync(
        Actor actor, string action, string userName, object parameters,
        Func<UserManager<DashboardUser>, DashboardUser?, Task<UserChange>> change, CancellationToken cancellationToken, bool needsUser = false)
    {
        ArgumentNullException.ThrowIfNull(actor);
        userName = userName?.Trim() ?? "";
        var audited = new AuditedChange<UserChange>(
            new AuditStart(actor, action, null, null, null, parameters), $"{action} ('{userName}')", message => UserChange.Refused(message), Completion)
        {
            NeededRole = NeededRole,
            Invalid = userName.Length == 0 ? "Type a user name." : null,
            RefuseUnrecorded = false,
            Escaped = e => new AuditCompletion(AuditResults.Failed, $"{action} '{userName}' failed: {e.Message}"),
        };
        return await audit.ChangeAsync(audited, async _ =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
            var user = needsUser ? await users.FindByNameAsync(userName).ConfigureAwait(false) : null;
            return needsUser && user is null
                ? UserChange.Refused($"There is no user named '{userName}'.")
                : await change(users, user).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static AuditCompletion Completion(UserChange result) =>
        new(result.Succeeded ? AuditResults.Succeeded : AuditResults.Refused,
            result.Problems.Count == 0 ? result.Message : $"{result.Message}: {string.Join(" ", result.Problems)}");

    private static UserChange Problems(string what, IdentityResult result) =>
        UserChange.Refused($"{what}.", [.. result.Errors.Select(e => e.Description)]);

    private static bool IsSelf(Actor actor, string userName) => string.Equals(actor.Name, userName, StringComparison.OrdinalIgnoreCase);

    private static async Task<bool> IsLastAdministratorAsync(UserManager<DashboardUser> users) =>
        (await users.GetUsersInRoleAsync(DashboardRoles.Administrator).ConfigureAwait(false)).Count <= 1;
}
