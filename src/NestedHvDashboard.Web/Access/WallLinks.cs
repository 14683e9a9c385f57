using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Components;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.Access;

/// <summary>A wall link as the admin page lists it (never its token).</summary>
public sealed record WallLinkRow(int Id, string Name, string Prefix, string? Tag, string CreatedBy, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt)
{
    /// <summary>True until revoked.</summary>
    public bool Active => RevokedAt is null;

    internal static WallLinkRow From(WallLink link) =>
        new(link.Id, link.Name, link.Prefix, link.Tag, link.CreatedBy, link.CreatedAt, link.LastUsedAt, link.RevokedAt);
}

/// <summary>What a create or revoke did.</summary>
/// <param name="Succeeded">False when refused (role, validation) or nothing matched.</param>
/// <param name="Message">One line for the user.</param>
/// <param name="Link">The link made or revoked.</param>
/// <param name="Path">On create only: the link's path with its token (<c>/wall/link/…</c>), shown once.</param>
public sealed record WallLinkOutcome(bool Succeeded, string Message, WallLinkRow? Link = null, string? Path = null);

/// <summary>
/// Read-only links for wall screens: a random token opens <c>/wall</c> and nothing else, until an administrator revokes it.
/// Only the token's SHA-256 and its first characters are stored; the full link is shown once, at creation.
/// </summary>
public sealed class WallLinks(IDbContextFactory<DashboardDbContext> database, IAuditTrail audit, TimeProvider time)
{
    /// <summary>The path a link's token follows.</summary>
    public const string PathPrefix = "/wall/link/";

    private const int PrefixLength = 8;

    /// <summary>Every link, newest first.</summary>
    public async Task<IReadOnlyList<WallLinkRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var links = await db.WallLinks.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. links.OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id).Select(WallLinkRow.From)];
    }

    /// <summary>Why <paramref name="name"/> cannot name a wall link (it is needed; at most 128 characters), or null.</summary>
    public static string? NameProblem(string? name) => (name?.Trim().Length ?? 0) switch
    {
        0 => "A wall link needs a name (e.g. the screen's place: \"NOC left\").",
        > 128 and var length => $"The wall link's name is {length} characters long; at most 128 fit.",
        _ => null,
    };

    /// <summary>Makes a link named <paramref name="name"/> (unique), showing hosts tagged <paramref name="tag"/> or all; Administrator only.</summary>
    public async Task<WallLinkOutcome> CreateAsync(Actor actor, string? name, string? tag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        name = name?.Trim() ?? "";
        tag = string.IsNullOrWhiteSpace(tag) ? null : tag.Trim();
        var invalid = NameProblem(name)
            ?? (tag?.Length > 128 ? $"The tag is {tag.Length} characters long; at most 128 fit." : null);
        await using var db = await database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        if (invalid is null && actor.CanAdminister)
        {
            var names = await db.WallLinks.Select(l => l.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (names.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                invalid = $"A wall link named '{name}' exists already; pick another name (or revoke that one first and name this one differently).";
            }
        }

        var change = new AuditedChange<WallLinkOutcome>(
            new AuditStart(actor, "Create wall link", null, null, null, new { Name = name, Tag = tag }),
            $"Creating the wall link '{name}'",
            refusal => new WallLinkOutcome(false, refusal),
            outcome => new AuditCompletion(AuditResults.Succeeded, outcome.Message, $"prefix {outcome.Link?.Prefix}"))
        {
            NeededRole = DashboardRoles.Administrator,
            Invalid = invalid,
            RefuseUnrecorded = false,
        };
        return await audit.ChangeAsync(change, async _ =>
        {
            var token = Base64Url(RandomNumberGenerator.GetBytes(32));
            var link = new WallLink
            {
                Name = name,
                Tag = tag,
                Hash = TokenHash.Of(token),
                Prefix = token[..PrefixLength],
                CreatedBy = actor.Name,
                CreatedAt = time.GetUtcNow().UtcDateTime,
            };
            db.WallLinks.Add(link);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            var message = $"Wall link '{name}' created ({(tag is null ? "all hosts" : $"hosts tagged '{tag}'")}); copy it now: it is not shown again.";
            return new WallLinkOutcome(true, message, WallLinkRow.From(link), PathPrefix + token);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Revokes link <paramref name="id"/>: its walls stop at their next request or revalidation; Administrator only.</summary>
    public async Task<WallLinkOutcome> RevokeAsync(Actor actor, int id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = await database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var link = await db.WallLinks.FindAsync([id], cancellationToken).ConfigureAwait(false);
        var change = new AuditedChange<WallLinkOutcome>(
            new AuditStart(actor, "Revoke wall link", null, null, null, new { Id = id, link?.Name, link?.Prefix }),
            $"Revoking the wall link '{link?.Name ?? id.ToString(System.Globalization.CultureInfo.InvariantCulture)}'",

            // Past the role check the only refusal is the link's own (missing or revoked already): it comes with the link.
            refusal => new WallLinkOutcome(false, refusal, link is null || !actor.CanAdminister ? null : WallLinkRow.From(link)),
            outcome => new AuditCompletion(AuditResults.Succeeded, outcome.Message))
        {
            NeededRole = DashboardRoles.Administrator,
            Invalid = link is null ? $"There is no wall link {id}; nothing was revoked." : link.RevokedAt is not null ? $"The wall link '{link.Name}' was revoked already." : null,
            RefuseUnrecorded = false,
        };
        return await audit.ChangeAsync(change, async _ =>
        {
            link!.RevokedAt = time.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return new WallLinkOutcome(true, $"Wall link '{link.Name}' revoked: screens using it stop within a minute.", WallLinkRow.From(link));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The active link a token opens (its last use stamped now), or null for an unknown or revoked token.</summary>
    public async Task<WallLinkRow?> UseAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        var hash = TokenHash.Of(token);
        await using var db = await database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var link = await db.WallLinks.FirstOrDefaultAsync(l => l.Hash == hash, cancellationToken).ConfigureAwait(false);
        if (link is null || link.RevokedAt is not null)
        {
            return null;
        }

        link.LastUsedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return WallLinkRow.From(link);
    }

    /// <summary>True while link <paramref name="id"/> exists and is not revoked.</summary>
    public async Task<bool> IsActiveAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.WallLinks.AnyAsync(l => l.Id == id && l.RevokedAt == null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The principal a wall screen gets: named "wall:&lt;name&gt;", no role, the link's id and tag.</summary>
    public static ClaimsPrincipal PrincipalFor(WallLinkRow link)
    {
        ArgumentNullException.ThrowIfNull(link);
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, $"wall:{link.Name}"),
            new(WallLinkClaims.LinkId, link.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (link.Tag is not null)
        {
            claims.Add(new Claim(WallLinkClaims.Tag, link.Tag));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, DashboardSchemes.WallLink));
    }

    /// <summary>The link id a wall principal carries, or null.</summary>
    public static int? LinkIdOf(ClaimsPrincipal principal) =>
        int.TryParse(principal?.FindFirstValue(WallLinkClaims.LinkId), System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Stops an open wall circuit whose link was revoked, at the circuit's next revalidation.</summary>
public sealed class WallLinkPrincipalValidator(WallLinks links) : IPrincipalValidator
{
    /// <inheritdoc />
    public bool Handles(ClaimsPrincipal principal) => principal?.HasClaim(c => c.Type == WallLinkClaims.LinkId) == true;

    /// <inheritdoc />
    public async Task<bool> IsStillValidAsync(ClaimsPrincipal principal, CancellationToken cancellationToken) =>
        WallLinks.LinkIdOf(principal) is { } id && await links.IsActiveAsync(id, cancellationToken).ConfigureAwait(false);
}

/// <summary>Registers and maps wall links.</summary>
public static partial class WallLinkServiceCollectionExtensions
{
    /// <summary>
    /// The <see cref="DashboardSchemes.WallLink"/> cookie scheme (<c>.NestedHv.Wall</c>, HttpOnly, kept
    /// <c>Auth:WallLinkDays</c> days, default 365, sliding) that drops a revoked link's cookie at its next request,
    /// the circuit's check of the same, and <see cref="WallLinks"/>.
    /// </summary>
    public static IServiceCollection AddWallLinks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddDashboardClock();
        services.AddSingleton<WallLinks>();
        services.AddScoped<IPrincipalValidator, WallLinkPrincipalValidator>();
        services.AddAuthentication().AddCookie(DashboardSchemes.WallLink, o =>
        {
            o.Cookie.Name = WallLinkClaims.CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromDays(configuration.GetValue("Auth:WallLinkDays", 365.0));
            o.SlidingExpiration = true;
            o.LoginPath = "/account/login";
            o.AccessDeniedPath = "/account/denied";
            o.Events.OnValidatePrincipal = RejectRevokedAsync;
            o.Events.OnRedirectToLogin = context => AccessServiceCollectionExtensions.StatusOrRedirect(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => AccessServiceCollectionExtensions.StatusOrRedirect(context, StatusCodes.Status403Forbidden);
        });
        return services;
    }

    /// <summary>Maps <c>GET /wall/link/{token}</c>: a valid token signs the browser in as the wall and opens <c>/wall</c>.</summary>
    public static IEndpointRouteBuilder MapWallLinkEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet(WallLinks.PathPrefix + "{token}", OpenAsync).AllowAnonymous();
        return endpoints;
    }

    private static async Task<IResult> OpenAsync(string token, WallLinks links, HttpContext context, ILoggerFactory loggers)
    {
        var link = await links.UseAsync(token, context.RequestAborted).ConfigureAwait(false);
        var logger = loggers.CreateLogger<WallLinks>();
        if (link is null)
        {
            LogRefused(logger, context.Connection.RemoteIpAddress?.ToString());
            return Results.Text("This wall link is not valid (revoked or mistyped). Ask an administrator for a new one.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        }

        await context.SignInAsync(DashboardSchemes.WallLink, WallLinks.PrincipalFor(link), new AuthenticationProperties { IsPersistent = true }).ConfigureAwait(false);
        LogOpened(logger, link.Name, link.Prefix, context.Connection.RemoteIpAddress?.ToString());
        return Results.LocalRedirect(link.Tag is null ? "/wall" : $"/wall?tag={Uri.EscapeDataString(link.Tag)}");
    }

    private static async Task RejectRevokedAsync(CookieValidatePrincipalContext context)
    {
        var links = context.HttpContext.RequestServices.GetRequiredService<WallLinks>();
        if (WallLinks.LinkIdOf(context.Principal!) is { } id && await links.IsActiveAsync(id, context.HttpContext.RequestAborted).ConfigureAwait(false))
        {
            return;
        }

        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(DashboardSchemes.WallLink).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 7400, Level = LogLevel.Information, Message = "Wall link '{LinkName}' ({Prefix}…) opened from {RemoteAddress}")]
    private static partial void LogOpened(ILogger logger, string linkName, string prefix, string? remoteAddress);

    [LoggerMessage(EventId = 7401, Level = LogLevel.Warning, Message = "A wall link that is unknown or revoked was tried from {RemoteAddress}")]
    private static partial void LogRefused(ILogger logger, string? remoteAddress);
}
