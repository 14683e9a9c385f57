using NestedHvDashboard.Core.Networking;

namespace NestedHvDashboard.Core.Tests.Networking;

/// <summary>
/// What the L2 address validator refuses (by field) and the reasons "Test connectivity" gives for each broken case, from what
/// the L1 and its host say: the words a lab administrator acts on.
/// </summary>
public sealed class L2ConnectivityDiagnosisTests
{
    private static L2NetworkContext Context(
        string l2Address = "192.168.100.10", int prefix = 24, string? gateway = "192.168.100.1", string switchType = "Internal", bool spoofing = false, bool l1HasGateway = true, string state = "Running")
    {
        List<GuestIPAddress> l1 = [new("10.0.1.20", 24, "Ethernet")];
        if (l1HasGateway)
        {
            l1.Add(new("192.168.100.1", 24, "vEthernet (VmNAT)"));
        }

        var l2 = new L2GuestAddresses("lab-l2-web", [new("Ethernet", l2Address, prefix)], gateway is null ? [] : [gateway], ["1.1.1.1"]);
        return new L2NetworkContext(
            "lab-l1", "lab-l2-web", [new("Network Adapter", "External", spoofing)], [new("LabNAT", "192.168.100.0/24")], l1, state,
            [new("Network Adapter", switchType == "External" ? "ExtSwitch" : "VmNAT", switchType)], l2);
    }

    private static L2HopReading Failed(L2Hop hop, string target) => new(hop, target, false, null, null);

    private static string GatewayDetail(L2NetworkContext context) =>
        L2ConnectivityDiagnosis.Explain(context, [Failed(L2Hop.Gateway, "192.168.100.1")]).Hops[0].Detail;

    [Fact]
    public void An_address_outside_the_nat_has_no_route() =>
        Assert.Equal("no route: 192.168.0.20/24 is outside the NAT's 192.168.100.0/24.", GatewayDetail(Context(l2Address: "192.168.0.20")));

    [Fact]
    public void An_l1_without_the_gateway_address_leaves_it_silent() =>
        Assert.Equal("gateway 192.168.100.1 does not answer: the L1 has no address on vEthernet (VmNAT).", GatewayDetail(Context(l1HasGateway: false)));

    [Fact]
    public void An_external_switch_without_spoofing_drops_the_frames() =>
        Assert.StartsWith("dropped: MAC spoofing is off on lab-l1's adapters while its L2 uses an external switch ('ExtSwitch')", GatewayDetail(Context(switchType: "External")), StringComparison.Ordinal);

    [Fact]
    public void A_link_local_address_is_no_address()
    {
        Assert.StartsWith("no address: 'lab-l2-web' has no IPv4 address of its own", GatewayDetail(Context(l2Address: "169.254.7.9", prefix: 16)), StringComparison.Ordinal);
    }

    [Fact]
    public void Hops_past_a_failed_gateway_say_so_and_a_good_report_succeeds()
    {
        var broken = L2ConnectivityDiagnosis.Explain(Context(l2Address: "192.168.0.20"), [Failed(L2Hop.Gateway, "192.168.100.1"), Failed(L2Hop.DnsServer, "1.1.1.1")]);
        Assert.StartsWith("DNS server 1.1.1.1 not reached: the gateway fails first (no route:", broken.Hops[1].Detail, StringComparison.Ordinal);
        Assert.False(broken.Succeeded);

        var good = L2ConnectivityDiagnosis.Explain(Context(), [new(L2Hop.Gateway, "192.168.100.1", true, null, "192.168.100.10"), new(L2Hop.DnsServer, "1.1.1.1", true, null, null)]);
        Assert.True(good.Succeeded);
        Assert.Equal("gateway 192.168.100.1 answers (from 192.168.100.10).", good.Hops[0].Detail);
    }

    [Fact]
    public void The_validator_refuses_by_field_and_accepts_the_plans_address()
    {
        var context = Context(l2Address: "169.254.7.9", prefix: 16);
        Assert.Empty(L2AddressValidator.Validate(new("192.168.100.10", 24, "192.168.100.1", "1.1.1.1"), context));

        var problems = L2AddressValidator.Validate(new("192.168.0.20", 16, "192.168.100.2", "dns"), context);
        Assert.Contains(problems, p => p.Field == L2AddressField.IpAddress && p.Message.Contains("not a host address of the NAT's 192.168.100.0/24", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Field == L2AddressField.PrefixLength && p.Message.Contains("the NAT's (24)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Field == L2AddressField.Gateway);
        Assert.Contains(problems, p => p.Field == L2AddressField.DnsServer);

        Assert.Contains(L2AddressValidator.Validate(new("192.168.100.10", 24, "192.168.100.1", null), context, reserved: ["192.168.100.10"]), p => p.Message.Contains("planned for another L2", StringComparison.Ordinal));
        Assert.Contains(L2AddressValidator.Validate(new("192.168.100.10", 24, "192.168.100.1", null), context, answersElsewhere: true), p => p.Message.Contains("already in use", StringComparison.Ordinal));
        Assert.Contains(L2AddressValidator.Validate(new("192.168.100.10", 24, "192.168.100.1", null), Context(state: "Off")), p => p.Field == L2AddressField.L2Vm);
    }

    [Fact]
    public void The_review_shows_each_command_with_where_it_runs()
    {
        var id = Guid.Parse("5a1c3e2e-0000-4000-8000-000000000001");
        var commands = L2AddressCommands.For("HV1", "lab-l1", "lab-l2-web", new("192.168.100.10", 24, "192.168.100.1", "1.1.1.1"), id);

        Assert.Equal(
        [
            "on host HV1: Invoke-Command -VMId 5a1c3e2e-0000-4000-8000-000000000001 -Credential '(the credential of lab-l1)'",
            "in lab-l1: Invoke-Command -VMName lab-l2-web -Credential '(the credential of lab-l2-web)'",
            "in lab-l1 → in lab-l2-web: Remove-NetRoute -DestinationPrefix 0.0.0.0/0 -InterfaceAlias Ethernet -Confirm:$false",
            "in lab-l1 → in lab-l2-web: Remove-NetIPAddress -InterfaceAlias Ethernet -AddressFamily IPv4 -Confirm:$false",
            "in lab-l1 → in lab-l2-web: New-NetIPAddress -InterfaceAlias Ethernet -IPAddress 192.168.100.10 -PrefixLength 24 -DefaultGateway 192.168.100.1",
            "in lab-l1 → in lab-l2-web: Set-DnsClientServerAddress -InterfaceAlias Ethernet -ServerAddresses 1.1.1.1",
        ], commands.Select(c => $"{c.Where}: {c.Command.DisplayText}"));
    }
}
