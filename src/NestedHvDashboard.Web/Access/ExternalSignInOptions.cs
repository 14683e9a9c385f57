using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace NestedHvDashboard.Web.Access;

/// <summary>
/// The external sign-in settings as configured (<c>Auth:Oidc:*</c>, <c>Auth:Windows:*</c>), bound by the options system;
/// <see cref="ValidateExternalSignInOptions"/> refuses the ones that cannot work, and <see cref="ExternalSignInSettings"/>
/// is what the app uses.
/// </summary>
public sealed class ExternalSignInOptions
{
    /// <summary>The section the options are bound from.</summary>
    public const string Section = "Auth";

    /// <summary>OpenID Connect (<c>Auth:Oidc</c>).</summary>
    public OidcSignInOptions Oidc { get; set; } = new();

    /// <summary>Windows authentication (<c>Auth:Windows</c>).</summary>
    public WindowsSignInOptions Windows { get; set; } = new();
}

/// <summary>
/// Which claim values or groups give which role (<c>Roles:Administrator</c>, <c>:Operator</c>, <c>:Viewer</c>, each a
/// comma-separated list), and the role of a user none of whose values is mapped (<c>DefaultRole</c>, empty for no access).
/// </summary>
public class ExternalRoleOptions
{
    /// <summary>The values per role.</summary>
    public ExternalRoleValues Roles { get; set; } = new();

    /// <summary>A dashboard role (any case), or empty for none.</summary>
    public string? DefaultRole { get; set; }
}

/// <summary>The comma-separated claim values or group names of each role.</summary>
public sealed class ExternalRoleValues
{
    /// <summary>Values that make an Administrator.</summary>
    public string? Administrator { get; set; }

    /// <summary>Values that make an Operator.</summary>
    public string? Operator { get; set; }

    /// <summary>Values that make a Viewer.</summary>
    public string? Viewer { get; set; }
}

/// <summary><c>Auth:Oidc:*</c>; OpenID Connect is on when <see cref="Authority"/> is set (see <see cref="OpenIdConnectSettings"/>).</summary>
public sealed class OidcSignInOptions : ExternalRoleOptions
{
    /// <summary>The identity provider's issuer address, http(s).</summary>
    public string? Authority { get; set; }

    /// <summary>The dashboard's client id at the provider; required with an authority.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret, when the provider gives one.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The sign-in button's text after "Sign in with"; default "single sign-on".</summary>
    public string? DisplayName { get; set; }

    /// <summary>Scopes asked for besides <c>openid profile</c>, separated by spaces or commas.</summary>
    public string? Scopes { get; set; }

    /// <summary>The claim whose values map to roles; default <c>roles</c>.</summary>
    public string? RoleClaim { get; set; }

    /// <summary>False only for a provider on a loopback address; default true.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}

/// <summary><c>Auth:Windows:*</c> (see <see cref="WindowsAuthentication"/>).</summary>
public sealed class WindowsSignInOptions : ExternalRoleOptions
{
    /// <summary>Serve with HTTP.sys and offer "Sign in with Windows" (Windows only); default false.</summary>
    public bool Enabled { get; set; }
}

/// <summary>Refuses external sign-in settings that cannot work, naming every one and what is allowed.</summary>
/// <param name="onWindows">Whether this is Windows (the only OS with HTTP.sys).</param>
public sealed class ValidateExternalSignInOptions(bool onWindows) : IValidateOptions<ExternalSignInOptions>
{
    private const string Oidc = OpenIdConnectSettings.Section;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ExternalSignInOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var oidc = options.Oidc;
        if (!string.IsNullOrWhiteSpace(oidc.Authority))
        {
            var authority = oidc.Authority;
            if (!OpenIdConnectSettings.TryAuthority(authority, out var uri))
            {
                problems.Add($"{Oidc}:Authority is '{authority}', which is not an http(s) address (e.g. https://login.microsoftonline.com/<tenant>/v2.0).");
            }

            if (string.IsNullOrWhiteSpace(oidc.ClientId))
            {
                problems.Add($"{Oidc}:Authority is set but {Oidc}:ClientId is empty: give the client (application) id registered at the identity provider.");
            }

            if (uri is not null && !oidc.RequireHttpsMetadata && !uri.IsLoopback)
            {
                problems.Add($"{Oidc}:RequireHttpsMetadata is false, which is allowed only for a provider on a loopback address; {Oidc}:Authority is {uri.Host}. Use https for it.");
            }

            if (uri is not null && oidc.RequireHttpsMetadata && uri.Scheme != Uri.UriSchemeHttps)
            {
                problems.Add($"{Oidc}:Authority '{authority}' is not https: the identity provider must be reached over https.");
            }

            AddDefaultRoleProblem(problems, Oidc, oidc.DefaultRole);
        }

        AddDefaultRoleProblem(problems, WindowsAuthentication.Section, options.Windows.DefaultRole);
        if (options.Windows.Enabled && !onWindows)
        {
            problems.Add(
                $"{WindowsAuthentication.EnabledSetting} is true, but Windows authentication needs HTTP.sys, which only Windows has (this is {RuntimeInformation.OSDescription}). " +
                $"Set {WindowsAuthentication.EnabledSetting} to false here, and sign in with local accounts or OpenID Connect ({Oidc}:Authority).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void AddDefaultRoleProblem(List<string> problems, string section, string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured) && ExternalRoleMapping.RoleNamed(configured) is null)
        {
            problems.Add($"{section}:DefaultRole is '{configured}', which is not a role: use {string.Join(", ", DashboardRoles.All)}, or leave it empty for no access.");
        }
    }
}
