using NestedHvDashboard.Core.Networking;

namespace NestedHvDashboard.Web.Networking;

/// <summary>An existing NAT in the guest as the page shows it: the switch whose vEthernet adapter holds its gateway, and L2 addresses.</summary>
/// <param name="Nat">The NAT as Get-NetNat reports it.</param>
/// <param name="SwitchName">The internal switch whose "vEthernet (name)" address lies in the NAT's prefix, or null when none does.</param>
/// <param name="Gateway">That address: the L2 guests' default gateway, or null.</param>
/// <param name="L2">The next free addresses for L2 guests with their commands, or null when the prefix or gateway is unknown.</param>
public sealed record GuestNatView(GuestNat Nat, string? SwitchName, string? Gateway, L2AddressPlanResult? L2)
{
    /// <summary>How many L2 addresses the page proposes.</summary>
    public const int L2Count = 3;

    /// <summary>Every NAT of <paramref name="state"/>, with its switch, gateway and L2 plan (DNS <paramref name="dnsServer"/> when it parses).</summary>
    public static IReadOnlyList<GuestNatView> Of(GuestNetworkState state, string? dnsServer)
    {
        ArgumentNullException.ThrowIfNull(state);
        Ipv4Address? dns = Ipv4Address.TryParse(dnsServer, out var parsed, out _) ? parsed : null;
        var inUse = state.Addresses.Select(a => a.IPAddress).ToList();
        return [.. state.Nats.Select(nat =>
        {
            if (!Ipv4Prefix.TryParse(nat.InternalIPInterfaceAddressPrefix, out var prefix, out _))
            {
                return new GuestNatView(nat, null, null, null);
            }

            foreach (var address in state.Addresses)
            {
                if (Ipv4Address.TryParse(address.IPAddress, out var ip, out _) && prefix.Contains(ip) && SwitchOf(address.InterfaceAlias, state) is { } switchName)
                {
                    return new GuestNatView(nat, switchName, ip.ToString(), L2AddressPlan.Create(prefix, ip, dns, inUse, L2Count));
                }
            }

            return new GuestNatView(nat, null, null, null);
        })];
    }

    private static string? SwitchOf(string interfaceAlias, GuestNetworkState state) =>
        state.SwitchNames.FirstOrDefault(s => string.Equals(NatNetworkPlan.AdapterAliasFor(s), interfaceAlias, StringComparison.OrdinalIgnoreCase));
}
