namespace NestedHvDashboard.Core.Networking;

/// <summary>The static address one L2 guest gets behind the NAT, and the commands to run inside it.</summary>
public sealed record L2AddressAssignment(Ipv4Address Address, int PrefixLength, Ipv4Address Gateway, Ipv4Address? DnsServer, IReadOnlyList<PlannedCommand> Commands);

/// <summary>Addresses for L2 guests, or why they could not be found.</summary>
public sealed record L2AddressPlanResult(IReadOnlyList<L2AddressAssignment> Assignments, IReadOnlyList<NatNetworkProblem> Problems)
{
    public bool IsValid => Problems.Count == 0;
}

/// <summary>Picks the next free addresses in a NAT prefix for L2 guests: New-NetIPAddress with the gateway, then the DNS server.</summary>
public static class L2AddressPlan
{
    /// <summary>The adapter name a fresh Windows guest gives its first network adapter.</summary>
    public const string DefaultInterfaceAlias = "Ethernet";

    /// <summary>The field name problems use for the addresses-in-use list.</summary>
    public const string AddressesInUseField = "AddressesInUse";

    /// <summary>The field name problems use for the requested count.</summary>
    public const string CountField = "Count";

    /// <summary>
    /// The lowest <paramref name="count"/> host addresses of <paramref name="prefix"/> that are not the gateway,
    /// the DNS server or in <paramref name="addressesInUse"/> (addresses outside the prefix are ignored).
    /// </summary>
    public static L2AddressPlanResult Create(Ipv4Prefix prefix, Ipv4Address gateway, Ipv4Address? dnsServer, IEnumerable<string> addressesInUse, int count, string interfaceAlias = DefaultInterfaceAlias)
    {
        ArgumentNullException.ThrowIfNull(addressesInUse);
        ArgumentNullException.ThrowIfNull(interfaceAlias);
        var problems = new List<NatNetworkProblem>();
        if (count < 1)
        {
            problems.Add(new(CountField, $"Ask for at least one address (asked for {count})."));
        }

        if (prefix.Length > 30)
        {
            problems.Add(new(NatNetworkField.Prefix, $"The prefix {prefix} has no room for guests."));
        }

        if (!prefix.Contains(gateway) || gateway == prefix.Network || gateway == prefix.Broadcast)
        {
            problems.Add(new(NatNetworkField.Gateway, $"The gateway {gateway} is not a host address of {prefix}."));
        }

        if (string.IsNullOrWhiteSpace(interfaceAlias))
        {
            problems.Add(new("InterfaceAlias", "The L2 guest's adapter name is empty."));
        }

        var taken = new HashSet<uint> { gateway.Value };
        if (dnsServer is { } dns)
        {
            taken.Add(dns.Value);
        }

        foreach (var text in addressesInUse)
        {
            if (Ipv4Address.TryParse(text, out var used, out var error))
            {
                taken.Add(used.Value);
            }
            else
            {
                problems.Add(new(AddressesInUseField, $"An address in use {error}."));
            }
        }

        if (problems.Count > 0)
        {
            return new L2AddressPlanResult([], problems);
        }

        var alias = interfaceAlias.Trim();
        var assignments = new List<L2AddressAssignment>();
        for (var value = (ulong)prefix.Network.Value + 1; value < prefix.Broadcast.Value && assignments.Count < count; value++)
        {
            if (taken.Contains((uint)value))
            {
                continue;
            }

            var address = new Ipv4Address((uint)value);
            List<PlannedCommand> commands =
            [
                new("New-NetIPAddress", [new("IPAddress", address.ToString()), new("PrefixLength", prefix.Length), new("DefaultGateway", gateway.ToString()), new("InterfaceAlias", alias)]),
            ];
            if (dnsServer is { } server)
            {
                commands.Add(new("Set-DnsClientServerAddress", [new("InterfaceAlias", alias), new("ServerAddresses", new[] { server.ToString() })]));
            }

            assignments.Add(new L2AddressAssignment(address, prefix.Length, gateway, dnsServer, commands));
        }

        if (assignments.Count < count)
        {
            return new L2AddressPlanResult([], [new(CountField, $"{prefix} has only {assignments.Count} free address(es) left, not {count}.")]);
        }

        return new L2AddressPlanResult(assignments, []);
    }
}
