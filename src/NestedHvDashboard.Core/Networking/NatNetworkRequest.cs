namespace NestedHvDashboard.Core.Networking;

/// <summary>
/// A NAT network to set up inside an L1 guest (the "middle" VM), as Microsoft's nested virtualization
/// document does: an internal switch, the gateway address on its vEthernet adapter, and a WinNAT network.
/// </summary>
/// <param name="Prefix">The NAT network in CIDR form, e.g. 192.168.0.0/24.</param>
/// <param name="Gateway">The address the L1 guest takes on the switch; the L2 guests' default gateway, e.g. 192.168.0.1.</param>
/// <param name="DnsServer">The DNS server the L2 guests are given, or null/empty for none.</param>
/// <param name="SwitchName">The internal switch to create. Default "VmNAT", as in the document.</param>
/// <param name="NatName">The WinNAT network's name. Default "LocalNAT", as in the document.</param>
public sealed record NatNetworkRequest(
    string Prefix,
    string Gateway,
    string? DnsServer = null,
    string SwitchName = NatNetworkRequest.DefaultSwitchName,
    string NatName = NatNetworkRequest.DefaultNatName)
{
    /// <summary>The switch name Microsoft's document uses.</summary>
    public const string DefaultSwitchName = "VmNAT";

    /// <summary>The NAT name Microsoft's document uses.</summary>
    public const string DefaultNatName = "LocalNAT";
}
