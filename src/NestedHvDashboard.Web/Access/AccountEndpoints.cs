using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Access;

/// <summary>The sign-in form's fields.</summary>
public sealed class SignInForm
{
    public string? UserName { get; set; }

    public string? Password { get; set; }

    public string? ReturnUrl { get; set; }
}

/// <summary>Sign-in and sign-out: form posts (antiforgery checked), sign-in rate-limited per address.</summary>
public static partial class AccountEndpoints
{
    /// <summary>Maps <c>POST /account/sign-in</c>, <c>POST /account/sign-out</c> and the external sign-in (<see cref="ExternalSignIn"/>).</summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var account = endpoints.MapGroup("/account");
        account.MapPost("/sign-in", SignInAsync).AllowAnonymous().RequireRateLimiting(AccessServiceCollectionExtensions.SignInRateLimit);
        // Antiforgery checked (it binds the form), so another site cannot sign a user out.
        account.MapPost("/sign-out", SignOutAsync).AllowAnonymous();
        account.MapExternalSignIn();
        return endpoints;
    }

    private static async Task<RedirectHttpResult> SignInAsync(
        [FromForm] SignInForm form, SignInManager<DashboardUser> signIn, DecoyPassword decoy, HttpContext context, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(AccountEndpoints));
        var returnUrl = LocalOrRoot(form.ReturnUrl);
        var address = context.Connection.RemoteIpAddress?.ToString();
        var userName = form.UserName?.Trim() ?? "";
        if (userName.Length == 0 || string.IsNullOrEmpty(form.Password))
        {
            return Back("missing", returnUrl, userName);
        }

        var user = await signIn.UserManager.FindByNameAsync(userName);
        if (user?.PasswordHash is null)
        {
            // An unknown user (or one who signs in elsewhere) costs the same hashing as a wrong password: no user names from timing.
            decoy.Verify(signIn.UserManager.PasswordHasher, form.Password);
        }

        var result = user is null ? Microsoft.AspNetCore.Identity.SignInResult.Failed : await signIn.PasswordSignInAsync(user, form.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            LogSignedIn(logger, userName, address);
            return TypedResults.LocalRedirect(returnUrl);
        }

        if (result.IsLockedOut)
        {
            LogLockedOut(logger, userName, address);
            return Back("locked", returnUrl, userName);
        }

        LogFailed(logger, userName, address);
        return Back("invalid", returnUrl, userName);
    }

    private static async Task<RedirectHttpResult> SignOutAsync(
        IFormCollection form, SignInManager<DashboardUser> signIn, HttpContext context, ILoggerFactory loggers)
    {
        // The form is bound only so that its antiforgery token is required; it carries nothing else.
        _ = form;
        var name = context.User.Identity?.Name;

        // A new security stamp ends this sign-in everywhere, a copy of the cookie included, at its next stamp check.
        if (await signIn.UserManager.GetUserAsync(context.User) is { } user)
        {
            await signIn.UserManager.UpdateSecurityStampAsync(user);
        }

        await signIn.SignOutAsync();
        if (name is not null)
        {
            LogSignedOut(loggers.CreateLogger(typeof(AccountEndpoints)), name, context.Connection.RemoteIpAddress?.ToString());
        }

        return TypedResults.LocalRedirect("/account/login");
    }

    private static RedirectHttpResult Back(string error, string returnUrl, string userName) =>
        TypedResults.LocalRedirect($"/account/login?error={error}&user={Uri.EscapeDataString(userName)}&ReturnUrl={Uri.EscapeDataString(returnUrl)}");

    /// <summary>
    /// Only a path on this site: an absolute or protocol-relative address is replaced by the root (no open redirect), and so
    /// is one with a control character (<c>/\t/x</c> is <c>//x</c> to a browser, and the redirect itself would refuse it).
    /// </summary>
    public static string LocalOrRoot(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            && !url.Any(char.IsControl)
            ? url
            : "/";

    [LoggerMessage(EventId = 7300, Level = LogLevel.Information, Message = "{UserName} signed in from {RemoteAddress}")]
    private static partial void LogSignedIn(ILogger logger, string userName, string? remoteAddress);

    [LoggerMessage(EventId = 7301, Level = LogLevel.Warning, Message = "Sign-in as {UserName} from {RemoteAddress} failed: wrong user name or password")]
    private static partial void LogFailed(ILogger logger, string userName, string? remoteAddress);

    [LoggerMessage(EventId = 7302, Level = LogLevel.Warning, Message = "Sign-in as {UserName} from {RemoteAddress} refused: the account is locked out")]
    private static partial void LogLockedOut(ILogger logger, string userName, string? remoteAddress);

    [LoggerMessage(EventId = 7303, Level = LogLevel.Information, Message = "{UserName} signed out from {RemoteAddress}")]
    private static partial void LogSignedOut(ILogger logger, string userName, string? remoteAddress);
}
