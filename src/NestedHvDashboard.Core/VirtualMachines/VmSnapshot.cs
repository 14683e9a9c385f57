namespace NestedHvDashboard.Core.VirtualMachines;

/// <summary>
/// Hyper-V's VMState names (Microsoft.HyperV.PowerShell.VMState), with the same numbers.
/// </summary>
public enum VmState
{
    Other = 1,
    Running = 2,
    Off = 3,
    Stopping = 4,
    Saved = 6,
    Paused = 9,
    Starting = 10,
    Reset = 11,
    Saving = 32773,
    Pausing = 32776,
    Resuming = 32777,
    FastSaved = 32779,
    FastSaving = 32780,
    ForceShutdown = 32781,
    ForceReboot = 32782,
    Hibernated = 32783,
    ComponentServicing = 32784,
    RunningCritical = 32785,
    OffCritical = 32786,
    StoppingCritical = 32787,
    SavedCritical = 32788,
    PausedCritical = 32789,
    StartingCritical = 32790,
    ResetCritical = 32791,
    SavingCritical = 32792,
    PausingCritical = 32793,
    ResumingCritical = 32794,
    FastSavedCritical = 32795,
    FastSavingCritical = 32796,
}

/// <summary>One network adapter of a VM, as nested networking needs it.</summary>
/// <param name="Name">The adapter's name, e.g. "Network Adapter".</param>
/// <param name="SwitchName">The virtual switch it is connected to, or null when not connected.</param>
/// <param name="MacAddress">Twelve hex digits, as Hyper-V reports it (e.g. "00155D010203").</param>
/// <param name="MacAddressSpoofing">True when MAC address spoofing is On.</param>
public sealed record VmNetworkAdapterInfo(string Name, string? SwitchName, string MacAddress, bool MacAddressSpoofing);

/// <summary>
/// One VM as a single inventory round trip reports it: only cheap properties, everything the
/// nested configuration needs.
/// </summary>
/// <param name="Id">Hyper-V's VM id.</param>
/// <param name="Name">The VM's name; any text, never interpreted.</param>
/// <param name="State">The power state.</param>
/// <param name="Uptime">Time since the VM last started; zero when not running.</param>
/// <param name="CpuUsagePercent">CPU usage, 0-100.</param>
/// <param name="MemoryAssignedBytes">Memory assigned now.</param>
/// <param name="DynamicMemoryEnabled">True when dynamic memory is on.</param>
/// <param name="MemoryStartupBytes">Startup memory.</param>
/// <param name="ConfigVersion">The configuration version, e.g. 9.0.</param>
/// <param name="Generation">1 or 2.</param>
/// <param name="ProcessorCount">Virtual processors.</param>
/// <param name="ExposeVirtualizationExtensions">True when nested virtualization is on.</param>
/// <param name="HasCheckpoints">True when the VM has at least one checkpoint.</param>
/// <param name="NetworkAdapters">Every adapter of the VM.</param>
/// <param name="GuestOsName">The guest's OS name from the KVP exchange (e.g. "Windows Server 2019 Datacenter"), or null when the guest does not report it.</param>
/// <param name="GuestOsVersion">The guest's OS version from the KVP exchange (e.g. "10.0.17763"), or null.</param>
public sealed record VmSnapshot(
    Guid Id,
    string Name,
    VmState State,
    TimeSpan Uptime,
    int CpuUsagePercent,
    long MemoryAssignedBytes,
    bool DynamicMemoryEnabled,
    long MemoryStartupBytes,
    Version ConfigVersion,
    int Generation,
    int ProcessorCount,
    bool ExposeVirtualizationExtensions,
    bool HasCheckpoints,
    IReadOnlyList<VmNetworkAdapterInfo> NetworkAdapters,
    string? GuestOsName,
    string? GuestOsVersion)
{
    /// <summary>True when the VM is a clustered role (Get-VM's IsClustered): a failover cluster may live-migrate it.</summary>
    public bool IsClustered { get; init; }
}
