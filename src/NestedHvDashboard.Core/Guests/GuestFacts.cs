using NestedHvDashboard.Core.Networking;

namespace NestedHvDashboard.Core.Guests;

/// <summary>
/// A virtualization-based security feature in the guest, as Win32_DeviceGuard (root\Microsoft\Windows\DeviceGuard) reports it:
/// VirtualizationBasedSecurityStatus 0/1/2 for VBS itself, SecurityServicesConfigured / SecurityServicesRunning for HVCI and Credential Guard.
/// </summary>
public enum GuestSecurityState
{
    /// <summary>Not read: the class is missing (older than Windows 10 / Server 2016) or could not be queried.</summary>
    Unknown,

    /// <summary>Not enabled.</summary>
    Off,

    /// <summary>Enabled (configured) but not running.</summary>
    Configured,

    /// <summary>Running.</summary>
    Running,
}

/// <summary>The guest's <c>hypervisorlaunchtype</c> boot setting, from <c>bcdedit /enum {current}</c>.</summary>
public enum HypervisorLaunchType
{
    /// <summary>bcdedit could not be read (it needs an elevated administrator in the guest) or its output was not understood.</summary>
    Unknown,

    /// <summary>The boot entry has no hypervisorlaunchtype: the hypervisor does not start (Hyper-V is not installed).</summary>
    NotSet,

    /// <summary>The hypervisor starts at boot (what installing Hyper-V sets).</summary>
    Auto,

    /// <summary>The hypervisor is kept from starting: Hyper-V cannot run in the guest.</summary>
    Off,
}

/// <summary>What a read of the guest learned about virtualization-based security and the hypervisor's boot setting.</summary>
/// <param name="Vbs">Virtualization-based security.</param>
/// <param name="Hvci">Hypervisor-protected code integrity (memory integrity): SecurityServices 2.</param>
/// <param name="CredentialGuard">Credential Guard: SecurityServices 1.</param>
/// <param name="LaunchType">The hypervisorlaunchtype boot setting.</param>
public sealed record GuestSecurity(GuestSecurityState Vbs, GuestSecurityState Hvci, GuestSecurityState CredentialGuard, HypervisorLaunchType LaunchType)
{
    /// <summary>Nothing known (a guest that was read with an older dashboard script, or a read that did not return the row).</summary>
    public static GuestSecurity Unknown { get; } = new(GuestSecurityState.Unknown, GuestSecurityState.Unknown, GuestSecurityState.Unknown, HypervisorLaunchType.Unknown);

    /// <summary>
    /// The states from Win32_DeviceGuard's numbers: <paramref name="vbsStatus"/> (null when the class could not be read),
    /// the services configured and running (1 Credential Guard, 2 HVCI), and the launch type's bcdedit word (null: unknown).
    /// </summary>
    public static GuestSecurity From(int? vbsStatus, IReadOnlyCollection<int> configured, IReadOnlyCollection<int> running, string? launchType)
    {
        ArgumentNullException.ThrowIfNull(configured);
        ArgumentNullException.ThrowIfNull(running);
        var vbs = vbsStatus switch
        {
            null => GuestSecurityState.Unknown,
            2 => GuestSecurityState.Running,
            1 => GuestSecurityState.Configured,
            _ => GuestSecurityState.Off,
        };
        GuestSecurityState Service(int id) => vbsStatus is null ? GuestSecurityState.Unknown
            : running.Contains(id) ? GuestSecurityState.Running
            : configured.Contains(id) ? GuestSecurityState.Configured
            : GuestSecurityState.Off;
        return new GuestSecurity(vbs, Service(2), Service(1), ParseLaunchType(launchType));
    }

    /// <summary>"Auto"/"Off" (any case) as bcdedit writes them, "NotSet" for an entry without the setting; anything else is unknown.</summary>
    public static HypervisorLaunchType ParseLaunchType(string? word) => word?.Trim().ToUpperInvariant() switch
    {
        "AUTO" => HypervisorLaunchType.Auto,
        "OFF" => HypervisorLaunchType.Off,
        "NOTSET" => HypervisorLaunchType.NotSet,
        _ => HypervisorLaunchType.Unknown,
    };
}

/// <summary>
/// What the dashboard last read inside an L1 guest over PowerShell Direct, kept with the VM for the readiness rules
/// (vm.l2-network, vm.guest-security) and the VM page.
/// </summary>
/// <param name="ReadAt">When the guest answered.</param>
/// <param name="NatNames">The guest's WinNAT networks (Get-NetNat); empty when it has none.</param>
/// <param name="HyperV">The Hyper-V role or feature in the guest; null when the read did not say.</param>
/// <param name="Security">VBS, HVCI, Credential Guard and hypervisorlaunchtype.</param>
public sealed record GuestFacts(DateTimeOffset ReadAt, IReadOnlyList<string> NatNames, GuestHyperVState? HyperV, GuestSecurity Security)
{
    /// <summary>True when the guest has a NAT network for its nested VMs.</summary>
    public bool HasNat => NatNames.Count > 0;

    /// <summary>
    /// Whether Hyper-V can run in the guest: true when it is installed and the hypervisor launches at boot, false when it is not
    /// installed (or waits for a restart) or hypervisorlaunchtype is Off, null when it is installed but the boot setting is unknown.
    /// </summary>
    public bool? HyperVRunning => HyperV switch
    {
        GuestHyperVState.Installed => Security.LaunchType switch
        {
            HypervisorLaunchType.Auto => true,
            HypervisorLaunchType.Off or HypervisorLaunchType.NotSet => false,
            _ => null,
        },
        null => null,
        _ => false,
    };

    /// <summary>The facts a read of the guest returned, as of <paramref name="readAt"/>.</summary>
    public static GuestFacts From(GuestNetworkState state, DateTimeOffset readAt)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new GuestFacts(readAt, [.. state.Nats.Select(n => n.Name)], state.Os?.HyperV, state.Security ?? GuestSecurity.Unknown);
    }
}
