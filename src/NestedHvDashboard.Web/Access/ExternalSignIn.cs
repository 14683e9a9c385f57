using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Access;

/// <summary>
/// OpenID Connect settings (<c>Auth:Oidc:*</c>). Present only when <c>Auth:Oidc:Authority</c> is set.
/// </summary>
/// <param name="Authority">The identity provider's issuer address (its discovery document is under it).</param>
/// <param name="ClientId">The dashboard's client id at the provider.</param>
/// <param name="ClientSecret">The client secret, when the provider gives one (a confidential client).</param>
/// <param name="DisplayName">The sign-in button's text after "Sign in with".</param>
/// <param name="Scopes">Scopes asked for besides <c>openid profile</c>.</param>
/// <param name="RoleClaim">The id_token claim whose values are mapped to roles (<c>roles</c>, or <c>groups</c>, say).</param>
/// <param name="RequireHttpsMetadata">False only for a provider on this machine's loopback address (tests, trials).</param>
/// <param name="Roles">Which claim values give which role.</param>
public sealed record OpenIdConnectSettings(
    Uri Authority,
    string ClientId,
    string? ClientSecret,
    string DisplayName,
    IReadOnlyList<string> Scopes,
    string RoleClaim,
    bool RequireHttpsMetadata,
    ExternalRoleMapping Roles)
{
    /// <summary>The settings' section.</summary>
    public const string Section = "Auth:Oidc";

    /// <summary>The settings, or null when no authority is configured; a setting that cannot work is refused with its name.</summary>
    public static OpenIdConnectSettings? FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var authority = configuration[$"{Section}:Authority"];
        if (string.IsNullOrWhiteSpace(authority))
        {
            return null;
        }

        if (!Uri.TryCreate(authority.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new InvalidOperationException($"{Section}:Authority is '{authority}', which is not an http(s) address (e.g. https://login.microsoftonline.com/<tenant>/v2.0).");
        }

        var clientId = configuration[$"{Section}:ClientId"];
        if (string.IsNullOrWhiteSpace(clientId))
        {
            throw new InvalidOperationException($"{Section}:Authority is set but {Section}:ClientId is empty: give the client (application) id registered at the identity provider.");
        }

        var requireHttps = configuration.GetValue($"{Section}:RequireHttpsMetadata", true);
        if (!requireHttps && !uri.IsLoopback)
        {
            throw new InvalidOperationException(
                $"{Section}:RequireHttpsMetadata is false, which is allowed only for a provider on a loopback address; {Section}:Authority is {uri.Host}. Use https for it.");
        }

        if (requireHttps && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException($"{Section}:Authority '{authority}' is not https: the identity provider must be reached over https.");
        }

        var secret = configuration[$"{Section}:ClientSecret"];
        var displayName = configuration[$"{Section}:DisplayName"];
        var roleClaim = configuration[$"{Section}:RoleClaim"];
        return new OpenIdConnectSettings(
            uri,
            clientId.Trim(),
            string.IsNullOrEmpty(secret) ? null : secret,
            string.IsNullOrWhiteSpace(displayName) ? "single sign-on" : displayName.Trim(),
            (configuration[$"{Section}:Scopes"] ?? "").Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            string.IsNullOrWhiteSpace(roleClaim) ? "roles" : roleClaim.Trim(),
            requireHttps,
            ExternalRoleMapping.FromConfiguration(configuration, Section));
    }
}

/// <summary>What external sign-in is configured: OpenID Connect (or not), and the Windows groups' roles.</summary>
/// <param name="OpenIdConnect">Null when <c>Auth:Oidc:Authority</c> is not set.</param>
/// <param name="Windows">The role mapping of Windows groups (<c>Auth:Windows:Roles:*</c>, <c>Auth:Windows:DefaultRole</c>).</param>
public sealed record ExternalSignInSettings(OpenIdConnectSettings? OpenIdConnect, ExternalRoleMapping Windows)
{
    /// <summary>Reads both from configuration.</summary>
    public static ExternalSignInSettings FromConfiguration(IConfiguration configuration) =>
        new(OpenIdConnectSettings.FromConfiguration(configuration), ExternalRoleMapping.FromConfiguration(configuration, WindowsAuthentication.Section));
}

/// <summary>The fields of a "Sign in with …" button's form.</summary>
public sealed class ExternalSignInForm
{
    public string? Provider { get; set; }

    public string? ReturnUrl { get; set; }
}

/// <summary>
/// Sign-in through an identity provider: OpenID Connect (code flow with PKCE) or Windows authentication (HTTP.sys).
/// Either way the user becomes a dashboard user (found by the provider's subject, created at first sign-in) whose role
/// is set from the provider's claims or groups at every sign-in, and the session is the usual sign-in cookie.
/// </summary>
public static partial class ExternalSignIn
{
    /// <summary>The OpenID Connect scheme's name (and the external login's provider name).</summary>
    public const string OpenIdConnectScheme = OpenIdConnectDefaults.AuthenticationScheme;

    /// <summary>The scheme HTTP.sys registers for Windows authentication (and the external login's provider name).</summary>
    public const string WindowsScheme = "Windows";

    private const string ProviderItem = "LoginProvider";

    private static readonly string[] BaseScopes = ["openid", "profile"];

    private static readonly string[] ProviderSchemes = [OpenIdConnectScheme, WindowsScheme];

    /// <summary>Registers the OpenID Connect scheme when <c>Auth:Oidc:Authority</c> is set.</summary>
    public static AuthenticationBuilder AddDashboardOpenIdConnect(this AuthenticationBuilder authentication, OpenIdConnectSettings? settings)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        if (settings is null)
        {
            return authentication;
        }

        return authentication.AddOpenIdConnect(OpenIdConnectScheme, settings.DisplayName, o =>
        {
            o.Authority = settings.Authority.ToString();
            o.ClientId = settings.ClientId;
            o.ClientSecret = settings.ClientSecret;
            o.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.UsePkce = true;
            o.SignInScheme = IdentityConstants.ExternalScheme;
            o.CallbackPath = "/signin-oidc";
            o.SaveTokens = false;
            o.GetClaimsFromUserInfoEndpoint = false;
            o.MapInboundClaims = false;
            o.TokenValidationParameters.NameClaimType = "preferred_username";
            o.TokenValidationParameters.RoleClaimType = settings.RoleClaim;
            o.Scope.Clear();
            foreach (var scope in BaseScopes.Concat(settings.Scopes).Distinct(StringComparer.Ordinal))
            {
                o.Scope.Add(scope);
            }

            // The code comes back on a top-level GET (not a cross-site form post), so the correlation and nonce cookies
            // can be SameSite=Lax and work on a dashboard served over plain http in a lab as well as over https.
            o.ResponseMode = OpenIdConnectResponseMode.Query;
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Events.OnRemoteFailure = context =>
            {
                var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ExternalSignIn));
                LogProviderFailed(logger, OpenIdConnectScheme, context.HttpContext.Connection.RemoteIpAddress?.ToString(), context.Failure?.Message ?? "no reason given");
                context.Response.Redirect("/account/login?error=external");
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
    }

    /// <summary>The providers the sign-in page offers: OpenID Connect and Windows, when registered.</summary>
    public static async Task<IReadOnlyList<AuthenticationScheme>> ProvidersAsync(IAuthenticationSchemeProvider schemes)
    {
        ArgumentNullException.ThrowIfNull(schemes);
        var providers = new List<AuthenticationScheme>();
        foreach (var name in ProviderSchemes)
        {
            if (await schemes.GetSchemeAsync(name).ConfigureAwait(false) is { } scheme)
            {
                providers.Add(scheme.DisplayName is null ? new AuthenticationScheme(scheme.Name, scheme.Name, scheme.HandlerType) : scheme);
            }
        }

        return providers;
    }

    /// <summary>Maps <c>POST /account/external</c>, its completion and <c>GET /account/windows</c>.</summary>
    public static RouteGroupBuilder MapExternalSignIn(this RouteGroupBuilder account)
    {
        ArgumentNullException.ThrowIfNull(account);
        account.MapPost("/external", ChallengeAsync).AllowAnonymous().RequireRateLimiting(AccessServiceCollectionExtensions.SignInRateLimit);
        account.MapGet("/external/complete", CompleteAsync).AllowAnonymous();
        account.MapGet("/windows", WindowsAsync).AllowAnonymous();
        return account;
    }

    private static async Task<Results<ChallengeHttpResult, RedirectHttpResult>> ChallengeAsync(
        [FromForm] ExternalSignInForm form, IAuthenticationSchemeProvider schemes, SignInManager<DashboardUser> signIn, HttpContext context)
    {
        var returnUrl = AccountEndpoints.LocalOrRoot(form.ReturnUrl);
        var provider = (await ProvidersAsync(schemes)).FirstOrDefault(p => p.Name == form.Provider);
        if (provider is null)
        {
            LogProviderFailed(Logger(context), form.Provider ?? "(none)", Address(context), "no such provider is configured");
            return Failed();
        }

        if (provider.Name == WindowsScheme)
        {
            return TypedResults.LocalRedirect($"/account/windows?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        }

        var properties = signIn.ConfigureExternalAuthenticationProperties(provider.Name, $"/account/external/complete?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        return TypedResults.Challenge(properties, [provider.Name]);
    }

    private static async Task<RedirectHttpResult> CompleteAsync(
        [FromQuery(Name = "ReturnUrl")] string? returnUrl, HttpContext context, ExternalAccounts accounts, ExternalSignInSettings settings)
    {
        var result = await context.AuthenticateAsync(IdentityConstants.ExternalScheme);
        await context.SignOutAsync(IdentityConstants.ExternalScheme);
        var oidc = settings.OpenIdConnect;
        if (!result.Succeeded || oidc is null || result.Properties?.Items.TryGetValue(ProviderItem, out var provider) != true || provider != OpenIdConnectScheme)
        {
            LogProviderFailed(Logger(context), OpenIdConnectScheme, Address(context), "no completed sign-in from the provider");
            return Failed();
        }

        var principal = result.Principal;
        var subject = principal.FindFirstValue("sub") ?? principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (string.IsNullOrEmpty(subject))
        {
            LogProviderFailed(Logger(context), OpenIdConnectScheme, Address(context), "the id_token has no subject (sub)");
            return Failed();
        }

        var name = principal.FindFirstValue("preferred_username") ?? principal.FindFirstValue("email") ?? principal.FindFirstValue("name") ?? "user";
        var values = principal.FindAll(oidc.RoleClaim).Select(c => c.Value).ToList();
        var outcome = await accounts.SignInAsync(new ExternalIdentity(OpenIdConnectScheme, subject, name, "OpenIdConnect", values), oidc.Roles, Address(context));
        return Finish(outcome, returnUrl);
    }

    private static async Task<Results<ChallengeHttpResult, RedirectHttpResult>> WindowsAsync(
        [FromQuery(Name = "ReturnUrl")] string? returnUrl, HttpContext context, IAuthenticationSchemeProvider schemes, ExternalAccounts accounts, ExternalSignInSettings settings)
    {
        if (await schemes.GetSchemeAsync(WindowsScheme) is null)
        {
            LogProviderFailed(Logger(context), WindowsScheme, Address(context), $"Windows authentication is not enabled ({WindowsAuthentication.EnabledSetting})");
            return Failed();
        }

        // The first request carries no credentials: HTTP.sys answers 401 Negotiate/NTLM and the browser asks again with them.
        var result = await context.AuthenticateAsync(WindowsScheme);
        if (!result.Succeeded || result.Principal.Identity is not { IsAuthenticated: true, Name: { Length: > 0 } name } identity)
        {
            return TypedResults.Challenge(properties: null, [WindowsScheme]);
        }

        var principal = result.Principal;
        var subject = principal.FindFirstValue(ClaimTypes.PrimarySid) ?? name;
        var roleType = (identity as ClaimsIdentity)?.RoleClaimType ?? ClaimTypes.Role;

        // Group names are checked with IsInRole (Windows resolves "DOMAIN\group" to its SID); SIDs configured as such match the group claims.
        var values = settings.Windows.AllValues.Where(principal.IsInRole).Concat(principal.FindAll(roleType).Select(c => c.Value)).ToList();
        var outcome = await accounts.SignInAsync(new ExternalIdentity(WindowsScheme, subject, name, "Windows", values), settings.Windows, Address(context));
        return Finish(outcome, returnUrl);
    }

    private static RedirectHttpResult Finish(ExternalSignInOutcome outcome, string? returnUrl) => outcome switch
    {
        ExternalSignInOutcome.SignedIn => TypedResults.LocalRedirect(AccountEndpoints.LocalOrRoot(returnUrl)),
        ExternalSignInOutcome.LockedOut => TypedResults.LocalRedirect("/account/login?error=locked"),
        _ => Failed(),
    };

    private static RedirectHttpResult Failed() => TypedResults.LocalRedirect("/account/login?error=external");

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ExternalSignIn));

    private static string? Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString();

    [LoggerMessage(EventId = 7310, Level = LogLevel.Warning, Message = "Sign-in with {Provider} from {RemoteAddress} failed: {Reason}")]
    private static partial void LogProviderFailed(ILogger logger, string provider, string? remoteAddress, string reason);
}

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
