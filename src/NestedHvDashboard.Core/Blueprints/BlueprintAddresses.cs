using System.Globalization;
using NestedHvDashboard.Core.Networking;

namespace NestedHvDashboard.Core.Blueprints;

/// <summary>
/// The L2 addresses of a blueprint: with NAT inside the L1's prefix, neither its network nor broadcast address nor the gateway,
/// with the prefix's length, unique in the L1; with the external switch a full address (with its prefix length) unique among
/// every external-switch L2, since they share the physical network.
/// </summary>
internal static class BlueprintAddresses
{
    /// <summary>Adds the problems of <paramref name="l2"/>'s address; <paramref name="taken"/> and <paramref name="external"/> collect the addresses seen.</summary>
    public static void Validate(BlueprintL1 l1, BlueprintL2 l2, Ipv4Prefix? natPrefix, string path, List<BlueprintProblem> problems, Dictionary<uint, string> taken, Dictionary<uint, string> external)
    {
        var address = BlueprintShape.Address(l2.IpAddress, $"{path}.ipAddress", "The address", problems);
        if (l1.Network.Kind == BlueprintNetworking.Nat)
        {
            if (l2.PrefixLength is { } length && natPrefix is { } prefix && length != prefix.Length)
            {
                problems.Add(new($"{path}.prefixLength", string.Create(CultureInfo.InvariantCulture,
                    $"The prefix length is {length}, but the NAT prefix {prefix} is /{prefix.Length}; leave prefixLength out or write {prefix.Length}.")));
            }

            if (address is { } ip && natPrefix is { } network)
            {
                InsidePrefix(ip, network, l1.Network.Gateway, path, problems);
            }
        }
        else
        {
            if (l2.PrefixLength is { } length && length is < 1 or > 32)
            {
                problems.Add(new($"{path}.prefixLength", string.Create(CultureInfo.InvariantCulture, $"The prefix length is {length}; it is 1 to 32.")));
            }
            else if (address is not null && l2.PrefixLength is null)
            {
                problems.Add(new($"{path}.prefixLength", "With the external switch there is no NAT prefix to take the length from: write prefixLength (for example 24)."));
            }
            else if (address is { } ip && l2.PrefixLength is { } known && l1.Network.Gateway is { } gatewayText
                && Ipv4Address.TryParse(gatewayText, out var gateway, out _))
            {
                var network = Ipv4Prefix.Of(ip, known);
                if (gateway == ip)
                {
                    problems.Add(new($"{path}.ipAddress", $"{ip} is the gateway's address; give the L2 an address of its own."));
                }
                else if (!network.Contains(gateway))
                {
                    problems.Add(new($"{path}.ipAddress", string.Create(CultureInfo.InvariantCulture, $"The gateway {gateway} is not on {ip}/{known}'s network ({network}), so the L2 could not reach it.")));
                }
            }

            if (address is { } shared && Taken(external, shared, $"{path}.ipAddress", "another L2 on the physical network", problems))
            {
                return;
            }
        }

        if (address is { } mine)
        {
            Taken(taken, mine, $"{path}.ipAddress", $"another L2 of L1 '{l1.Name}'", problems);
        }
    }

    private static void InsidePrefix(Ipv4Address ip, Ipv4Prefix network, string? gatewayText, string path, List<BlueprintProblem> problems)
    {
        if (!network.Contains(ip))
        {
            problems.Add(new($"{path}.ipAddress", $"{ip} is not inside the NAT prefix {network} ({network.Network} to {network.Broadcast})."));
        }
        else if (ip == network.Network)
        {
            problems.Add(new($"{path}.ipAddress", $"{ip} is the network address of {network}; pick a host address."));
        }
        else if (ip == network.Broadcast)
        {
            problems.Add(new($"{path}.ipAddress", $"{ip} is the broadcast address of {network}; pick a host address."));
        }
        else if (Ipv4Address.TryParse(gatewayText, out var gateway, out _) && gateway == ip)
        {
            problems.Add(new($"{path}.ipAddress", $"{ip} is the gateway (the L1's own address on the NAT switch); give the L2 another address."));
        }
    }

    private static bool Taken(Dictionary<uint, string> seen, Ipv4Address address, string path, string whose, List<BlueprintProblem> problems)
    {
        if (seen.TryGetValue(address.Value, out var first))
        {
            problems.Add(new(path, $"{address} is already the address of {whose} ({first[..first.LastIndexOf('.')]})."));
            return true;
        }

        seen[address.Value] = path;
        return false;
    }
}
