namespace NestedHvDashboard.Simulator.HyperV;

/// <summary>Hyper-V's Microsoft.HyperV.PowerShell.VMNetworkAdapterPortMirroringMode.</summary>
public enum VMNetworkAdapterPortMirroringMode
{
    None = 0,
    Destination = 1,
    Source = 2,
}

/// <summary>Hyper-V's Microsoft.HyperV.PowerShell.IovInterruptModerationValue.</summary>
public enum IovInterruptModerationValue
{
    Default = 0,
    Adaptive = 1,
    Off = 2,
    Low = 100,
    Medium = 200,
    High = 300,
}

/// <summary>Hyper-V's Microsoft.HyperV.PowerShell.VrssQueueSchedulingModeType.</summary>
public enum VrssQueueSchedulingModeType
{
    Dynamic = 0,
    StaticVrss = 1,
    StaticVmq = 2,
}

/// <summary>Hyper-V's Microsoft.HyperV.PowerShell.VrssVmbusChannelAffinityPolicyType.</summary>
public enum VrssVmbusChannelAffinityPolicyType
{
    None = 0,
    Weak = 1,
    Strong = 2,
    Strict = 3,
}

/// <summary>Hyper-V's Microsoft.HyperV.PowerShell.VMSwitchBandwidthMode.</summary>
public enum VMSwitchBandwidthMode
{
    Default = 0,
    Weight = 1,
    Absolute = 2,
    None = 3,
}

/// <summary>Hyper-V's Microsoft.HyperV.PowerShell.BootDevice (New-VM -BootDevice).</summary>
public enum BootDevice
{
    Floppy = 0,
    CD = 1,
    IDE = 2,
    LegacyNetworkAdapter = 3,
    NetworkAdapter = 4,
    VHD = 5,
}
