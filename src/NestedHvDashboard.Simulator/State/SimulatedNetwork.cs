using NestedHvDashboard.Simulator.HyperV;

namespace NestedHvDashboard.Simulator.State;

/// <summary>A Hyper-V virtual switch on the simulated host.</summary>
public sealed class SimulatedSwitch
{
    public string Name { get; set; } = "";

    /// <summary>The switch id; derived from the name when a state file leaves it out.</summary>
    public Guid Id { get; set; }

    public VMSwitchType SwitchType { get; set; } = VMSwitchType.Internal;

    /// <summary>For an external switch, the physical adapter it is bound to.</summary>
    public string? NetAdapterName { get; set; }

    public bool AllowManagementOS { get; set; } = true;

    /// <summary>
    /// Documented settings the simulator accepts but does not model: New-VMSwitch's (-Notes, -EnableIov, ...) and
    /// Set-VMNetworkAdapter -ManagementOS's for the switch's host adapter ("ManagementOS.DhcpGuard", ...).
    /// </summary>
    public Dictionary<string, string> StoredSettings { get; set; } = [];
}

/// <summary>A host network adapter (MSFT_NetAdapter), physical or a switch's "vEthernet (name)".</summary>
public sealed class SimulatedNetAdapter
{
    public string Name { get; set; } = "";

    public string InterfaceDescription { get; set; } = "";

    public int InterfaceIndex { get; set; }

    public string Status { get; set; } = "Up";

    /// <summary>Twelve hex digits; shown dash-separated like Get-NetAdapter does.</summary>
    public string MacAddress { get; set; } = "00155D000000";

    public string LinkSpeed { get; set; } = "10 Gbps";

    public List<string> DnsServers { get; set; } = [];
}

/// <summary>An IP address on a host interface (MSFT_NetIPAddress), plus the default gateway set with it.</summary>
public sealed class SimulatedIPAddress
{
    public string IPAddress { get; set; } = "";

    public int InterfaceIndex { get; set; }

    public AddressFamily AddressFamily { get; set; } = AddressFamily.IPv4;

    public byte PrefixLength { get; set; }

    public string PrefixOrigin { get; set; } = "Manual";

    public string? DefaultGateway { get; set; }

    /// <summary>Documented New-NetIPAddress settings the simulator accepts but does not model (-Type, -SkipAsSource, lifetimes, ...).</summary>
    public Dictionary<string, string> StoredSettings { get; set; } = [];
}

/// <summary>A WinNAT network (MSFT_NetNat). WinNAT supports one per host.</summary>
public sealed class SimulatedNetNat
{
    public string Name { get; set; } = "";

    public string? InternalIPInterfaceAddressPrefix { get; set; }

    public string? ExternalIPInterfaceAddressPrefix { get; set; }

    /// <summary>Documented New-NetNat settings the simulator accepts but does not model (-InternalRoutingDomainId).</summary>
    public Dictionary<string, string> StoredSettings { get; set; } = [];
}
