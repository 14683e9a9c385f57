using System.Management.Automation.Remoting;
using System.Net;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.PowerShell;

/// <summary>
/// The usual reasons a connection to a host fails, recognised from the texts WinRM, ssh and PowerShell give
/// (about_Remote_Troubleshooting for WinRM; OpenSSH's own messages), each with what to do about it. Used when a
/// connection cannot be opened, so <i>Test connection</i> and the host status both say the fix.
/// </summary>
public static class ConnectionAdvice
{
    /// <summary>What to do about <paramref name="failureText"/> on the host <paramref name="settings"/> describe; null when it is not a known failure.</summary>
    public static string? For(HostConnectionSettings settings, string failureText)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(failureText);
        bool Says(string text) => failureText.Contains(text, StringComparison.OrdinalIgnoreCase);
        var port = settings.Port ?? (settings.Transport == HostTransport.Ssh ? 22 : settings.UseHttps ? 5986 : 5985);
        var byAddress = IPAddress.TryParse(settings.Address, out _);

        if (settings.Transport == HostTransport.Ssh)
        {
            if (Says("Host key verification failed"))
            {
                return $"the host's SSH key is not in {KnownHosts(settings)}: check its fingerprint on the host (ssh-keygen -lf on its host key), then add it, e.g. ssh-keyscan -p {port} {settings.Address} >> {KnownHosts(settings)}.";
            }

            if (Says("subsystem request failed"))
            {
                return "sshd on the host has no 'powershell' subsystem: install PowerShell 7 and add 'Subsystem powershell c:/progra~1/powershell/7/pwsh.exe -sshs -NoLogo' (Linux: '/usr/bin/pwsh -sshs -NoLogo') to sshd_config, then restart sshd.";
            }

            if (Says("Permission denied"))
            {
                return $"the host refused the key{(settings.KeyFilePath is { } key ? $" {key}" : "")}: put its public key in the authorized_keys of {settings.UserName ?? "the user"} on the host (administrators_authorized_keys for an administrator on Windows), or choose the key that is there.";
            }

            if (Says("Connection refused"))
            {
                return $"nothing listens on port {port}: start sshd on the host (Start-Service sshd) and allow the port in its firewall.";
            }

            return null;
        }

        if (Says("TrustedHosts"))
        {
            return settings.Authentication == WinRmAuthentication.Kerberos && byAddress
                ? "Kerberos does not work with an IP address: use the host's DNS name, the one its SPN (HTTP/<name>) is registered for."
                : $"the host is outside the dashboard's domain{(byAddress ? " or given by IP address (NTLM)" : "")}: use HTTPS, or add it to TrustedHosts on the management box (Set-Item WSMan:\\localhost\\Client\\TrustedHosts -Value {settings.Address} -Concatenate), and give a user name and password.";
        }

        if (Says("Kerberos") && (byAddress || Says("Cannot find the computer")))
        {
            return byAddress
                ? "Kerberos does not work with an IP address: use the host's DNS name, the one its SPN (HTTP/<name>) is registered for."
                : "Kerberos could not find this name: use the host's DNS name as registered in the domain (its SPN HTTP/<name>), or Negotiate authentication.";
        }

        if (Says("unknown certificate authority"))
        {
            return "the host's HTTPS certificate comes from a certificate authority the management box does not trust: import that CA into Trusted Root Certification Authorities (or give the listener a certificate from a trusted CA).";
        }

        if (Says("common name (CN)") || Says("does not match the hostname"))
        {
            return $"the host's HTTPS certificate is for another name than '{settings.Address}': connect by the name in the certificate, or give the WinRM listener a certificate for this name.";
        }

        if (Says("certificate") && Says("expired"))
        {
            return "the host's HTTPS certificate has expired: renew it and bind the new one to the WinRM HTTPS listener.";
        }

        if (Says("refused") || Says("firewall exception for the WinRM service") || Says("cannot connect to the destination"))
        {
            return $"nothing accepts WinRM on port {port}: on the host run Enable-PSRemoting{(settings.UseHttps ? " and create an HTTPS listener (winrm quickconfig -transport:https)" : "")}, and allow port {port} in its firewall (the Windows Remote Management rule).";
        }

        if (Says("Access is denied"))
        {
            return $"the account is not allowed on the endpoint '{settings.ConfigurationName ?? RemoteConnections.DefaultConfigurationName}': add it to the host's Remote Management Users and Hyper-V Administrators groups, or grant it the endpoint's permissions (Set-PSSessionConfiguration -ShowSecurityDescriptorUI; for a JEA endpoint, its role definitions).";
        }

        return null;
    }

    /// <summary><paramref name="failure"/> with the fix appended when it is a known failure; otherwise <paramref name="failure"/> itself.</summary>
    public static Exception Explain(HostConnectionSettings settings, Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return For(settings, AllMessages(failure)) is { } fix
            ? new PSRemotingTransportException(WithFix(failure.Message, fix), failure)
            : failure;
    }

    /// <summary>
    /// The host's words <paramref name="message"/> and the <paramref name="fix"/> as separate sentences: trailing blanks
    /// trimmed and a period added when the host's words do not end with a sentence's punctuation.
    /// </summary>
    public static string WithFix(string message, string fix) => Core.Text.Sentences.WithFix(message, fix);

    private static string AllMessages(Exception failure)
    {
        var messages = new List<string>();
        for (Exception? current = failure; current is not null; current = current.InnerException)
        {
            messages.Add(current.Message);
        }

        return string.Join(" ", messages);
    }

    private static string KnownHosts(HostConnectionSettings settings) => settings.KnownHostsFile ?? "~/.ssh/known_hosts";
}
