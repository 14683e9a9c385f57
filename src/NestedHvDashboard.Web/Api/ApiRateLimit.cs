using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Api;

/// <summary>The API's volume limits, from the <c>Api:RateLimit</c> section.</summary>
public sealed class ApiRateLimitOptions
{
    /// <summary>Requests one personal access token may make per <see cref="Window"/> (default 600).</summary>
    public int PermitsPerToken { get; set; } = 600;

    /// <summary>Requests one user may make per <see cref="Window"/> through all of their tokens together (default 1200).</summary>
    public int PermitsPerUser { get; set; } = 1200;

    /// <summary>The fixed window the permits are counted in (default one minute).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The window in words, e.g. "1 minute" or "90 seconds".</summary>
    public string WindowInWords => Window.TotalSeconds % 60 == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{Window.TotalMinutes:0} minute{(Window.TotalMinutes == 1 ? "" : "s")}")
        : string.Create(CultureInfo.InvariantCulture, $"{Window.TotalSeconds:0.###} seconds");
}

/// <summary>
/// The <c>/api/v1</c> rate limit (ASP.NET Core's rate limiter): every request with a token counts against that token's
/// allowance and its user's, in fixed windows (one minute unless configured). Over either: 429 with problem details naming the limit and
/// its setting, and <c>Retry-After</c>. It runs before authorization, so refused requests (a Viewer's POSTs) count too.
/// </summary>
public sealed class ApiRateLimit(ApiRateLimitOptions options) : IRateLimiterPolicy<string>
{
    /// <summary>The policy's name.</summary>
    public const string PolicyName = "api";

    // One limiter per token and per user, shared by every partition they are in; never disposed with a partition
    // (a chained limiter leaves its inner limiters alone), and as many as there are tokens and users.
    private readonly ConcurrentDictionary<string, RateLimiter> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RateLimiter> _users = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => RejectAsync;

    /// <inheritdoc />
    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var token = httpContext.User.FindFirstValue(ApiTokenClaims.TokenId);
        var user = httpContext.User.Identity?.Name;

        // Without a valid token the API answers 401 before doing anything: nothing to count.
        if (token is null || user is null)
        {
            return RateLimitPartition.GetNoLimiter("no token");
        }

        return RateLimitPartition.Get($"{token}\n{user}", _ => RateLimiter.CreateChained(
            _tokens.GetOrAdd(token, _ => PerWindow(options.PermitsPerToken)),
            _users.GetOrAdd(user, _ => PerWindow(options.PermitsPerUser))));
    }

    private FixedWindowRateLimiter PerWindow(int permits) =>
        new(new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = options.Window, QueueLimit = 0, AutoReplenishment = true });

    private async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var token = http.User.FindFirstValue(ApiTokenClaims.TokenId) ?? "";
        var user = http.User.Identity?.Name ?? "";
        // The token is asked first: when the user's allowance is spent, the user's limit refused; otherwise the token's.
        var tokenSpent = !(_users.TryGetValue(user, out var perUser) && perUser.GetStatistics()?.CurrentAvailablePermits == 0);
        var limit = tokenSpent
            ? $"{options.PermitsPerToken} requests per {options.WindowInWords} per token (Api:RateLimit:PermitsPerToken)"
            : $"{options.PermitsPerUser} requests per {options.WindowInWords} per user, all of their tokens together (Api:RateLimit:PermitsPerUser)";
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : options.Window;
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Title = "Too many API requests",
            Detail = $"{user} went over the API's limit of {limit}. Nothing was done; try again in {seconds} s.",
            Instance = http.Request.Path,
        };
        problem.Extensions["limit"] = tokenSpent ? "Api:RateLimit:PermitsPerToken" : "Api:RateLimit:PermitsPerUser";
        await http.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", cancellationToken);
    }
}
