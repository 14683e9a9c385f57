namespace NestedHvDashboard.Core.Networking;

/// <summary>One hop as the L2 guest tested it, before it is explained.</summary>
/// <param name="Hop">Which hop.</param>
/// <param name="Target">The address or name tried; empty when there was none to try (no gateway or DNS server set).</param>
/// <param name="Succeeded">What Test-NetConnection or Resolve-DnsName said.</param>
/// <param name="Said">The guest's own words (warnings, the error) when it failed.</param>
/// <param name="Address">For a name: the address it resolved to; for a reached hop: the L2's source address.</param>
public sealed record L2HopReading(L2Hop Hop, string Target, bool Succeeded, string? Said, string? Address);

/// <summary>
/// Turns what the L2 guest's tests said into reasons a user acts on, from what the L1 and its host say: an L2 without an
/// address, an address outside the NAT's prefix, a gateway the L1 does not hold on the NAT's switch, an L2 on an external
/// switch inside an L1 whose adapters do not spoof MAC addresses (Hyper-V drops its frames), and hops past a failed one.
/// </summary>
public static class L2ConnectivityDiagnosis
{
    /// <summary>The report of the hops, each with its reason.</summary>
    public static L2ConnectivityReport Explain(L2NetworkContext context, IReadOnlyList<L2HopReading> hops)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(hops);
        var results = new List<L2HopResult>();
        string? gatewayFailure = null;
        string? dnsFailure = null;
        var noDns = hops.Any(h => h.Hop == L2Hop.DnsServer && h.Target.Length == 0);
        foreach (var hop in hops)
        {
            var detail = hop.Hop switch
            {
                L2Hop.Gateway => Gateway(context, hop),
                L2Hop.DnsServer => Dns(context, hop, gatewayFailure),
                L2Hop.NameResolution => Resolution(context, hop, dnsFailure, noDns),
                _ => Name(hop),
            };
            if (!hop.Succeeded && hop.Hop == L2Hop.Gateway)
            {
                gatewayFailure = detail;
            }

            if (!hop.Succeeded && hop.Hop == L2Hop.DnsServer)
            {
                dnsFailure = detail;
            }

            results.Add(new L2HopResult(hop.Hop, hop.Target, hop.Succeeded, detail));
        }

        return new L2ConnectivityReport(context.L2VmName, results);
    }

    /// <summary>The L2's first IPv4 address that is not link-local (169.254.0.0/16, what Windows takes when nobody gave one), or null.</summary>
    public static L2GuestAddress? AddressOf(L2GuestAddresses? addresses) =>
        addresses?.Addresses.FirstOrDefault(a => !a.IpAddress.StartsWith("169.254.", StringComparison.Ordinal) && !a.IpAddress.StartsWith("127.", StringComparison.Ordinal));

    private static string Gateway(L2NetworkContext context, L2HopReading hop)
    {
        var l2 = context.L2VmName;
        if (hop.Target.Length == 0)
        {
            return $"no gateway: '{l2}' has no default gateway; apply its address with the NAT's gateway.";
        }

        if (hop.Succeeded)
        {
            return $"gateway {hop.Target} answers{From(hop)}.";
        }

        if (AddressOf(context.L2) is not { } mine)
        {
            return $"no address: '{l2}' has no IPv4 address of its own (only a link-local one, or none); apply its address first.";
        }

        if (context.L2Switch is not { } link)
        {
            return $"not connected: the adapter of '{l2}' is not connected to a switch in '{context.L1VmName}'.";
        }

        if (link.IsExternal && !context.L1SpoofsEverywhere)
        {
            return $"dropped: MAC spoofing is off on {context.L1VmName}'s adapters while its L2 uses an external switch ('{link.SwitchName}'); Hyper-V drops the L2's frames. Turn MAC address spoofing on for {context.L1VmName}.";
        }

        var own = Ipv4Address.TryParse(mine.IpAddress, out var ip, out _) ? Ipv4Prefix.Of(ip, mine.PrefixLength) : (Ipv4Prefix?)null;
        if (!link.IsExternal)
        {
            if (context.NatFor(link.SwitchName) is not { } nat)
            {
                return $"no NAT: '{context.L1VmName}' has no NAT network for switch '{link.SwitchName}', so nothing answers as the gateway.";
            }

            if (!nat.Prefix.Contains(ip))
            {
                return $"no route: {mine.IpAddress}/{mine.PrefixLength} is outside the NAT's {nat.Prefix}.";
            }

            if (Ipv4Address.TryParse(hop.Target, out var target, out _) && own is { } prefix && !prefix.Contains(target))
            {
                return $"no route: gateway {hop.Target} is outside {mine.IpAddress}/{mine.PrefixLength}.";
            }

            var held = context.L1AddressesOn(link.SwitchName!);
            if (held.Count == 0)
            {
                return $"gateway {hop.Target} does not answer: the L1 has no address on {NatNetworkPlan.AdapterAliasFor(link.SwitchName!)}.";
            }

            if (!held.Any(a => a.IPAddress == hop.Target))
            {
                return $"gateway {hop.Target} does not answer: the L1's address on {NatNetworkPlan.AdapterAliasFor(link.SwitchName!)} is {string.Join(", ", held.Select(a => a.IPAddress))}, not {hop.Target}.";
            }
        }
        else if (Ipv4Address.TryParse(hop.Target, out var target, out _) && own is { } prefix && !prefix.Contains(target))
        {
            return $"no route: gateway {hop.Target} is outside {mine.IpAddress}/{mine.PrefixLength}.";
        }

        return $"gateway {hop.Target} does not answer{Said(hop)}.";
    }

    private static string Dns(L2NetworkContext context, L2HopReading hop, string? gatewayFailure)
    {
        if (hop.Target.Length == 0)
        {
            return $"no DNS server: none is set in '{context.L2VmName}'; apply its address with a DNS server.";
        }

        if (hop.Succeeded)
        {
            return $"DNS server {hop.Target} answers{From(hop)}.";
        }

        return gatewayFailure is not null
            ? $"DNS server {hop.Target} not reached: the gateway fails first ({gatewayFailure.TrimEnd('.')})."
            : $"DNS server {hop.Target} does not answer{Said(hop)}.";
    }

    private static string Resolution(L2NetworkContext context, L2HopReading hop, string? dnsFailure, bool noDns) =>
        hop.Succeeded ? $"{hop.Target} resolves to {hop.Address}."
        : noDns ? $"{hop.Target} not resolved: '{context.L2VmName}' has no DNS server."
        : dnsFailure is not null ? $"{hop.Target} not resolved: the DNS server does not answer."
        : $"{hop.Target} not resolved{Said(hop)}.";

    private static string Name(L2HopReading hop) =>
        hop.Succeeded ? $"{hop.Target} ({hop.Address}) answers." : $"{hop.Target}{(hop.Address is { Length: > 0 } a ? $" ({a})" : "")} does not answer{Said(hop)}.";

    private static string From(L2HopReading hop) => hop.Address is { Length: > 0 } source ? $" (from {source})" : "";

    private static string Said(L2HopReading hop) => hop.Said is { Length: > 0 } said ? $": {said}" : "";
}
