namespace NestedHvDashboard.Core.Hosts;

/// <summary>The processor maker, as nested virtualization cares about it.</summary>
public enum ProcessorVendor
{
    Unknown,
    Intel,
    Amd,
    Other,
}

/// <summary>What a Hyper-V host is: the facts the readiness rules and the overview need.</summary>
/// <param name="Name">The host's computer name (Win32_ComputerSystem.Name).</param>
/// <param name="OsCaption">Win32_OperatingSystem.Caption, e.g. "Microsoft Windows Server 2022 Datacenter".</param>
/// <param name="OsVersion">Win32_OperatingSystem.Version, e.g. "10.0.20348".</param>
/// <param name="OsBuild">The build number, e.g. 20348.</param>
/// <param name="IsServer">True for server editions (Win32_OperatingSystem.ProductType 2 or 3).</param>
/// <param name="ProcessorVendor">Intel, AMD or other, from Win32_Processor.Manufacturer.</param>
/// <param name="ProcessorManufacturer">Win32_Processor.Manufacturer as the host reports it, e.g. "GenuineIntel".</param>
/// <param name="ProcessorModel">Win32_Processor.Name.</param>
/// <param name="LogicalProcessors">Win32_ComputerSystem.NumberOfLogicalProcessors.</param>
/// <param name="MemoryBytes">Win32_ComputerSystem.TotalPhysicalMemory.</param>
/// <param name="HyperVPresent">Win32_ComputerSystem.HypervisorPresent and the Hyper-V module answering.</param>
/// <param name="SupportedConfigVersions">Get-VMHostSupportedVersion, highest last.</param>
/// <param name="DefaultConfigVersion">The version Get-VMHostSupportedVersion -Default names, if any.</param>
/// <param name="IsAzureVm">True when the host is itself an Azure VM (instance metadata answered).</param>
/// <param name="AzureSecurityType">Azure's securityProfile.securityType: null or empty means Standard; <see cref="AzureSecurityTypeUnknown"/> when the metadata did not answer.</param>
public sealed record HostFacts(
    string Name,
    string OsCaption,
    string OsVersion,
    int OsBuild,
    bool IsServer,
    ProcessorVendor ProcessorVendor,
    string ProcessorManufacturer,
    string ProcessorModel,
    int LogicalProcessors,
    long MemoryBytes,
    bool HyperVPresent,
    IReadOnlyList<Version> SupportedConfigVersions,
    Version? DefaultConfigVersion,
    bool IsAzureVm,
    string? AzureSecurityType)
{
    /// <summary>The <see cref="AzureSecurityType"/> of an Azure VM whose instance metadata did not answer.</summary>
    public const string AzureSecurityTypeUnknown = "Unknown";

    /// <summary>
    /// Win32_Processor.VirtualizationFirmwareEnabled (VT-x / AMD-V on in the firmware); null when not reported.
    /// Windows reports False while a hypervisor runs, so it says something only when <see cref="HyperVPresent"/> is false.
    /// </summary>
    public bool? VirtualizationFirmwareEnabled { get; init; }

    /// <summary>
    /// Win32_Processor.SecondLevelAddressTranslationExtensions (EPT on Intel, RVI on AMD); null when not reported.
    /// Like <see cref="VirtualizationFirmwareEnabled"/>, False while a hypervisor runs.
    /// </summary>
    public bool? SecondLevelAddressTranslation { get; init; }

    /// <summary>True when the host is a node of a failover cluster (its cluster service runs, or Get-Cluster answers).</summary>
    public bool InFailoverCluster { get; init; }

    /// <summary>The failover cluster's name (Get-Cluster), or null when not a node or when the FailoverClusters module is missing.</summary>
    public string? ClusterName { get; init; }
}
