using System.Runtime.InteropServices;
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
        if (!IsEnabled(builder.Configuration, OperatingSystem.IsWindows()) || !OperatingSystem.IsWindows())
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

    /// <summary>
    /// True when Windows authentication is on; on another OS (<paramref name="onWindows"/> false) being on is refused
    /// with a message naming the setting, since HTTP.sys exists only on Windows.
    /// </summary>
    public static bool IsEnabled(IConfiguration configuration, bool onWindows)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var enabled = configuration.GetValue(EnabledSetting, false);
        if (enabled && !onWindows)
        {
            throw new InvalidOperationException(
                $"{EnabledSetting} is true, but Windows authentication needs HTTP.sys, which only Windows has (this is {RuntimeInformation.OSDescription}). " +
                $"Set {EnabledSetting} to false here, and sign in with local accounts or OpenID Connect (Auth:Oidc:Authority).");
        }

        return enabled;
    }
}
