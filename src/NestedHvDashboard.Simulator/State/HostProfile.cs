namespace NestedHvDashboard.Simulator.State;

/// <summary>What the simulated host is: the facts Win32_* classes, Get-VMHost and IMDS report.</summary>
public sealed class HostProfile
{
    /// <summary>Win32_OperatingSystem.Caption, e.g. "Microsoft Windows Server 2022 Datacenter".</summary>
    public string OsCaption { get; set; } = "Microsoft Windows Server 2022 Datacenter";

    /// <summary>Win32_OperatingSystem.Version, e.g. "10.0.20348".</summary>
    public string OsVersion { get; set; } = "10.0.20348";

    public int OsBuild { get; set; } = 20348;

    /// <summary>Win32_OperatingSystem.ProductType: 1 workstation, 2 domain controller, 3 server.</summary>
    public int ProductType { get; set; } = 3;

    /// <summary>Win32_Processor.Manufacturer: "GenuineIntel" or "AuthenticAMD".</summary>
    public string ProcessorManufacturer { get; set; } = "GenuineIntel";

    /// <summary>Win32_Processor.Name.</summary>
    public string ProcessorName { get; set; } = "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz";

    public int ProcessorSockets { get; set; } = 2;

    public int LogicalProcessors { get; set; } = 128;

    public long MemoryBytes { get; set; } = 512L * 1024 * 1024 * 1024;

    /// <summary>Configuration versions Get-VMHostSupportedVersion lists, lowest first.</summary>
    public List<string> SupportedVersions { get; set; } = [.. ConfigVersions.UpTo("10.0")];

    /// <summary>The version Get-VMHostSupportedVersion -Default names.</summary>
    public string DefaultVersion { get; set; } = "10.0";

    /// <summary>True when the host is itself an Azure VM: IMDS answers.</summary>
    public bool IsAzureVm { get; set; }

    /// <summary>IMDS compute.securityProfile.securityType: "TrustedLaunch", "ConfidentialVM", "Standard" or empty.</summary>
    public string? AzureSecurityType { get; set; }

    public string? AzureVmSize { get; set; }

    public string? AzureLocation { get; set; }

    public Guid AzureVmId { get; set; }

    /// <summary>Win32_SystemEnclosure.SMBIOSAssetTag; Azure VMs report <see cref="AzureAssetTag"/>.</summary>
    public string AssetTag { get; set; } = "";

    public string SystemManufacturer { get; set; } = "Dell Inc.";

    public string SystemModel { get; set; } = "PowerEdge R750";

    public string Domain { get; set; } = "lab.contoso.com";

    /// <summary>The failover cluster this host is a node of (Get-Cluster's Name), or null when it is not a node.</summary>
    public string? ClusterName { get; set; }

    public DateTimeOffset LastBootUpTime { get; set; } = new(2025, 1, 6, 7, 30, 0, TimeSpan.Zero);

    /// <summary>Virtualization-based security and the hypervisor's boot setting (Win32_DeviceGuard, bcdedit).</summary>
    public DeviceGuardProfile DeviceGuard { get; set; } = new();

    /// <summary>The SMBIOS asset tag every Azure VM reports.</summary>
    public const string AzureAssetTag = "7783-7084-3265-9085-8269-3286-77";

    public HostProfile Clone()
    {
        var copy = (HostProfile)MemberwiseClone();
        copy.SupportedVersions = [.. SupportedVersions];
        copy.DeviceGuard = DeviceGuard.Clone();
        return copy;
    }
}

/// <summary>How long simulated power changes take.</summary>
public sealed class SimulationTiming
{
    public TimeSpan StartDuration { get; set; } = TimeSpan.FromSeconds(2.5);

    public TimeSpan StopDuration { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan SaveDuration { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Near-instant timings for tests.</summary>
    public static SimulationTiming Fast() => new()
    {
        StartDuration = TimeSpan.FromMilliseconds(40),
        StopDuration = TimeSpan.FromMilliseconds(40),
        SaveDuration = TimeSpan.FromMilliseconds(40),
    };

    public SimulationTiming Clone() => (SimulationTiming)MemberwiseClone();
}

/// <summary>Hyper-V configuration versions and the names Get-VMHostSupportedVersion gives them.</summary>
public static class ConfigVersions
{
    private static readonly (string Version, string Name)[] All =
    [
        ("5.0", "Microsoft Windows 8.1/Server 2012 R2"),
        ("6.2", "Microsoft Windows 10 1511/Server 2016 Technical Preview 4"),
        ("7.0", "Microsoft Windows 10 Anniversary Update/Server 2016 Technical Preview 5"),
        ("7.1", "Microsoft Windows 10 Anniversary Update/Server 2016 Technical Preview 5"),
        ("8.0", "Microsoft Windows 10 Anniversary Update/Server 2016"),
        ("8.1", "Microsoft Windows 10 Creators Update"),
        ("8.2", "Microsoft Windows 10 Fall Creators Update/Server 1709"),
        ("8.3", "Microsoft Windows 10 April 2018 Update/Server 1803"),
        ("9.0", "Microsoft Windows 10 October 2018 Update/Server 2019"),
        ("9.1", "Microsoft Windows 10 May 2019 Update/Server 1903"),
        ("9.2", "Microsoft Windows 10 May 2020 Update/Server 2004"),
        ("9.3", "Microsoft Windows 10 October 2020 Update/Server 20H2"),
        ("10.0", "Microsoft Windows 11/Server 2022"),
        ("11.0", "Microsoft Windows 11 22H2"),
        ("12.0", "Microsoft Windows 11 24H2/Server 2025"),
    ];

    /// <summary>Every version Hyper-V has shipped, lowest first.</summary>
    public static IReadOnlyList<string> Known { get; } = All.Select(v => v.Version).ToArray();

    /// <summary>The versions from 5.0 up to and including <paramref name="highest"/>.</summary>
    public static IEnumerable<string> UpTo(string highest) =>
        Known.Where(v => Version.Parse(v) <= Version.Parse(highest));

    /// <summary>Get-VMHostSupportedVersion's Name for a version.</summary>
    public static string DisplayName(string version) =>
        All.FirstOrDefault(v => v.Version == version).Name ?? $"Configuration version {version}";
}
