using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Core.Networking;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>The address one L2 guest gets: its static IPv4 address, prefix length, gateway and DNS server.</summary>
public sealed record BlueprintL2Address(string IpAddress, int PrefixLength, string? Gateway, string? DnsServer);

/// <summary>
/// Each L2's address in one L1: the blueprint's own, or for an L2 left empty behind a NAT the next free one of the prefix
/// (<see cref="L2AddressPlan"/>, after the gateway, the DNS server and the addresses the blueprint gives). An L2 behind an external
/// switch without an address keeps what the physical network's DHCP gives it (no address step).
/// </summary>
public static class BlueprintAddresses
{
    /// <summary>The NAT's gateway: the blueprint's, or the prefix's first host address.</summary>
    public static string? GatewayOf(BlueprintNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!string.IsNullOrWhiteSpace(network.Gateway))
        {
            return network.Gateway.Trim();
        }

        return network.Kind is BlueprintNetworking.Nat && Ipv4Prefix.TryParse(network.NatPrefix, out var prefix, out _)
            ? new Ipv4Address(prefix.Network.Value + 1).ToString()
            : null;
    }

    /// <summary>The L2s' addresses in order (null for an L2 that keeps DHCP), adding to <paramref name="problems"/> what keeps one from being chosen.</summary>
    public static IReadOnlyList<BlueprintL2Address?> For(BlueprintL1 l1, string path, List<BlueprintProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(l1);
        ArgumentNullException.ThrowIfNull(problems);
        var network = l1.Network;
        var gateway = GatewayOf(network);
        var dns = string.IsNullOrWhiteSpace(network.DnsServer) ? null : network.DnsServer.Trim();
        var result = new BlueprintL2Address?[l1.L2s.Count];
        Ipv4Prefix? prefix = null;
        if (network.Kind is BlueprintNetworking.Nat)
        {
            var nat = NatNetworkPlan.Create(new NatNetworkRequest(network.NatPrefix ?? "", gateway ?? "", dns, network.SwitchName), GuestNetworkState.Empty);
            foreach (var problem in nat.Problems)
            {
                problems.Add(new($"{path}.network.{NetworkField(problem.Field)}", problem.Message));
            }

            if (!nat.IsValid)
            {
                return result;
            }

            prefix = nat.Plan.Prefix;
        }

        var given = new List<string>();
        for (var i = 0; i < l1.L2s.Count; i++)
        {
            var l2 = l1.L2s[i];
            if (string.IsNullOrWhiteSpace(l2.IpAddress))
            {
                continue;
            }

            var at = $"{path}.l2s[{i}]";
            if (!Ipv4Address.TryParse(l2.IpAddress, out var address, out var error))
            {
                problems.Add(new($"{at}.ipAddress", $"The address {error}."));
                continue;
            }

            var length = l2.PrefixLength ?? prefix?.Length;
            if (length is not { } bits || bits is < 1 or > 32)
            {
                problems.Add(new($"{at}.prefixLength", $"Give the prefix length of {address} (the external switch's network has no prefix the blueprint knows)."));
                continue;
            }

            if (prefix is { } nat && (!nat.Contains(address) || address == nat.Network || address == nat.Broadcast))
            {
                problems.Add(new($"{at}.ipAddress", $"{address} is not a host address of the NAT prefix {nat}."));
                continue;
            }

            if (string.Equals(address.ToString(), gateway, StringComparison.Ordinal) || string.Equals(address.ToString(), dns, StringComparison.Ordinal))
            {
                problems.Add(new($"{at}.ipAddress", $"{address} is the L1's {(string.Equals(address.ToString(), gateway, StringComparison.Ordinal) ? "gateway" : "DNS server")}, not free for an L2."));
                continue;
            }

            if (given.Contains(address.ToString()))
            {
                problems.Add(new($"{at}.ipAddress", $"{address} is already given to another L2 of '{l1.Name}'."));
                continue;
            }

            given.Add(address.ToString());
            result[i] = new BlueprintL2Address(address.ToString(), bits, gateway, dns);
        }

        var empty = Enumerable.Range(0, l1.L2s.Count).Where(i => string.IsNullOrWhiteSpace(l1.L2s[i].IpAddress)).ToList();
        if (empty.Count == 0 || prefix is not { } free)
        {
            return result;
        }

        var plan = L2AddressPlan.Create(free, Ipv4Address.TryParse(gateway, out var g, out _) ? g : free.Network, Ipv4Address.TryParse(dns, out var d, out _) ? d : null, given, empty.Count);
        if (!plan.IsValid)
        {
            problems.AddRange(plan.Problems.Select(p => new BlueprintProblem($"{path}.l2s", p.Message)));
            return result;
        }

        for (var k = 0; k < empty.Count; k++)
        {
            var assignment = plan.Assignments[k];
            result[empty[k]] = new BlueprintL2Address(assignment.Address.ToString(), assignment.PrefixLength, gateway, dns);
        }

        return result;
    }

    private static string NetworkField(string field) => field switch
    {
        NatNetworkField.Prefix => "natPrefix",
        NatNetworkField.Gateway => "gateway",
        NatNetworkField.DnsServer => "dnsServer",
        NatNetworkField.SwitchName => "switchName",
        _ => char.ToLowerInvariant(field[0]) + field[1..],
    };
}
