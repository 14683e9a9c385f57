using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.Access;

/// <summary>A personal access token as its owner (or an administrator) sees it: never the token itself.</summary>
/// <param name="Id">The token's id (for revoking it).</param>
/// <param name="Name">What the owner called it.</param>
/// <param name="Prefix">The token's first characters, to recognise it.</param>
/// <param name="Owner">The owner's user name.</param>
/// <param name="CreatedAt">When it was created (UTC).</param>
/// <param name="ExpiresAt">When it stops working (UTC), or null for never.</param>
/// <param name="LastUsedAt">When it last opened the API (UTC, to the minute), or null.</param>
/// <param name="RevokedAt">When it was revoked (UTC), or null.</param>
public sealed record ApiTokenInfo(int Id, string Name, string Prefix, string Owner, DateTime CreatedAt, DateTime? ExpiresAt, DateTime? LastUsedAt, DateTime? RevokedAt)
{
    /// <summary>"active", "expired" or "revoked" at <paramref name="now"/>.</summary>
    public string StatusAt(DateTime now) => RevokedAt is not null ? "revoked" : ExpiresAt is { } expires && expires <= now ? "expired" : "active";
}

/// <summary>A token just created: <see cref="Token"/> is shown once and never stored.</summary>
public sealed record CreatedApiToken(ApiTokenInfo Info, string Token);

/// <summary>The user a bearer token stands for, when it is valid now.</summary>
public sealed record ApiTokenOwner(int TokenId, string UserId, DateTime? LastUsedAt);

/// <summary>
/// Personal access tokens for scripts: <c>nhv_</c> + 32 random bytes (base64url), stored only as a SHA-256 hash and an
/// 8-character prefix. Anyone signed in creates and revokes their own; administrators see and revoke everyone's.
/// Creating and revoking are audited (never the token).
/// </summary>
public sealed partial class ApiTokens(IDbContextFactory<DashboardDbContext> database, IAuditTrail audit, TimeProvider time, ILogger<ApiTokens>? logger = null)
{
    /// <summary>How often a token's <c>LastUsedAt</c> is written at most.</summary>
    public static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    // When each token's LastUsedAt was last tried (written or not): a database that refuses writes is not asked on every request.
    private readonly ConcurrentDictionary<int, DateTime> _touched = new();

    /// <summary>What every token starts with (so a leaked one is recognisable by secret scanners).</summary>
    public const string TokenPrefix = "nhv_";

    /// <summary>The longest expiry a token may have, in days.</summary>
    public const int MaxExpiryDays = 3650;

    /// <summary>The longest name a token takes.</summary>
    public const int MaxNameLength = 100;

    /// <summary>Why <paramref name="name"/> cannot name a token (it is needed, to recognise the token later), or null.</summary>
    public static string? NameProblem(string? name) => (name?.Trim().Length ?? 0) switch
    {
        0 => "A token needs a name, to recognise it later (e.g. the script that uses it).",
        > MaxNameLength and var length => $"The name is {length} characters long; at most {MaxNameLength} fit.",
        _ => null,
    };

    /// <summary>Why a token cannot expire after <paramref name="days"/> days (null: never), or null when it can.</summary>
    public static string? ExpiryProblem(int? days) =>
        days is < 1 or > MaxExpiryDays ? $"A token's expiry must be 1 to {MaxExpiryDays} days, or none (Never expires); {days} is outside that." : null;

    /// <summary>Creates a token for the actor; <c>Created</c> is null and <c>Error</c> says why when it may not.</summary>
    public async Task<(CreatedApiToken? Created, string? Error)> CreateAsync(Actor actor, string? name, int? expiresInDays, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var trimmed = name?.Trim() ?? "";
        if ((NameProblem(name) ?? ExpiryProblem(expiresInDays)) is { } invalid)
        {
            return (null, invalid);
        }

        await using var db = await database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var user = await FindUserAsync(db, actor.Name, cancellationToken).ConfigureAwait(false);
        var change = new AuditedChange<(CreatedApiToken? Created, string? Error)>(
            new AuditStart(actor, "Create API token", null, null, null, new { name = trimmed, expiresInDays }),
            "Creating an API token",
            refusal => (null, refusal),
            created => new AuditCompletion(
                AuditResults.Succeeded, $"{actor.Name} created API token '{trimmed}' ({created.Created?.Info.Prefix}…).", $"id {created.Created?.Info.Id}, prefix {created.Created?.Info.Prefix}"))
        {
            Denial = user is null || !actor.CanView ? $"Creating an API token needs a signed-in user with a role; {actor.Name} is not one. Nothing was created." : null,
            RefuseUnrecorded = false,
        };
        return await audit.ChangeAsync<(CreatedApiToken?, string?)>(change, async _ =>
        {
            var token = TokenPrefix + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
            var now = time.GetUtcNow().UtcDateTime;
            var stored = new ApiToken
            {
                UserId = user!.Id,
                Name = trimmed,
                Hash = TokenHash.Of(token),
                Prefix = token[..8],
                CreatedAt = now,
                ExpiresAt = expiresInDays is { } days ? now.AddDays(days) : null,
            };
            db.ApiTokens.Add(stored);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return (new CreatedApiToken(InfoOf(stored, user.UserName ?? actor.Name), token), null);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The actor's tokens, newest first; an administrator's list holds everyone's.</summary>
    public async Task<IReadOnlyList<ApiTokenInfo>> ListAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = await database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var user = await FindUserAsync(db, actor.Name, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return [];
        }

        var query = db.ApiTokens.AsNoTracking().Include(t => t.User).AsQueryable();
        if (!actor.CanAdminister)
        {
            query = query.Where(t => t.UserId == user.Id);
        }

        var tokens = await query.ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. tokens.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id).Select(t => InfoOf(t, t.User?.UserName ?? "?"))];
    }

    /// <summary>Revokes token <paramref name="id"/>: the actor's own, or anyone's for an administrator. <c>Error</c> says why not.</summary>
    public async Task<(bool Revoked, string? Error)> RevokeAsync(Actor actor, int id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = await database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var user = await FindUserAsync(db, actor.Name, cancellationToken).ConfigureAwait(false);
        var token = await db.ApiTokens.Include(t => t.User).FirstOrDefaultAsync(t => t.Id == id, cancellationToken).ConfigureAwait(false);

        // Someone else's token reads as missing to a non-administrator: its existence is not theirs to learn.
        if (token is null || user is null || (token.UserId != user.Id && !actor.CanAdminister))
        {
            return (false, $"There is no API token {id} of yours to revoke.");
        }

        if (token.RevokedAt is not null)
        {
            return (false, $"API token '{token.Name}' ({token.Prefix}…) was already revoked.");
        }

        var change = new AuditedChange<(bool Revoked, string? Error)>(
            new AuditStart(actor, "Revoke API token", null, null, null, new { id, name = token.Name, prefix = token.Prefix, owner = token.User?.UserName }),
            $"Revoking API token '{token.Name}'",
            refusal => (false, refusal),
            _ => new AuditCompletion(AuditResults.Succeeded, $"{actor.Name} revoked API token '{token.Name}' ({token.Prefix}…) of {token.User?.UserName}."))
        {
            RefuseUnrecorded = false,
        };
        return await audit.ChangeAsync<(bool, string?)>(change, async _ =>
        {
            token.RevokedAt = time.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return (true, null);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The owner of a bearer token that is valid now (not revoked, not expired), or null.</summary>
    public async Task<ApiTokenOwner?> FindOwnerAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!token.StartsWith(TokenPrefix, StringComparison.Ordinal) || token.Length > 200)
        {
            return null;
        }

        var hash = TokenHash.Of(token);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var stored = await db.ApiTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Hash == hash, cancellationToken).ConfigureAwait(false);
        return stored is null || stored.RevokedAt is not null || (stored.ExpiresAt is { } expires && expires <= now)
            ? null
            : new ApiTokenOwner(stored.Id, stored.UserId, stored.LastUsedAt);
    }

    /// <summary>
    /// Notes that the token was used, at most once a <see cref="TouchInterval"/> per token, in the background: a read never
    /// waits for a write, and a database that cannot be written (full, locked) is logged while the request goes on.
    /// </summary>
    public Task TouchAsync(ApiTokenOwner owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var now = time.GetUtcNow().UtcDateTime;
        if (owner.LastUsedAt is { } last && now - last < TouchInterval)
        {
            return Task.CompletedTask;
        }

        var previous = _touched.GetValueOrDefault(owner.TokenId);
        if (now - previous < TouchInterval || !_touched.TryUpdate(owner.TokenId, now, previous) && !_touched.TryAdd(owner.TokenId, now))
        {
            return Task.CompletedTask;
        }

        return Task.Run(() => WriteLastUsedAsync(owner.TokenId, now));
    }

    private async Task WriteLastUsedAsync(int tokenId, DateTime now)
    {
        try
        {
            await using var db = await database.CreateDbContextAsync().ConfigureAwait(false);
            await db.ApiTokens.Where(t => t.Id == tokenId).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now)).ConfigureAwait(false);
        }
        catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
        {
            LogTouchFailed(logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<ApiTokens>.Instance, ex, tokenId, ex.GetBaseException().Message);
        }
    }

    [LoggerMessage(EventId = 7330, Level = LogLevel.Warning, Message = "API token {TokenId}'s last use could not be written ({Reason}); the request went on")]
    private static partial void LogTouchFailed(ILogger logger, Exception exception, int tokenId, string reason);

    private static Task<DashboardUser?> FindUserAsync(DashboardDbContext db, string userName, CancellationToken cancellationToken)
    {
        var normalized = userName.ToUpperInvariant();
        return db.Users.FirstOrDefaultAsync(u => u.NormalizedUserName == normalized, cancellationToken);
    }

    private static ApiTokenInfo InfoOf(ApiToken token, string owner) =>
        new(token.Id, token.Name, token.Prefix, owner, token.CreatedAt, token.ExpiresAt, token.LastUsedAt, token.RevokedAt);
}
