namespace NestedHvDashboard.Core.Networking;

/// <summary>Checks a <see cref="NatNetworkRequest"/> against the guest it is meant for.</summary>
public static class NatNetworkValidator
{
    /// <summary>Longest switch name accepted; the adapter alias "vEthernet (name)" must stay well inside Windows' 256-character limit.</summary>
    public const int MaxSwitchNameLength = 100;

    /// <summary>Characters refused in a switch name: they are refused in interface aliases and file names Hyper-V derives from it.</summary>
    private static readonly char[] ForbiddenSwitchNameCharacters = ['\\', '/', ':', '*', '?', '"', '<', '>', '|'];

    /// <summary>Address blocks a NAT network may not touch: "this network", loopback, link-local, multicast and reserved.</summary>
    private static readonly (Ipv4Prefix Block, string Name)[] ReservedBlocks =
    [
        (new Ipv4Prefix(new Ipv4Address(0x00000000), 8), "the \"this network\" block 0.0.0.0/8"),
        (new Ipv4Prefix(new Ipv4Address(0x7F000000), 8), "the loopback block 127.0.0.0/8"),
        (new Ipv4Prefix(new Ipv4Address(0xA9FE0000), 16), "the link-local block 169.254.0.0/16"),
        (new Ipv4Prefix(new Ipv4Address(0xE0000000), 4), "the multicast block 224.0.0.0/4"),
        (new Ipv4Prefix(new Ipv4Address(0xF0000000), 4), "the reserved block 240.0.0.0/4 (which includes 255.255.255.255)"),
    ];

    /// <summary>Every problem with the request; empty when it can be planned.</summary>
    public static IReadOnlyList<NatNetworkProblem> Validate(NatNetworkRequest request, GuestNetworkState guest)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(guest);
        var problems = new List<NatNetworkProblem>();

        var prefix = ValidatePrefix(request.Prefix, guest, problems);
        ValidateGateway(request.Gateway, prefix, problems);
        ValidateDns(request.DnsServer, problems);
        ValidateSwitchName(request.SwitchName, guest, problems);
        ValidateNatName(request.NatName, guest, problems);
        return problems;
    }

    /// <summary>The switch name as the plan uses it (surrounding whitespace dropped).</summary>
    internal static string CleanName(string? name) => name?.Trim() ?? "";

    private static Ipv4Prefix? ValidatePrefix(string? text, GuestNetworkState guest, List<NatNetworkProblem> problems)
    {
        if (!Ipv4Prefix.TryParse(text, out var prefix, out var error))
        {
            problems.Add(new(NatNetworkField.Prefix, $"The NAT prefix {error}."));
            return null;
        }

        if (prefix.Length is 0 or > 30)
        {
            var why = prefix.Length switch
            {
                0 => "/0 is the whole IPv4 address space",
                31 => "a /31 has only two addresses, and a NAT network needs a network address, the gateway, at least one guest and a broadcast address",
                32 => "a /32 is a single address, with no room for the gateway and guests",
                _ => "",
            };
            problems.Add(new(NatNetworkField.Prefix, $"The NAT prefix {prefix} has prefix length {prefix.Length}, outside 1-30: {why}."));
            return null;
        }

        foreach (var (block, name) in ReservedBlocks)
        {
            if (prefix.Overlaps(block))
            {
                problems.Add(new(NatNetworkField.Prefix, $"The NAT prefix {prefix} overlaps {name}; use a private range such as 192.168.0.0/24."));
                return null;
            }
        }

        // Still returned when it overlaps, so the gateway is checked against it too.
        foreach (var (other, description) in OtherNetworks(guest))
        {
            if (prefix.Overlaps(other))
            {
                problems.Add(new(NatNetworkField.Prefix, $"The NAT prefix {prefix} overlaps {other}, {description}; pick a range the guest does not use."));
            }
        }

        return prefix;
    }

    private static IEnumerable<(Ipv4Prefix Network, string Description)> OtherNetworks(GuestNetworkState guest)
    {
        foreach (var nat in guest.Nats)
        {
            if (Ipv4Prefix.TryParse(nat.InternalIPInterfaceAddressPrefix, out var natPrefix, out _))
            {
                yield return (natPrefix, $"the internal prefix of the NAT network '{nat.Name}'");
            }
        }

        foreach (var address in guest.Addresses)
        {
            if (Ipv4Address.TryParse(address.IPAddress, out var ip, out _) && address.PrefixLength is >= 0 and <= 32)
            {
                yield return (Ipv4Prefix.Of(ip, address.PrefixLength), $"the network of {ip}/{address.PrefixLength} on '{address.InterfaceAlias}'");
            }
        }
    }

    private static void ValidateGateway(string? text, Ipv4Prefix? prefix, List<NatNetworkProblem> problems)
    {
        if (!Ipv4Address.TryParse(text, out var gateway, out var error))
        {
            problems.Add(new(NatNetworkField.Gateway, $"The gateway address {error}."));
            return;
        }

        if (prefix is not { } network)
        {
            return;
        }

        if (!network.Contains(gateway))
        {
            problems.Add(new(NatNetworkField.Gateway, $"The gateway {gateway} is not inside the NAT prefix {network} ({network.Network} to {network.Broadcast})."));
        }
        else if (gateway == network.Network)
        {
            problems.Add(new(NatNetworkField.Gateway, $"The gateway {gateway} is the network address of {network}; use a host address such as {new Ipv4Address(network.Network.Value + 1)}."));
        }
        else if (gateway == network.Broadcast)
        {
            problems.Add(new(NatNetworkField.Gateway, $"The gateway {gateway} is the broadcast address of {network}; use a host address such as {new Ipv4Address(network.Network.Value + 1)}."));
        }
    }

    private static void ValidateDns(string? text, List<NatNetworkProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        if (!Ipv4Address.TryParse(text, out var dns, out var error))
        {
            problems.Add(new(NatNetworkField.DnsServer, $"The DNS server {error}."));
        }
        else if (dns.Value is 0 or uint.MaxValue)
        {
            problems.Add(new(NatNetworkField.DnsServer, $"The DNS server {dns} is not a host address."));
        }
    }

    private static void ValidateSwitchName(string? text, GuestNetworkState guest, List<NatNetworkProblem> problems)
    {
        var name = CleanName(text);
        if (name.Length == 0)
        {
            problems.Add(new(NatNetworkField.SwitchName, "The switch name is empty."));
            return;
        }

        if (name.Length > MaxSwitchNameLength)
        {
            problems.Add(new(NatNetworkField.SwitchName, $"The switch name is {name.Length} characters long; keep it to {MaxSwitchNameLength}."));
        }

        var bad = name.Where(c => char.IsControl(c) || ForbiddenSwitchNameCharacters.Contains(c)).Distinct().ToList();
        if (bad.Count > 0)
        {
            var shown = string.Join(" ", bad.Select(c => char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString()));
            problems.Add(new(NatNetworkField.SwitchName, $"The switch name '{name}' contains {shown}, which Hyper-V and Windows refuse in switch and adapter names."));
        }

        var taken = guest.SwitchNames.FirstOrDefault(s => string.Equals(s.Trim(), name, StringComparison.OrdinalIgnoreCase));
        if (taken is not null)
        {
            problems.Add(new(NatNetworkField.SwitchName, $"The guest already has a switch named '{taken}'; choose another name or remove it first."));
        }
    }

    private static void ValidateNatName(string? text, GuestNetworkState guest, List<NatNetworkProblem> problems)
    {
        if (guest.Nats.Count > 0)
        {
            var existing = guest.Nats[0];
            problems.Add(new(NatNetworkField.NatName, $"WinNAT supports one NAT network per host, and the guest already has '{existing.Name}' ({existing.InternalIPInterfaceAddressPrefix ?? "no internal prefix"}); remove it first or use it."));
        }

        var name = CleanName(text);
        if (name.Length == 0)
        {
            problems.Add(new(NatNetworkField.NatName, "The NAT name is empty."));
        }
        else if (name.Any(char.IsControl))
        {
            problems.Add(new(NatNetworkField.NatName, "The NAT name contains control characters."));
        }
    }
}
