namespace NestedHvDashboard.Core.Networking;

/// <summary>
/// Checks an L2 address request against what the L1 and the L2 say, before anything runs: the address is a host address of the
/// L1 NAT's prefix (for an L2 on the NAT's internal switch) and nobody else holds it, the gateway is the L1's address on that
/// switch, and the L2 runs. For an L2 on an external switch inside the L1 the physical network is not known here: the address
/// and gateway need only share the prefix.
/// </summary>
public static class L2AddressValidator
{
    /// <summary>
    /// The problems of <paramref name="request"/>, by field; none when it may run. <paramref name="reserved"/> are addresses other
    /// L2 guests have or are about to get; <paramref name="answersElsewhere"/> is true when the address answered from the L1 and
    /// the L2 does not hold it.
    /// </summary>
    public static IReadOnlyList<NatNetworkProblem> Validate(L2AddressRequest request, L2NetworkContext context, IEnumerable<string>? reserved = null, bool answersElsewhere = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var problems = new List<NatNetworkProblem>();
        var l2 = context.L2VmName;
        if (!context.L2Runs)
        {
            problems.Add(new(L2AddressField.L2Vm, $"L2 VM '{l2}' is {context.L2State}: PowerShell Direct reaches only a running VM, start it first."));
        }

        if (string.IsNullOrWhiteSpace(request.InterfaceAlias))
        {
            problems.Add(new(L2AddressField.InterfaceAlias, "The L2 guest's adapter name is empty."));
        }

        var hasAddress = Ipv4Address.TryParse(request.IpAddress, out var address, out var addressError);
        if (!hasAddress)
        {
            problems.Add(new(L2AddressField.IpAddress, $"The address {addressError}."));
        }

        if (request.PrefixLength is < 1 or > 30)
        {
            problems.Add(new(L2AddressField.PrefixLength, $"The prefix length must be 1 to 30 (it is {request.PrefixLength})."));
        }

        Ipv4Address? gateway = null;
        if (!string.IsNullOrWhiteSpace(request.Gateway))
        {
            if (Ipv4Address.TryParse(request.Gateway, out var parsed, out var gatewayError))
            {
                gateway = parsed;
            }
            else
            {
                problems.Add(new(L2AddressField.Gateway, $"The gateway {gatewayError}."));
            }
        }

        if (!string.IsNullOrWhiteSpace(request.DnsServer) && !Ipv4Address.TryParse(request.DnsServer, out _, out var dnsError))
        {
            problems.Add(new(L2AddressField.DnsServer, $"The DNS server {dnsError}."));
        }

        if (!hasAddress || request.PrefixLength is < 1 or > 30)
        {
            return problems;
        }

        var own = Ipv4Prefix.Of(address, request.PrefixLength);
        if (address == own.Network || address == own.Broadcast)
        {
            problems.Add(new(L2AddressField.IpAddress, $"{address} is the {(address == own.Network ? "network" : "broadcast")} address of {own}, not a host address."));
        }

        if (gateway is { } g && !own.Contains(g))
        {
            problems.Add(new(L2AddressField.Gateway, $"The gateway {g} is outside {address}/{request.PrefixLength}: the L2 could not reach it."));
        }

        if (context.L2Switch is not { } link)
        {
            problems.Add(new(L2AddressField.L2Vm, $"L2 VM '{l2}' has no adapter connected to a switch in '{context.L1VmName}'."));
            return problems;
        }

        if (!link.IsExternal)
        {
            NatProblems(request, context, link, address, gateway, problems);
        }

        var taken = new HashSet<string>(context.L1Addresses.Select(a => a.IPAddress), StringComparer.OrdinalIgnoreCase);
        var text = address.ToString();
        if (taken.Contains(text))
        {
            problems.Add(new(L2AddressField.IpAddress, $"{text} is an address of '{context.L1VmName}' itself."));
        }
        else if (reserved is not null && reserved.Contains(text, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add(new(L2AddressField.IpAddress, $"{text} is planned for another L2 guest."));
        }
        else if (answersElsewhere)
        {
            problems.Add(new(L2AddressField.IpAddress, $"{text} is already in use: it answered from '{context.L1VmName}', and '{l2}' does not hold it."));
        }

        return problems;
    }

    private static void NatProblems(L2AddressRequest request, L2NetworkContext context, L2SwitchLink link, Ipv4Address address, Ipv4Address? gateway, List<NatNetworkProblem> problems)
    {
        if (context.NatFor(link.SwitchName) is not { } nat)
        {
            problems.Add(new(L2AddressField.Gateway, $"'{context.L1VmName}' has no NAT for switch '{link.SwitchName}': create the NAT network first, the L2 would have no way out."));
            return;
        }

        if (!nat.Prefix.Contains(address) || address == nat.Prefix.Network || address == nat.Prefix.Broadcast)
        {
            problems.Add(new(L2AddressField.IpAddress, $"{address} is not a host address of the NAT's {nat.Prefix}: the NAT would not translate it."));
        }

        if (request.PrefixLength != nat.Prefix.Length)
        {
            problems.Add(new(L2AddressField.PrefixLength, $"The prefix length must be the NAT's ({nat.Prefix.Length}), not {request.PrefixLength}."));
        }

        if (nat.Gateway is null)
        {
            problems.Add(new(L2AddressField.Gateway, $"'{context.L1VmName}' has no address in {nat.Prefix} on {NatNetworkPlan.AdapterAliasFor(link.SwitchName!)}: the NAT has no gateway to give."));
        }
        else if (gateway is null)
        {
            problems.Add(new(L2AddressField.Gateway, $"Give the NAT's gateway {nat.Gateway}: without it the L2 reaches nothing outside {nat.Prefix}."));
        }
        else if (gateway.Value.ToString() != nat.Gateway)
        {
            problems.Add(new(L2AddressField.Gateway, $"The gateway must be the NAT's gateway {nat.Gateway} (the address of '{context.L1VmName}' on {NatNetworkPlan.AdapterAliasFor(link.SwitchName!)}), not {gateway}."));
        }

        if (address.ToString() == nat.Gateway)
        {
            problems.Add(new(L2AddressField.IpAddress, $"{address} is the NAT's gateway."));
        }
    }
}
