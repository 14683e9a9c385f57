using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.HyperV;

/// <summary>Get-NetAdapter's output (MSFT_NetAdapter), the properties a caller reads.</summary>
public sealed class NetAdapter
{
    public required string Name { get; init; }

    public required string InterfaceDescription { get; init; }

    public int ifIndex { get; init; }

    public int InterfaceIndex => ifIndex;

    public string InterfaceAlias => Name;

    public string ifAlias => Name;

    public string Status { get; init; } = "Up";

    /// <summary>Dash-separated, as Get-NetAdapter shows it (e.g. "00-15-5D-01-02-03").</summary>
    public required string MacAddress { get; init; }

    public string LinkSpeed { get; init; } = "10 Gbps";

    public bool Virtual { get; init; }

    public required string SystemName { get; init; }

    internal static NetAdapter From(SimulatedNetAdapter a, SimulatedHost host) => new()
    {
        Name = a.Name,
        InterfaceDescription = a.InterfaceDescription,
        ifIndex = a.InterfaceIndex,
        Status = a.Status,
        MacAddress = string.Join('-', Enumerable.Range(0, a.MacAddress.Length / 2).Select(i => a.MacAddress.Substring(i * 2, 2))),
        LinkSpeed = a.LinkSpeed,
        Virtual = a.InterfaceDescription.StartsWith("Hyper-V", StringComparison.Ordinal),
        SystemName = host.Name,
    };
}

/// <summary>Get-NetIPAddress / New-NetIPAddress output (MSFT_NetIPAddress).</summary>
public sealed class NetIPAddress
{
    public required string IPAddress { get; init; }

    public int InterfaceIndex { get; init; }

    public required string InterfaceAlias { get; init; }

    public AddressFamily AddressFamily { get; init; }

    public string Type { get; init; } = "Unicast";

    public byte PrefixLength { get; init; }

    public string PrefixOrigin { get; init; } = "Manual";

    public string SuffixOrigin { get; init; } = "Manual";

    public string AddressState { get; init; } = "Preferred";

    public string ValidLifetime { get; init; } = "Infinite ([TimeSpan]::MaxValue)";

    public string PreferredLifetime { get; init; } = "Infinite ([TimeSpan]::MaxValue)";

    public bool SkipAsSource { get; init; }

    public string PolicyStore { get; init; } = "ActiveStore";

    internal static NetIPAddress From(SimulatedIPAddress ip, SimulatedHost host, string store = "ActiveStore") => new()
    {
        IPAddress = ip.IPAddress,
        InterfaceIndex = ip.InterfaceIndex,
        InterfaceAlias = host.NetAdapters.Find(a => a.InterfaceIndex == ip.InterfaceIndex)?.Name ?? "",
        AddressFamily = ip.AddressFamily,
        PrefixLength = ip.PrefixLength,
        PrefixOrigin = ip.PrefixOrigin,
        SuffixOrigin = ip.PrefixOrigin,
        Type = ip.StoredSettings.GetValueOrDefault("Type", "Unicast"),
        SkipAsSource = ip.StoredSettings.Flag("SkipAsSource", false),
        ValidLifetime = ip.StoredSettings.GetValueOrDefault("ValidLifetime", "Infinite ([TimeSpan]::MaxValue)"),
        PreferredLifetime = ip.StoredSettings.GetValueOrDefault("PreferredLifetime", "Infinite ([TimeSpan]::MaxValue)"),
        PolicyStore = store,
    };
}

/// <summary>Get-NetNat / New-NetNat output (MSFT_NetNat).</summary>
public sealed class NetNat
{
    public required string Name { get; init; }

    public string? ExternalIPInterfaceAddressPrefix { get; init; }

    public string? InternalIPInterfaceAddressPrefix { get; init; }

    public int IcmpQueryTimeout { get; init; } = 30;

    public int TcpEstablishedConnectionTimeout { get; init; } = 1800;

    public int TcpTransientConnectionTimeout { get; init; } = 120;

    public string TcpFilteringBehavior { get; init; } = "AddressDependentFiltering";

    public string UdpFilteringBehavior { get; init; } = "AddressDependentFiltering";

    public int UdpIdleSessionTimeout { get; init; } = 120;

    public int UdpInboundRefresh { get; init; } = 1;

    public string Store { get; init; } = "Local";

    public bool Active { get; init; } = true;

    internal static NetNat From(SimulatedNetNat nat) => new()
    {
        Name = nat.Name,
        ExternalIPInterfaceAddressPrefix = nat.ExternalIPInterfaceAddressPrefix,
        InternalIPInterfaceAddressPrefix = nat.InternalIPInterfaceAddressPrefix,
    };
}
