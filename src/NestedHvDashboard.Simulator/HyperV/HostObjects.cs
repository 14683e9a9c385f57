using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.HyperV;

/// <summary>Get-VMSwitch's output (Microsoft.HyperV.PowerShell.VMSwitch).</summary>
public sealed class VMSwitch
{
    public required string Name { get; init; }

    public Guid Id { get; init; }

    public VMSwitchType SwitchType { get; init; }

    public bool AllowManagementOS { get; init; }

    public string? NetAdapterInterfaceDescription { get; init; }

    public required string ComputerName { get; init; }

    internal static VMSwitch From(SimulatedSwitch s, SimulatedHost host) => new()
    {
        Name = s.Name,
        Id = s.Id,
        SwitchType = s.SwitchType,
        AllowManagementOS = s.AllowManagementOS,
        NetAdapterInterfaceDescription = s.NetAdapterName is { } n
            ? host.NetAdapters.Find(a => string.Equals(a.Name, n, StringComparison.OrdinalIgnoreCase))?.InterfaceDescription
            : null,
        ComputerName = host.Name,
    };
}

/// <summary>Get-VMHost's output (Microsoft.HyperV.PowerShell.VMHost).</summary>
public sealed class VMHost
{
    public required string Name { get; init; }

    public required string ComputerName { get; init; }

    public required string FullyQualifiedDomainName { get; init; }

    public long LogicalProcessorCount { get; init; }

    public long MemoryCapacity { get; init; }

    public string VirtualHardDiskPath { get; init; } = @"C:\ProgramData\Microsoft\Windows\Virtual Hard Disks";

    public string VirtualMachinePath { get; init; } = @"C:\ProgramData\Microsoft\Windows\Hyper-V";

    public string MacAddressMinimum { get; init; } = "00155D000000";

    public string MacAddressMaximum { get; init; } = "00155DFFFFFF";

    public bool NumaSpanningEnabled { get; init; } = true;

    public bool EnableEnhancedSessionMode { get; init; }

    internal static VMHost From(SimulatedHost host) => new()
    {
        Name = host.Name,
        ComputerName = host.Name,
        FullyQualifiedDomainName = string.IsNullOrEmpty(host.Profile.Domain) ? host.Name : $"{host.Name}.{host.Profile.Domain}",
        LogicalProcessorCount = host.Profile.LogicalProcessors,
        MemoryCapacity = host.Profile.MemoryBytes,
        EnableEnhancedSessionMode = host.Profile.ProductType == 1,
    };
}

/// <summary>Get-VMHostSupportedVersion's output (Microsoft.HyperV.PowerShell.VMHostSupportedVersion).</summary>
public sealed class VMHostSupportedVersion
{
    public required string Name { get; init; }

    public required Version Version { get; init; }

    public bool IsDefault { get; init; }
}
