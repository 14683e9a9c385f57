namespace NestedHvDashboard.Core.Networking;

/// <summary>One of the L1 VM's network adapters as its host reports it: the L0 switch it is on and whether MAC spoofing is on.</summary>
public sealed record L1AdapterSpoofing(string Name, string? SwitchName, bool MacAddressSpoofing);

/// <summary>One of the L2 VM's adapters inside the L1: the L1's switch it is connected to (null: none) and that switch's type.</summary>
public sealed record L2SwitchLink(string AdapterName, string? SwitchName, string? SwitchType)
{
    /// <summary>True when the switch is an external one (bound to the L1's own adapter, so the L2's frames leave through the L1's VM adapter).</summary>
    public bool IsExternal => string.Equals(SwitchType, "External", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// What the L1's host and the L1 say around one L2 guest, read in the same call as the L2 itself: the L1's adapters (MAC spoofing),
/// its NATs and addresses, the L2 VM's state and switches, and the L2's own addressing when it could be reached.
/// </summary>
/// <param name="L1VmName">The L1 VM's name on its host.</param>
/// <param name="L2VmName">The L2 VM's name inside the L1.</param>
/// <param name="L1Adapters">The L1 VM's adapters on its host.</param>
/// <param name="Nats">The L1's NAT networks (Get-NetNat).</param>
/// <param name="L1Addresses">The L1's IPv4 addresses (Get-NetIPAddress).</param>
/// <param name="L2State">The L2 VM's state inside the L1 (Get-VM), e.g. Running.</param>
/// <param name="L2Switches">The L2 VM's adapters and their switches inside the L1.</param>
/// <param name="L2">The L2 guest's addressing, or null when it was not reached (not running).</param>
public sealed record L2NetworkContext(
    string L1VmName,
    string L2VmName,
    IReadOnlyList<L1AdapterSpoofing> L1Adapters,
    IReadOnlyList<GuestNat> Nats,
    IReadOnlyList<GuestIPAddress> L1Addresses,
    string L2State,
    IReadOnlyList<L2SwitchLink> L2Switches,
    L2GuestAddresses? L2)
{
    /// <summary>True when the L2 VM runs (only then does PowerShell Direct reach its guest).</summary>
    public bool L2Runs => string.Equals(L2State, "Running", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when every adapter of the L1 VM has MAC spoofing on (an L1 with no adapter has nothing to spoof on).</summary>
    public bool L1SpoofsEverywhere => L1Adapters.Count > 0 && L1Adapters.All(a => a.MacAddressSpoofing);

    /// <summary>The switch the L2's first connected adapter is on inside the L1, or null when none is connected.</summary>
    public L2SwitchLink? L2Switch => L2Switches.FirstOrDefault(s => s.SwitchName is not null);

    /// <summary>The NAT whose internal prefix holds an address of the L1 on "vEthernet (switch)", with that address: the NAT an L2 on that switch uses.</summary>
    public (GuestNat Nat, Ipv4Prefix Prefix, string? Gateway)? NatFor(string? switchName)
    {
        foreach (var nat in Nats)
        {
            if (!Ipv4Prefix.TryParse(nat.InternalIPInterfaceAddressPrefix, out var prefix, out _))
            {
                continue;
            }

            var alias = switchName is null ? null : NatNetworkPlan.AdapterAliasFor(switchName);
            var gateway = L1Addresses.FirstOrDefault(a =>
                (alias is null || string.Equals(a.InterfaceAlias, alias, StringComparison.OrdinalIgnoreCase)) &&
                Ipv4Address.TryParse(a.IPAddress, out var ip, out _) && prefix.Contains(ip))?.IPAddress;
            if (gateway is not null || Nats.Count == 1)
            {
                return (nat, prefix, gateway);
            }
        }

        return null;
    }

    /// <summary>The L1's addresses on "vEthernet (switch)".</summary>
    public IReadOnlyList<GuestIPAddress> L1AddressesOn(string switchName) =>
        [.. L1Addresses.Where(a => string.Equals(a.InterfaceAlias, NatNetworkPlan.AdapterAliasFor(switchName), StringComparison.OrdinalIgnoreCase))];
}

/// <summary>An address request the validator refused against a fresh read; nothing ran in the L2.</summary>
public sealed class L2AddressRefusedException(string hostName, string l1VmName, string l2VmName, IReadOnlyList<NatNetworkProblem> problems)
    : Exception($"Apply the address of L2 VM '{l2VmName}' in VM '{l1VmName}' on host '{hostName}': refused before anything ran: {string.Join(" ", problems.Select(p => p.ToString()))}")
{
    /// <summary>What was wrong, by field (<see cref="L2AddressField"/>).</summary>
    public IReadOnlyList<NatNetworkProblem> Problems { get; } = problems;
}

/// <summary>The fields an L2 address problem can point at.</summary>
public static class L2AddressField
{
    public const string IpAddress = nameof(L2AddressRequest.IpAddress);
    public const string PrefixLength = nameof(L2AddressRequest.PrefixLength);
    public const string Gateway = nameof(L2AddressRequest.Gateway);
    public const string DnsServer = nameof(L2AddressRequest.DnsServer);
    public const string InterfaceAlias = nameof(L2AddressRequest.InterfaceAlias);

    /// <summary>The L2 VM itself (not running, not found).</summary>
    public const string L2Vm = "L2Vm";
}
