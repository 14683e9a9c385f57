namespace NestedHvDashboard.Core.Hosts;

/// <summary>How the dashboard reaches a host.</summary>
public enum HostTransport
{
    /// <summary>The built-in simulator, in this process.</summary>
    InProcess,

    /// <summary>PowerShell remoting over WinRM (WS-Management). Needs a Windows management box.</summary>
    WinRm,

    /// <summary>PowerShell remoting over SSH (the host runs PowerShell 7 and OpenSSH).</summary>
    Ssh,
}

/// <summary>WinRM authentication mechanisms the dashboard offers.</summary>
public enum WinRmAuthentication
{
    Default,
    Negotiate,
    Kerberos,
    CredSsp,
}

/// <summary>One host the dashboard talks to.</summary>
public sealed record HostConnectionSettings
{
    /// <summary>The name shown in the dashboard; unique.</summary>
    public required string Name { get; init; }

    /// <summary>DNS name or address; for <see cref="HostTransport.InProcess"/> the simulated host's name.</summary>
    public required string Address { get; init; }

    /// <summary>How to reach it. Default: WinRM.</summary>
    public HostTransport Transport { get; init; } = HostTransport.WinRm;

    /// <summary>The port; null means the transport's default (5985/5986 for WinRM, 22 for SSH).</summary>
    public int? Port { get; init; }

    /// <summary>WinRM over HTTPS (5986). Default: false.</summary>
    public bool UseHttps { get; init; }

    /// <summary>WinRM authentication. Default: <see cref="WinRmAuthentication.Default"/>.</summary>
    public WinRmAuthentication Authentication { get; init; } = WinRmAuthentication.Default;

    /// <summary>User name; null means the dashboard process's own identity (WinRM) or the current user (SSH).</summary>
    public string? UserName { get; init; }

    /// <summary>Password for WinRM explicit credentials; never logged.</summary>
    public string? Password { get; init; }

    /// <summary>SSH private key file.</summary>
    public string? KeyFilePath { get; init; }

    /// <summary>SSH known_hosts file to check host keys against; null means the user's default.</summary>
    public string? KnownHostsFile { get; init; }

    /// <summary>
    /// The PowerShell endpoint (session configuration) on a WinRM host: null means <c>Microsoft.PowerShell</c>
    /// (Windows PowerShell 5.1); <c>PowerShell.7</c>, or a custom or JEA endpoint's name. SSH has no endpoint names: it
    /// runs sshd's <c>powershell</c> subsystem.
    /// </summary>
    public string? ConfigurationName { get; init; }

    /// <summary>Turns WinRM HTTPS certificate checks off (CA, CN and revocation). Default: false; only for labs.</summary>
    public bool SkipCertificateChecks { get; init; }

    /// <summary>Free-form tags for grouping.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The bound on every call to this host. Default: 30 seconds.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most commands that run on this host at once (runspace pool size). Default: 4.
    /// The live monitor's host-side watch holds one of them for as long as it runs, so it needs at
    /// least 2; with 1 the host is polled instead.
    /// </summary>
    public int MaxConcurrency { get; init; } = 4;

    /// <summary>The L0 host this host runs on as a VM (it is an L1 guest running Hyper-V); null for a physical host.</summary>
    public string? ParentHost { get; init; }

    /// <summary>With <see cref="ParentHost"/>: the VM on that host that is this host; needed for simulated L1 hosts.</summary>
    public Guid? ParentVmId { get; init; }
}
