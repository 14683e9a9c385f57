using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Access;

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

    /// <summary>
    /// Registers the OpenID Connect scheme when <c>Auth:Oidc:Authority</c> is set; the scheme takes its settings from the
    /// validated <see cref="ExternalSignInSettings"/> (<see cref="ExternalSignInSettingsServiceCollectionExtensions.AddExternalSignInSettings"/>).
    /// </summary>
    public static AuthenticationBuilder AddDashboardOpenIdConnect(this AuthenticationBuilder authentication, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.IsNullOrWhiteSpace(configuration[$"{OpenIdConnectSettings.Section}:Authority"]))
        {
            return authentication;
        }

        authentication.AddOpenIdConnect(OpenIdConnectScheme, displayName: null, _ => { });

        // The button's text is the scheme's display name, which the settings give.
        authentication.Services.AddOptions<AuthenticationOptions>().Configure<ExternalSignInSettings>((o, external) =>
        {
            if (o.SchemeMap.TryGetValue(OpenIdConnectScheme, out var scheme))
            {
                scheme.DisplayName = external.OpenIdConnect?.DisplayName;
            }
        });
        authentication.Services.AddOptions<OpenIdConnectOptions>(OpenIdConnectScheme).Configure<ExternalSignInSettings>((o, external) =>
        {
            var settings = external.OpenIdConnect ?? throw new InvalidOperationException($"{OpenIdConnectSettings.Section}:Authority is not set.");
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
        return authentication;
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
