using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>
/// A host's connection as the Connections page edits it. The password is write-only: the form
/// never carries the stored one back, and an empty password on edit keeps it.
/// </summary>
public sealed class HostForm : IHostConnectionFields
{
    /// <summary>The name shown in the dashboard.</summary>
    public string Name { get; set; } = "";

    /// <summary>DNS name or IP address, without scheme or port.</summary>
    public string Address { get; set; } = "";

    /// <summary>WinRM or SSH. Default: WinRM.</summary>
    public HostTransport Transport { get; set; } = HostTransport.WinRm;

    /// <summary>The port; null for the transport's default.</summary>
    public int? Port { get; set; }

    /// <summary>WinRM over HTTPS.</summary>
    public bool UseHttps { get; set; }

    /// <summary>WinRM authentication.</summary>
    public WinRmAuthentication Authentication { get; set; } = WinRmAuthentication.Default;

    /// <summary>User name; empty for the dashboard's own identity (WinRM) or the current user (SSH).</summary>
    public string? UserName { get; set; }

    /// <summary>A new password (WinRM); empty on edit keeps the stored one.</summary>
    public string? Password { get; set; }

    /// <summary>On edit: forget the stored password.</summary>
    public bool ClearPassword { get; set; }

    /// <summary>On edit: whether a password is stored (the form never holds it).</summary>
    public bool HasStoredPassword { get; private set; }

    /// <summary>SSH private key file on the dashboard's machine.</summary>
    public string? KeyFilePath { get; set; }

    /// <summary>SSH known_hosts file; empty for the user's default.</summary>
    public string? KnownHostsFile { get; set; }

    /// <summary>WinRM endpoint (session configuration) name; empty for Microsoft.PowerShell. Not used by SSH.</summary>
    public string? ConfigurationName { get; set; }

    /// <summary>WinRM HTTPS without certificate checks (labs only).</summary>
    public bool SkipCertificateChecks { get; set; }

    /// <summary>Tags, separated by commas.</summary>
    public string Tags { get; set; } = "";

    /// <summary>The bound on every call, in seconds. Default: 30.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>The most commands at once on the host. Default: 4.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>The L0 host this host runs on as a VM, placing it under that host in the navigation; null for none.</summary>
    public string? ParentHost { get; set; }

    /// <summary>The VM on <see cref="ParentHost"/> that is this host; kept as it was (set by <i>Add as a host</i>, not in the form).</summary>
    public Guid? ParentVmId { get; set; }

    /// <summary>The form for editing a host; the password stays out of it.</summary>
    public static HostForm From(HostConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var form = HostConnectionFields.From<HostForm>(settings);
        form.Name = settings.Name;
        form.HasStoredPassword = !string.IsNullOrEmpty(settings.Password);
        form.Tags = string.Join(", ", settings.Tags);
        form.TimeoutSeconds = (int)Math.Round(settings.Timeout.TotalSeconds);
        return form;
    }

    /// <summary>The tags: trimmed, empty ones dropped, each once (case-insensitive), in the order typed.</summary>
    public IReadOnlyList<string> TagList() =>
        [.. Tags.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>
    /// The settings this form describes. <paramref name="storedPassword"/> is used when the form
    /// has no new password and does not clear it; SSH never keeps a password.
    /// </summary>
    public HostConnectionSettings ToSettings(string? storedPassword = null)
    {
        var password = ClearPassword ? null : string.IsNullOrEmpty(Password) ? storedPassword : Password;
        var winRm = Transport == HostTransport.WinRm;
        return new HostConnectionSettings
        {
            Name = Name,
            Address = Address.Trim(),
            Transport = Transport,
            Port = Port,
            UseHttps = winRm && UseHttps,
            Authentication = winRm ? Authentication : WinRmAuthentication.Default,
            UserName = Blank(UserName),
            Password = winRm ? Blank(password) : null,
            KeyFilePath = winRm ? null : Blank(KeyFilePath),
            KnownHostsFile = winRm ? null : Blank(KnownHostsFile),
            SkipCertificateChecks = winRm && SkipCertificateChecks,
            ConfigurationName = winRm ? Blank(ConfigurationName) : null,
            Tags = TagList(),
            Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
            MaxConcurrency = MaxConcurrency,
            ParentHost = Blank(ParentHost),
            ParentVmId = Blank(ParentHost) is null ? null : ParentVmId,
        };
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
