using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Security;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.PowerShell;

/// <summary>Maps a host's settings to PowerShell remoting connection info.</summary>
public static class RemoteConnections
{
    /// <summary>The endpoint a WinRM host uses when none is named: Windows PowerShell 5.1.</summary>
    public const string DefaultConfigurationName = "Microsoft.PowerShell";

    /// <summary>The default PowerShell endpoint on a WinRM host.</summary>
    public const string WinRmShellUri = ShellUriPrefix + DefaultConfigurationName;

    /// <summary>What a WinRM host tells a dashboard that does not run on Windows, in the form, Test connection and the host status.</summary>
    public const string WinRmNeedsWindows = "WinRM needs a Windows management box; from Linux use SSH: PowerShell 7 and OpenSSH on the host";

    private const string ShellUriPrefix = "http://schemas.microsoft.com/powershell/";

    /// <summary>True where PowerShell has a WS-Management client (Windows); elsewhere WinRM hosts cannot be reached.</summary>
    public static bool CanUseWinRm => OperatingSystem.IsWindows();

    /// <summary>The endpoint's shell URI: the host's <see cref="HostConnectionSettings.ConfigurationName"/>, or Microsoft.PowerShell.</summary>
    public static string ShellUri(HostConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return ShellUriPrefix + (string.IsNullOrWhiteSpace(settings.ConfigurationName) ? DefaultConfigurationName : settings.ConfigurationName.Trim());
    }

    /// <summary>The sshd subsystem PowerShell remoting uses.</summary>
    public const string SshSubsystem = "powershell";

    /// <summary>
    /// WinRM: HTTP 5985 or HTTPS 5986 (or the port given), the host's endpoint, the chosen authentication, explicit
    /// credentials when a user name is set (otherwise the process's identity), certificate checks
    /// relaxed only when asked, open and operation timeouts from the host's timeout.
    /// Only usable from Windows: PowerShell on Linux has no WSMan client.
    /// </summary>
    public static WSManConnectionInfo CreateWinRm(HostConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var port = settings.Port ?? (settings.UseHttps ? 5986 : 5985);
        var credential = settings.UserName is null ? null : new PSCredential(settings.UserName, ToSecureString(settings.Password));
        var timeoutMs = TimeoutMilliseconds(settings.Timeout);
        var info = new WSManConnectionInfo(settings.UseHttps, settings.Address, port, "/wsman", ShellUri(settings), credential, timeoutMs)
        {
            AuthenticationMechanism = settings.Authentication switch
            {
                WinRmAuthentication.Negotiate => AuthenticationMechanism.Negotiate,
                WinRmAuthentication.Kerberos => AuthenticationMechanism.Kerberos,
                WinRmAuthentication.CredSsp => AuthenticationMechanism.Credssp,
                _ => AuthenticationMechanism.Default,
            },
            OpenTimeout = timeoutMs,
            OperationTimeout = timeoutMs,
            SkipCACheck = settings.SkipCertificateChecks,
            SkipCNCheck = settings.SkipCertificateChecks,
            SkipRevocationCheck = settings.SkipCertificateChecks,
        };
        return info;
    }

    /// <summary>
    /// SSH: key authentication to the "powershell" subsystem, port 22 unless given, the user
    /// given or the current one, and host keys checked (never accepted blindly).
    /// </summary>
    public static SSHConnectionInfo CreateSsh(HostConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new SSHConnectionInfo(
            settings.UserName ?? Environment.UserName,
            settings.Address,
            settings.KeyFilePath ?? string.Empty,
            settings.Port ?? 22,
            SshSubsystem,
            TimeoutMilliseconds(settings.Timeout),
            SshOptions(settings));
    }

    /// <summary>
    /// An unopened remote runspace over <see cref="CreateSsh"/>, guarded so that the ssh process dying cannot end this
    /// process (see <see cref="SshTransportGuard"/>).
    /// </summary>
    public static Runspace CreateSshRunspace(HostConnectionSettings settings) =>
        SshTransportGuard.Guard(RunspaceFactory.CreateRunspace(CreateSsh(settings)));

    /// <summary>The ssh -o options: strict host key checking, the known_hosts file, no prompts.</summary>
    public static Hashtable SshOptions(HostConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = new Hashtable(StringComparer.OrdinalIgnoreCase)
        {
            ["StrictHostKeyChecking"] = "yes",
            // Never wait for a password or passphrase prompt nobody can answer.
            ["BatchMode"] = "yes",
        };
        if (settings.KnownHostsFile is { Length: > 0 } knownHosts)
        {
            options["UserKnownHostsFile"] = knownHosts;
        }

        if (settings.KeyFilePath is { Length: > 0 })
        {
            options["IdentitiesOnly"] = "yes";
        }

        return options;
    }

    private static int TimeoutMilliseconds(TimeSpan timeout) =>
        (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue);

    private static SecureString ToSecureString(string? text)
    {
        var secure = new SecureString();
        foreach (var character in text ?? string.Empty)
        {
            secure.AppendChar(character);
        }

        secure.MakeReadOnly();
        return secure;
    }
}
