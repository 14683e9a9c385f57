using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Access;

/// <summary>
/// A password someone else chose (an administrator's "Create user" or "Reset password", or the first administrator's
/// generated one) must be changed at the next sign-in: the user carries a claim until they choose their own, and
/// <see cref="InitialPasswordGate"/> keeps them on <c>/account/password</c> until then. A first administrator whose
/// password came from a file or a setting chose it themselves and is not asked.
/// </summary>
public static class InitialPassword
{
    /// <summary>The user claim (stored with the user, so it is in every sign-in's principal) that asks for a new password.</summary>
    public const string ClaimType = "nhv:must-change-password";

    /// <summary>The page where the user chooses their own password.</summary>
    public const string ChangePath = "/account/password";

    /// <summary>True when the signed-in user must choose a new password before anything else.</summary>
    public static bool MustChange(ClaimsPrincipal? user) => user?.HasClaim(c => c.Type == ClaimType) == true;

    /// <summary>Asks <paramref name="user"/> to choose a new password at their next sign-in.</summary>
    public static async Task<IdentityResult> RequireChangeAsync(UserManager<DashboardUser> users, DashboardUser user)
    {
        ArgumentNullException.ThrowIfNull(users);
        var claims = await users.GetClaimsAsync(user).ConfigureAwait(false);
        return claims.Any(c => c.Type == ClaimType)
            ? IdentityResult.Success
            : await users.AddClaimAsync(user, new Claim(ClaimType, "true")).ConfigureAwait(false);
    }

    /// <summary>The user chose their own password: no longer asked.</summary>
    public static async Task<IdentityResult> ChangedAsync(UserManager<DashboardUser> users, DashboardUser user)
    {
        ArgumentNullException.ThrowIfNull(users);
        var claims = (await users.GetClaimsAsync(user).ConfigureAwait(false)).Where(c => c.Type == ClaimType).ToList();
        return claims.Count == 0 ? IdentityResult.Success : await users.RemoveClaimsAsync(user, claims).ConfigureAwait(false);
    }
}

/// <summary>
/// Keeps a user who must change their initial password on <see cref="InitialPassword.ChangePath"/>: a page request goes
/// there, any other request (the API, the live feed, a circuit) is refused with 403 and says why. Sign-out, the page's
/// own assets and the health check stay open.
/// </summary>
public sealed class InitialPasswordGate(RequestDelegate next)
{
    private static readonly string[] OpenPrefixes = [InitialPassword.ChangePath, "/account/sign-out", "/account/login", "/_framework", "/_content", "/css", "/js", "/favicon", "/healthz"];

    /// <summary>Runs the gate for one request.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!InitialPassword.MustChange(context.User) || OpenPrefixes.Any(p => context.Request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
        {
            return next(context);
        }

        if (HttpMethods.IsGet(context.Request.Method) && !context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            && !context.Request.Path.StartsWithSegments("/hubs", StringComparison.OrdinalIgnoreCase) && !context.Request.Path.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Redirect(InitialPassword.ChangePath);
            return Task.CompletedTask;
        }

        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return context.Response.WriteAsync("Choose your own password first: the one you were given must be changed (/account/password).", context.RequestAborted);
    }
}
