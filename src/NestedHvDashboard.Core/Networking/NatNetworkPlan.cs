namespace NestedHvDashboard.Core.Networking;

/// <summary>
/// The NAT network set-up for one L1 guest, validated, with the commands it runs in order:
/// New-VMSwitch (internal), New-NetIPAddress (the gateway on "vEthernet (switch)"), New-NetNat.
/// </summary>
public sealed class NatNetworkPlan
{
    private NatNetworkPlan(string switchName, string natName, Ipv4Prefix prefix, Ipv4Address gateway, Ipv4Address? dnsServer)
    {
        SwitchName = switchName;
        NatName = natName;
        Prefix = prefix;
        Gateway = gateway;
        DnsServer = dnsServer;
        Commands =
        [
            new("New-VMSwitch", [new("Name", switchName), new("SwitchType", "Internal")]),
            new("New-NetIPAddress", [new("IPAddress", gateway.ToString()), new("PrefixLength", prefix.Length), new("InterfaceAlias", InterfaceAlias)]),
            new("New-NetNat", [new("Name", natName), new("InternalIPInterfaceAddressPrefix", prefix.ToString())]),
        ];
    }

    public string SwitchName { get; }

    public string NatName { get; }

    public Ipv4Prefix Prefix { get; }

    public Ipv4Address Gateway { get; }

    public Ipv4Address? DnsServer { get; }

    /// <summary>The host adapter Hyper-V creates for the internal switch.</summary>
    public string InterfaceAlias => AdapterAliasFor(SwitchName);

    /// <summary>The commands, in the order they run.</summary>
    public IReadOnlyList<PlannedCommand> Commands { get; }

    /// <summary>The host adapter name Hyper-V gives an internal switch.</summary>
    public static string AdapterAliasFor(string switchName) => $"vEthernet ({switchName})";

    /// <summary>Validates <paramref name="request"/> against <paramref name="guest"/> and plans it, or says every reason it cannot.</summary>
    public static NatNetworkPlanResult Create(NatNetworkRequest request, GuestNetworkState guest)
    {
        var problems = NatNetworkValidator.Validate(request, guest);
        if (problems.Count > 0)
        {
            return new NatNetworkPlanResult(null, problems);
        }

        if (!Ipv4Prefix.TryParse(request.Prefix, out var prefix, out _) || !Ipv4Address.TryParse(request.Gateway, out var gateway, out _))
        {
            throw new InvalidOperationException("A request the validator accepted did not parse.");
        }

        Ipv4Address? dns = Ipv4Address.TryParse(request.DnsServer, out var parsedDns, out _) ? parsedDns : null;
        return new NatNetworkPlanResult(
            new NatNetworkPlan(NatNetworkValidator.CleanName(request.SwitchName), NatNetworkValidator.CleanName(request.NatName), prefix, gateway, dns),
            []);
    }

    /// <summary>Addresses for <paramref name="count"/> L2 guests behind this NAT, skipping those in use.</summary>
    public L2AddressPlanResult PlanL2Addresses(IEnumerable<string> addressesInUse, int count, string interfaceAlias = L2AddressPlan.DefaultInterfaceAlias) =>
        L2AddressPlan.Create(Prefix, Gateway, DnsServer, addressesInUse, count, interfaceAlias);
}

/// <summary>A plan, or the problems that stopped it.</summary>
public sealed record NatNetworkPlanResult(NatNetworkPlan? Plan, IReadOnlyList<NatNetworkProblem> Problems)
{
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Plan))]
    public bool IsValid => Plan is not null;
}
