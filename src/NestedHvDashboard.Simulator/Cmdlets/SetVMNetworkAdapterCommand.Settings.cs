using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>Set-VMNetworkAdapter's documented settings the simulator accepts and stores without modelling them.</summary>
public sealed partial class SetVMNetworkAdapterCommand
{
    private static readonly string[] Unmodelled =
    [
        "MediaType", "NumaAwarePlacement", "InterruptModeration", "DhcpGuard", "RouterGuard", "PortMirroring", "IeeePriorityTag", "VmqWeight",
        "IovQueuePairsRequested", "IovInterruptModeration", "IovWeight", "IPsecOffloadMaximumSecurityAssociation", "MaximumBandwidth",
        "MinimumBandwidthAbsolute", "MinimumBandwidthWeight", "MandatoryFeatureId", "ResourcePoolName", "TestReplicaPoolName",
        "TestReplicaSwitchName", "VirtualSubnetId", "AllowTeaming", "NotMonitoredInCluster", "StormLimit", "DynamicIPAddressLimit",
        "DeviceNaming", "FixSpeed10G", "PacketDirectNumProcs", "PacketDirectModerationCount", "PacketDirectModerationInterval",
        "VrssEnabled", "VmmqEnabled", "VrssMaxQueuePairs", "VrssMinQueuePairs", "VrssQueueSchedulingMode", "VrssExcludePrimaryProcessor",
        "VrssIndependentHostSpreading", "VrssVmbusChannelAffinityPolicy", "RscEnabled",
    ];

    [Parameter]
    public uint? MediaType { get; set; }

    [Parameter]
    public bool? NumaAwarePlacement { get; set; }

    [Parameter]
    public bool? InterruptModeration { get; set; }

    [Parameter]
    public OnOffState? DhcpGuard { get; set; }

    [Parameter]
    public OnOffState? RouterGuard { get; set; }

    [Parameter]
    public VMNetworkAdapterPortMirroringMode? PortMirroring { get; set; }

    [Parameter]
    public OnOffState? IeeePriorityTag { get; set; }

    [Parameter]
    [ValidateRange(0, 100)]
    public uint? VmqWeight { get; set; }

    [Parameter]
    public uint? IovQueuePairsRequested { get; set; }

    [Parameter]
    public IovInterruptModerationValue? IovInterruptModeration { get; set; }

    [Parameter]
    [ValidateRange(0, 100)]
    public uint? IovWeight { get; set; }

    [Parameter]
    public uint? IPsecOffloadMaximumSecurityAssociation { get; set; }

    [Parameter]
    public long? MaximumBandwidth { get; set; }

    [Parameter]
    public long? MinimumBandwidthAbsolute { get; set; }

    [Parameter]
    [ValidateRange(0, 100)]
    public uint? MinimumBandwidthWeight { get; set; }

    [Parameter]
    public string[]? MandatoryFeatureId { get; set; }

    [Parameter]
    public string? ResourcePoolName { get; set; }

    [Parameter]
    public string? TestReplicaPoolName { get; set; }

    [Parameter]
    public string? TestReplicaSwitchName { get; set; }

    [Parameter]
    public uint? VirtualSubnetId { get; set; }

    [Parameter]
    public OnOffState? AllowTeaming { get; set; }

    [Parameter]
    public bool? NotMonitoredInCluster { get; set; }

    [Parameter]
    public uint? StormLimit { get; set; }

    [Parameter]
    public uint? DynamicIPAddressLimit { get; set; }

    [Parameter]
    public OnOffState? DeviceNaming { get; set; }

    [Parameter]
    public OnOffState? FixSpeed10G { get; set; }

    [Parameter]
    public uint? PacketDirectNumProcs { get; set; }

    [Parameter]
    public uint? PacketDirectModerationCount { get; set; }

    [Parameter]
    public uint? PacketDirectModerationInterval { get; set; }

    [Parameter]
    public bool? VrssEnabled { get; set; }

    [Parameter]
    public bool? VmmqEnabled { get; set; }

    [Parameter]
    public uint? VrssMaxQueuePairs { get; set; }

    [Parameter]
    public uint? VrssMinQueuePairs { get; set; }

    [Parameter]
    public VrssQueueSchedulingModeType? VrssQueueSchedulingMode { get; set; }

    [Parameter]
    public bool? VrssExcludePrimaryProcessor { get; set; }

    [Parameter]
    public bool? VrssIndependentHostSpreading { get; set; }

    [Parameter]
    public VrssVmbusChannelAffinityPolicyType? VrssVmbusChannelAffinityPolicy { get; set; }

    [Parameter]
    public bool? RscEnabled { get; set; }
}
