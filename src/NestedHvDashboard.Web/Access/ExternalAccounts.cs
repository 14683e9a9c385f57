using Microsoft.AspNetCore.Identity;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Access;

/// <summary>Who an identity provider says signed in.</summary>
/// <param name="Provider">The provider (scheme) name.</param>
/// <param name="Subject">The provider's stable id for the user (the id_token's <c>sub</c>, the Windows SID).</param>
/// <param name="SuggestedName">The name to give a new dashboard user (made valid and unique).</param>
/// <param name="Source">The <see cref="DashboardUser.Source"/> of a new user.</param>
/// <param name="RoleValues">The claim values or groups the role mapping looks at.</param>
public sealed record ExternalIdentity(string Provider, string Subject, string SuggestedName, string Source, IReadOnlyCollection<string> RoleValues);

/// <summary>How an external sign-in ended.</summary>
public enum ExternalSignInOutcome
{
    /// <summary>Signed in with the sign-in cookie.</summary>
    SignedIn,

    /// <summary>The dashboard user is locked out (by an administrator).</summary>
    LockedOut,

    /// <summary>The user could not be created or updated.</summary>
    Failed,
}

/// <summary>
/// Turns an external identity into a signed-in dashboard user: finds it by its external login or creates it, sets its
/// role from the mapping (every time, so a group removed at the provider lowers the role), and signs it in.
/// </summary>
public sealed partial class ExternalAccounts(
    UserManager<DashboardUser> users,
    SignInManager<DashboardUser> signIn,
    TimeProvider time,
    ILogger<ExternalAccounts> logger)
{
    /// <summary>Signs <paramref name="identity"/> in with the role <paramref name="mapping"/> gives it.</summary>
    public async Task<ExternalSignInOutcome> SignInAsync(ExternalIdentity identity, ExternalRoleMapping mapping, string? remoteAddress)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(mapping);
        var user = await users.FindByLoginAsync(identity.Provider, identity.Subject).ConfigureAwait(false);
        if (user is null)
        {
            user = new DashboardUser
            {
                UserName = await UniqueNameAsync(identity.SuggestedName).ConfigureAwait(false),
                CreatedAt = time.GetUtcNow().UtcDateTime,
                Source = identity.Source,
            };
            var created = await users.CreateAsync(user).ConfigureAwait(false);
            var linked = created.Succeeded ? await users.AddLoginAsync(user, new UserLoginInfo(identity.Provider, identity.Subject, identity.Provider)).ConfigureAwait(false) : created;
            if (!linked.Succeeded)
            {
                LogNotCreated(logger, identity.SuggestedName, identity.Provider, Describe(linked));
                return ExternalSignInOutcome.Failed;
            }

            LogCreated(logger, user.UserName, identity.Provider);
        }

        var userName = user.UserName ?? identity.SuggestedName;
        if (await users.IsLockedOutAsync(user).ConfigureAwait(false))
        {
            LogLockedOut(logger, userName, identity.Provider, remoteAddress);
            return ExternalSignInOutcome.LockedOut;
        }

        var role = mapping.RoleFor(identity.RoleValues);
        var current = await users.GetRolesAsync(user).ConfigureAwait(false);
        var stale = current.Where(r => r != role).ToList();
        var changed = false;
        if (stale.Count > 0)
        {
            var removed = await users.RemoveFromRolesAsync(user, stale).ConfigureAwait(false);
            if (!removed.Succeeded)
            {
                LogNotCreated(logger, userName, identity.Provider, Describe(removed));
                return ExternalSignInOutcome.Failed;
            }

            changed = true;
        }

        if (role is not null && !current.Contains(role))
        {
            var added = await users.AddToRoleAsync(user, role).ConfigureAwait(false);
            if (!added.Succeeded)
            {
                LogNotCreated(logger, userName, identity.Provider, Describe(added));
                return ExternalSignInOutcome.Failed;
            }

            changed = true;
        }

        if (changed)
        {
            // Other open sessions of this user pick up the new role at their next check (within a minute).
            await users.UpdateSecurityStampAsync(user).ConfigureAwait(false);
            LogRoleChanged(logger, userName, string.Join(",", current), role ?? "none", identity.Provider);
        }

        await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: identity.Provider).ConfigureAwait(false);
        LogSignedIn(logger, userName, identity.Provider, remoteAddress, role ?? "no role");
        return ExternalSignInOutcome.SignedIn;
    }

    /// <summary>The provider's name made a valid user name (other characters become '_'), with -2, -3… when taken.</summary>
    private async Task<string> UniqueNameAsync(string suggested)
    {
        var allowed = users.Options.User.AllowedUserNameCharacters;
        var cleaned = new string([.. suggested.Trim().Select(c => string.IsNullOrEmpty(allowed) || allowed.Contains(c, StringComparison.Ordinal) ? c : '_')]);
        var name = cleaned.Length == 0 ? "user" : cleaned[..Math.Min(cleaned.Length, 200)];
        for (var i = 1; ; i++)
        {
            var candidate = i == 1 ? name : $"{name}-{i}";
            if (await users.FindByNameAsync(candidate).ConfigureAwait(false) is null)
            {
                return candidate;
            }
        }
    }

    private static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));

    [LoggerMessage(EventId = 7311, Level = LogLevel.Information, Message = "{UserName} signed in with {Provider} from {RemoteAddress} as {Role}")]
    private static partial void LogSignedIn(ILogger logger, string userName, string provider, string? remoteAddress, string role);

    [LoggerMessage(EventId = 7312, Level = LogLevel.Warning, Message = "Created the user {UserName} at the first sign-in with {Provider}")]
    private static partial void LogCreated(ILogger logger, string userName, string provider);

    [LoggerMessage(EventId = 7313, Level = LogLevel.Warning, Message = "The role of {UserName} changed from {OldRoles} to {NewRole} by the groups or claims {Provider} gave")]
    private static partial void LogRoleChanged(ILogger logger, string userName, string oldRoles, string newRole, string provider);

    [LoggerMessage(EventId = 7314, Level = LogLevel.Warning, Message = "Sign-in of {UserName} with {Provider} from {RemoteAddress} refused: the account is locked out")]
    private static partial void LogLockedOut(ILogger logger, string userName, string provider, string? remoteAddress);

    [LoggerMessage(EventId = 7315, Level = LogLevel.Error, Message = "Could not create or update the user {UserName} signing in with {Provider}: {Errors}")]
    private static partial void LogNotCreated(ILogger logger, string userName, string provider, string errors);
}
