using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

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

    /// <summary>The settings of validated options (<see cref="ValidateExternalSignInOptions"/>), or null when no authority is configured.</summary>
    public static OpenIdConnectSettings? From(OidcSignInOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Authority))
        {
            return null;
        }

        if (!TryAuthority(options.Authority, out var uri) || string.IsNullOrWhiteSpace(options.ClientId))
        {
            throw new InvalidOperationException($"{Section} has not been validated: {nameof(ValidateExternalSignInOptions)} refuses it.");
        }

        return new OpenIdConnectSettings(
            uri,
            options.ClientId.Trim(),
            string.IsNullOrEmpty(options.ClientSecret) ? null : options.ClientSecret,
            string.IsNullOrWhiteSpace(options.DisplayName) ? "single sign-on" : options.DisplayName.Trim(),
            (options.Scopes ?? "").Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            string.IsNullOrWhiteSpace(options.RoleClaim) ? "roles" : options.RoleClaim.Trim(),
            options.RequireHttpsMetadata,
            ExternalRoleMapping.From(options));
    }

    /// <summary>The authority as an absolute http(s) address.</summary>
    internal static bool TryAuthority(string authority, [NotNullWhen(true)] out Uri? uri)
    {
        if (Uri.TryCreate(authority.Trim(), UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttps || parsed.Scheme == Uri.UriSchemeHttp))
        {
            uri = parsed;
            return true;
        }

        uri = null;
        return false;
    }
}

/// <summary>What external sign-in is configured: OpenID Connect (or not), and the Windows groups' roles.</summary>
/// <param name="OpenIdConnect">Null when <c>Auth:Oidc:Authority</c> is not set.</param>
/// <param name="Windows">The role mapping of Windows groups (<c>Auth:Windows:Roles:*</c>, <c>Auth:Windows:DefaultRole</c>).</param>
public sealed record ExternalSignInSettings(OpenIdConnectSettings? OpenIdConnect, ExternalRoleMapping Windows)
{
    /// <summary>The settings of validated options.</summary>
    public static ExternalSignInSettings From(ExternalSignInOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(OpenIdConnectSettings.From(options.Oidc), ExternalRoleMapping.From(options.Windows));
    }
}

/// <summary>Registration of the external sign-in settings.</summary>
public static class ExternalSignInSettingsServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="ExternalSignInOptions"/> bound from <c>Auth</c> and validated at start-up (every problem listed at once), and the
    /// <see cref="ExternalSignInSettings"/> made of them. Needs the app's <see cref="IConfiguration"/>.
    /// </summary>
    public static IServiceCollection AddExternalSignInSettings(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ExternalSignInOptions>().BindConfiguration(ExternalSignInOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExternalSignInOptions>>(new ValidateExternalSignInOptions(OperatingSystem.IsWindows())));
        services.TryAddSingleton(sp => ExternalSignInSettings.From(sp.GetRequiredService<IOptions<ExternalSignInOptions>>().Value));
        return services;
    }
}
