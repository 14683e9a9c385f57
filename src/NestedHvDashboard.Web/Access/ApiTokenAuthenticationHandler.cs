using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Access;

/// <summary>The claim naming the API token a principal signed in with.</summary>
public static class ApiTokenClaims
{
    /// <summary>The token's id.</summary>
    public const string TokenId = "nhv:api-token";
}

/// <summary>
/// <c>Authorization: Bearer nhv_…</c>: the token's hash is looked up on every request (so a revoked token stops at once),
/// the owner must still exist and not be locked out, and the principal carries the owner's roles as they are now.
/// A missing, unknown, revoked or expired token is the same 401 with no detail.
/// </summary>
public sealed partial class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggers,
    UrlEncoder encoder,
    ApiTokens tokens,
    UserManager<DashboardUser> users,
    IAuditTrail audit,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = header["Bearer ".Length..].Trim();
        var owner = await tokens.FindOwnerAsync(token, Context.RequestAborted);
        var user = owner is null ? null : await users.FindByIdAsync(owner.UserId);
        if (owner is null || user is null || (user.LockoutEnd is { } end && end > time.GetUtcNow()))
        {
            LogRefused(Logger, Request.Method, Request.Path, Context.Connection.RemoteIpAddress?.ToString());
            return AuthenticateResult.Fail("The bearer token is not valid.");
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id),
            new(ClaimTypes.Name, user.UserName ?? user.Id),
            new(ApiTokenClaims.TokenId, owner.TokenId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        claims.AddRange((await users.GetRolesAsync(user)).Select(r => new Claim(ClaimTypes.Role, r)));
        _ = tokens.TouchAsync(owner);
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name, ClaimTypes.Name, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;

        // RFC 6750: a request that sent a token learns only that it is invalid; one that sent none, that a token is needed.
        var sent = Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        Response.Headers.WWWAuthenticate = sent ? "Bearer error=\"invalid_token\"" : "Bearer";
        return Task.CompletedTask;
    }

    /// <summary>A token without the role a route needs: 403, logged, and an API change attempt stored in the audit trail as Denied (as the UI's services do).</summary>
    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var actor = Actor.From(Context.User, Channels.Api, Context.Connection.RemoteIpAddress);
        LogForbidden(Logger, actor.Name, actor.Role, Request.Method, Request.Path, actor.RemoteAddress);
        // Only the API's change routes are change attempts; a hub negotiation or a page is not.
        if (!Request.Path.StartsWithSegments("/api") || HttpMethods.IsGet(Request.Method) || HttpMethods.IsHead(Request.Method))
        {
            return;
        }

        var host = Request.RouteValues.TryGetValue("host", out var h) ? h?.ToString() : null;
        var vm = Request.RouteValues.TryGetValue("vm", out var v) ? v?.ToString() : null;
        var action = $"API {Request.Method} {Request.Path}";
        var needed = Request.Path.StartsWithSegments("/api/v1/tokens") ? DashboardRoles.Viewer : DashboardRoles.Operator;
        try
        {
            await audit.RecordAsync(
                new AuditStart(actor, action, host, vm, null),
                new AuditCompletion(AuditResults.Denied, actor.Refusal(action, needed)),
                CancellationToken.None);
        }
        catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
        {
            // The refusal stands whatever the database says; the warning above and this error keep the attempt in the log.
            LogDeniedNotStored(Logger, ex, actor.Name, Request.Method, Request.Path, ex.GetBaseException().Message);
        }
    }

    [LoggerMessage(EventId = 7310, Level = LogLevel.Warning, Message = "A bearer token for {Method} {Path} from {RemoteAddress} was refused: unknown, revoked or expired, or its user is locked out or gone")]
    private static partial void LogRefused(ILogger logger, string method, string path, string? remoteAddress);

    [LoggerMessage(EventId = 7331, Level = LogLevel.Error, Message = "{UserName}'s refused {Method} {Path} could not be stored in the audit trail: {Reason}")]
    private static partial void LogDeniedNotStored(ILogger logger, Exception exception, string userName, string method, string path, string reason);

    [LoggerMessage(EventId = 7311, Level = LogLevel.Warning, Message = "{UserName} ({Role}) was refused {Method} {Path} through the API from {RemoteAddress}: the route needs a higher role")]
    private static partial void LogForbidden(ILogger logger, string userName, string? role, string method, string path, string? remoteAddress);
}
