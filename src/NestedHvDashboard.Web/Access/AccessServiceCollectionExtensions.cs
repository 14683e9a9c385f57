using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Access;

/// <summary>The authentication schemes, by name.</summary>
public static class DashboardSchemes
{
    /// <summary>The default: picks the scheme a request carries (a Bearer token, or the sign-in cookie).</summary>
    public const string Selector = "Dashboard";

    /// <summary>Personal access tokens sent as <c>Authorization: Bearer</c>.</summary>
    public const string Token = "Token";

    /// <summary>A wall screen's read-only link.</summary>
    public const string WallLink = "WallLink";
}

/// <summary>Sign-in, roles and their policies.</summary>
public static class AccessServiceCollectionExtensions
{
    /// <summary>The rate limiter policy on the sign-in form and the own-password form.</summary>
    public const string SignInRateLimit = "sign-in";

    /// <summary>
    /// Local accounts (ASP.NET Core Identity on the dashboard's database) with lockout (<c>Auth:Lockout:MaxFailedAttempts</c>,
    /// default 5; <c>Auth:Lockout:Minutes</c>, default 15), a per-address rate limit on the sign-in form
    /// (<c>Auth:SignIn:PermitsPerMinute</c>, default 10), the role policies, and the first administrator; OpenID Connect
    /// when <c>Auth:Oidc:Authority</c> is set, and the users of Windows authentication (see <see cref="ExternalSignIn"/>).
    /// Pages and endpoints without their own policy need the <see cref="DashboardPolicies.Wall"/> policy (any user, or a wall link);
    /// every page but the wall names <see cref="DashboardPolicies.View"/> or higher itself.
    /// </summary>
    public static IServiceCollection AddDashboardAccess(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddExternalSignInSettings();
        var maxFailed = configuration.GetValue("Auth:Lockout:MaxFailedAttempts", 5);
        var lockoutMinutes = configuration.GetValue("Auth:Lockout:Minutes", 15.0);
        services.AddIdentity<DashboardUser, IdentityRole>(o =>
            {
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = maxFailed;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(lockoutMinutes);
                o.Password.RequiredLength = 12;
                o.User.RequireUniqueEmail = false;

                // Windows users keep their DOMAIN\name.
                o.User.AllowedUserNameCharacters += "\\";
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddEntityFrameworkStores<DashboardDbContext>()
            .AddDefaultTokenProviders();

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = ".NestedHv.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/sign-out";
            o.AccessDeniedPath = "/account/denied";
            o.ExpireTimeSpan = TimeSpan.FromHours(configuration.GetValue("Auth:SessionHours", 12.0));
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = context => StatusOrRedirect(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => StatusOrRedirect(context, StatusCodes.Status403Forbidden);
        });

        // Role changes, password resets and sign-outs (a new stamp) reach every copy of the cookie within this interval.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromSeconds(30));

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = DashboardSchemes.Selector;
                // AddIdentity set the Identity cookie as the authenticate scheme; the selector must pick it (or the wall link, a token).
                o.DefaultAuthenticateScheme = DashboardSchemes.Selector;
                o.DefaultChallengeScheme = DashboardSchemes.Selector;
                o.DefaultForbidScheme = DashboardSchemes.Selector;
            })
            .AddPolicyScheme(DashboardSchemes.Selector, "Bearer token or sign-in cookie", o => o.ForwardDefaultSelector = SchemeFor)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(DashboardSchemes.Token, "Personal access token", null)
            .AddDashboardOpenIdConnect(configuration);
        services.AddSingleton<ApiTokens>();
        services.AddSingleton<DecoyPassword>();

        services.AddDashboardPolicies();

        var permits = configuration.GetValue("Auth:SignIn:PermitsPerMinute", 10);
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // One budget per address for every password typed: the sign-in posts and the own-password form's posts (not its page).
            o.AddPolicy(SignInRateLimit, context => !HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetNoLimiter("read")
                : RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.OnRejected = async (context, token) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await context.HttpContext.Response.WriteAsync(
                    string.Create(CultureInfo.InvariantCulture, $"Too many sign-in or password attempts from {context.HttpContext.Connection.RemoteIpAddress}: at most {permits} a minute. Wait a minute and try again."),
                    token);
            };
        });

        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, DashboardAuthenticationStateProvider>();
        services.AddHttpContextAccessor();
        services.AddScoped<CircuitClient>();
        services.AddScoped<CircuitHandler, CircuitClientHandler>();
        services.AddScoped<CurrentActor>();
        services.AddSingleton<UserAdministration>();
        services.AddScoped<IDatabaseStartupStep, FirstAdministrator>();
        services.AddScoped<ExternalAccounts>();
        return services;
    }

    /// <summary>
    /// The role policies (<see cref="DashboardPolicies"/>) and the fallback (any role, or a wall link; static files for anyone). Apart from
    /// <see cref="AddDashboardAccess"/> so a test host that brings its own authentication enforces the same policies.
    /// </summary>
    public static AuthorizationBuilder AddDashboardPolicies(this IServiceCollection services) =>
        services.AddAuthorizationBuilder()
            // A bare [Authorize] (own password, say) means a signed-in account: a wall link opens /wall and nothing else.
            .SetDefaultPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser()
                .RequireAssertion(c => !c.User.HasClaim(c => c.Type == WallLinkClaims.LinkId)).Build())
            .AddPolicy(DashboardPolicies.View, p => p.RequireRole(DashboardRoles.All.ToArray()))
            .AddPolicy(DashboardPolicies.Operate, p => p.RequireRole(DashboardRoles.Operator, DashboardRoles.Administrator))
            .AddPolicy(DashboardPolicies.Administer, p => p.RequireRole(DashboardRoles.Administrator))
            .AddPolicy(DashboardPolicies.Wall, p => p.RequireAssertion(c =>
                DashboardRoles.All.Any(c.User.IsInRole) || c.User.HasClaim(c => c.Type == WallLinkClaims.LinkId)))
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAssertion(c =>
                DashboardRoles.All.Any(c.User.IsInRole) || c.User.HasClaim(c => c.Type == WallLinkClaims.LinkId) || IsStaticFile(c.Resource)).Build());

    // A request that matched no endpoint (or only the development file fallback MapStaticAssets adds) can only be a
    // static file or a 404: the fallback policy would otherwise send the signed-out browser's stylesheet to the sign-in page.
    private static bool IsStaticFile(object? resource) =>
        resource is HttpContext http
        && http.GetEndpoint() is null or Microsoft.AspNetCore.Routing.RouteEndpoint { RoutePattern.RawText: "{**path:file}" };

    /// <summary>
    /// Bearer requests to the token's routes (<see cref="TokenOpens"/>) go to the token scheme; the rest to the sign-in
    /// cookie, or the wall link's cookie when that is all they carry. Elsewhere a bearer token is not looked at.
    /// </summary>
    private static string SchemeFor(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && TokenOpens(context.Request.Path))
        {
            return DashboardSchemes.Token;
        }

        if (!context.Request.Cookies.ContainsKey(".NestedHv.Auth") && context.Request.Cookies.ContainsKey(WallLinkClaims.CookieName))
        {
            return DashboardSchemes.WallLink;
        }

        return IdentityConstants.ApplicationScheme;
    }

    /// <summary>What a personal access token opens: the REST API, the inventory hub and the Activity CSV export (for scripts that collect the trail).</summary>
    public static bool TokenOpens(PathString path) =>
        path.StartsWithSegments(Api.ApiEndpoints.Path) || path.StartsWithSegments(Inventory.InventoryHub.Path) || path.StartsWithSegments(Audit.AuditEndpoints.ExportPath);

    /// <summary>The API, the hubs and the simulator's endpoints answer 401/403; pages redirect to sign in.</summary>
    internal static Task StatusOrRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/simulator") || path.StartsWithSegments("/_blazor"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}

/// <summary>The claims and cookie of a wall link's principal.</summary>
public static class WallLinkClaims
{
    /// <summary>The wall link's id.</summary>
    public const string LinkId = "nhv:wall-link";

    /// <summary>The wall's tag filter, when the link has one.</summary>
    public const string Tag = "nhv:wall-tag";

    /// <summary>The cookie a wall link's browser keeps.</summary>
    public const string CookieName = ".NestedHv.Wall";
}
