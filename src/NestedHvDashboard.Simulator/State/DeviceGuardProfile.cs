namespace NestedHvDashboard.Simulator.State;

/// <summary>
/// What a simulated Windows reports about virtualization-based security (Win32_DeviceGuard in root\Microsoft\Windows\DeviceGuard)
/// and its boot entry's hypervisorlaunchtype (bcdedit /enum {current}).
/// </summary>
public sealed class DeviceGuardProfile
{
    /// <summary>Win32_DeviceGuard.VirtualizationBasedSecurityStatus: 0 off, 1 enabled but not running, 2 running.</summary>
    public int VirtualizationBasedSecurityStatus { get; set; }

    /// <summary>Win32_DeviceGuard.SecurityServicesConfigured: 1 Credential Guard, 2 HVCI, 3 System Guard Secure Launch.</summary>
    public List<int> SecurityServicesConfigured { get; set; } = [];

    /// <summary>Win32_DeviceGuard.SecurityServicesRunning, same numbers.</summary>
    public List<int> SecurityServicesRunning { get; set; } = [];

    /// <summary>
    /// The boot entry's hypervisorlaunchtype ("Auto", "Off"); null for Windows' own default: Auto once the Hyper-V role is
    /// installed, no such line before.
    /// </summary>
    public string? HypervisorLaunchType { get; set; }

    /// <summary>True when bcdedit refuses to open the boot store (what a non-elevated account gets).</summary>
    public bool BootStoreDenied { get; set; }

    /// <summary>True when the OS has no Win32_DeviceGuard class (older than Windows 10 / Server 2016).</summary>
    public bool NoDeviceGuardClass { get; set; }

    public DeviceGuardProfile Clone() => new()
    {
        VirtualizationBasedSecurityStatus = VirtualizationBasedSecurityStatus,
        SecurityServicesConfigured = [.. SecurityServicesConfigured],
        SecurityServicesRunning = [.. SecurityServicesRunning],
        HypervisorLaunchType = HypervisorLaunchType,
        BootStoreDenied = BootStoreDenied,
        NoDeviceGuardClass = NoDeviceGuardClass,
    };
}
