using Microsoft.AspNetCore.Server.HttpSys;

namespace NestedHvDashboard.Web.Access;

/// <summary>
/// Windows authentication (Kerberos/NTLM) through HTTP.sys when <c>Auth:Windows:Enabled</c> is true on Windows: the
/// dashboard is served by HTTP.sys instead of Kestrel, and the sign-in page offers "Sign in with Windows". A Windows
/// user becomes a dashboard user whose role comes from their groups (<c>Auth:Windows:Roles:*</c>).
/// </summary>
public static class WindowsAuthentication
{
    /// <summary>The settings' section.</summary>
    public const string Section = "Auth:Windows";

    /// <summary>The setting that turns it on.</summary>
    public const string EnabledSetting = "Auth:Windows:Enabled";

    /// <summary>Serves the app with HTTP.sys and Negotiate/NTLM when <see cref="EnabledSetting"/> is true (Windows only).</summary>
    public static WebApplicationBuilder UseDashboardWindowsAuthentication(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Elsewhere being on is refused at start-up, naming the setting (ValidateExternalSignInOptions).
        if (!OperatingSystem.IsWindows() || !builder.Configuration.GetValue(EnabledSetting, false))
        {
            return builder;
        }

        builder.WebHost.UseHttpSys(o =>
        {
            o.Authentication.Schemes = AuthenticationSchemes.Negotiate | AuthenticationSchemes.NTLM;

            // Local accounts and OpenID Connect keep working: Windows credentials are asked for only by /account/windows.
            o.Authentication.AllowAnonymous = true;
            o.Authentication.AutomaticAuthentication = false;
            o.Authentication.AuthenticationDisplayName = "Windows";
        });
        return builder;
    }
}
