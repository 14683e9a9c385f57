using NestedHvDashboard.Core.Networking;

namespace NestedHvDashboard.Core.Tests.Networking;

public sealed class L2AddressPlanTests
{
    private static NatNetworkPlan Plan(string prefix = "192.168.0.0/24", string gateway = "192.168.0.1", string? dns = "192.168.0.2") =>
        NatNetworkPlan.Create(new NatNetworkRequest(prefix, gateway, dns), GuestNetworkState.Empty).Plan!;

    [Fact]
    public void Hands_out_the_lowest_free_addresses_skipping_gateway_dns_and_used_ones()
    {
        var result = Plan().PlanL2Addresses(["192.168.0.3", "192.168.0.5", "10.9.9.9"], 3);

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal(["192.168.0.4", "192.168.0.6", "192.168.0.7"], result.Assignments.Select(a => a.Address.ToString()));
        Assert.All(result.Assignments, a =>
        {
            Assert.Equal(24, a.PrefixLength);
            Assert.Equal("192.168.0.1", a.Gateway.ToString());
        });
    }

    [Fact]
    public void Each_guest_gets_its_address_and_dns_commands()
    {
        var assignment = Assert.Single(Plan(dns: "1.1.1.1").PlanL2Addresses([], 1).Assignments);

        Assert.Equal("192.168.0.2", assignment.Address.ToString());
        Assert.Equal(
            [
                "New-NetIPAddress -IPAddress 192.168.0.2 -PrefixLength 24 -DefaultGateway 192.168.0.1 -InterfaceAlias Ethernet",
                "Set-DnsClientServerAddress -InterfaceAlias Ethernet -ServerAddresses 1.1.1.1",
            ],
            assignment.Commands.Select(c => c.DisplayText));
    }

    [Fact]
    public void Without_a_dns_server_only_the_address_is_set()
    {
        var assignment = Assert.Single(Plan(dns: null).PlanL2Addresses([], 1, "Ethernet 2").Assignments);
        Assert.Equal("New-NetIPAddress -IPAddress 192.168.0.2 -PrefixLength 24 -DefaultGateway 192.168.0.1 -InterfaceAlias 'Ethernet 2'", Assert.Single(assignment.Commands).DisplayText);
    }

    [Fact]
    public void Never_hands_out_the_network_or_broadcast_address()
    {
        var result = Plan("192.168.0.4/30", "192.168.0.5", null).PlanL2Addresses([], 1);
        Assert.Equal("192.168.0.6", Assert.Single(result.Assignments).Address.ToString());

        var tooMany = Plan("192.168.0.4/30", "192.168.0.5", null).PlanL2Addresses([], 2);
        Assert.False(tooMany.IsValid);
        Assert.Contains("192.168.0.4/30 has only 1 free address(es) left, not 2", Assert.Single(tooMany.Problems).Message, StringComparison.Ordinal);
        Assert.Empty(tooMany.Assignments);
    }

    [Fact]
    public void A_full_network_says_so()
    {
        var used = Enumerable.Range(2, 253).Select(i => $"192.168.0.{i}");
        var result = Plan(dns: null).PlanL2Addresses(used, 1);
        Assert.Equal(L2AddressPlan.CountField, Assert.Single(result.Problems).Field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Asks_for_at_least_one(int count) =>
        Assert.Equal(L2AddressPlan.CountField, Assert.Single(Plan().PlanL2Addresses([], count).Problems).Field);

    [Fact]
    public void A_garbled_address_in_use_is_reported_not_ignored()
    {
        var problem = Assert.Single(Plan().PlanL2Addresses(["192.168.0.300"], 1).Problems);
        Assert.Equal(L2AddressPlan.AddressesInUseField, problem.Field);
        Assert.Contains("more than 255", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_gateway_must_be_a_host_address_of_the_prefix()
    {
        Assert.True(Ipv4Prefix.TryParse("192.168.0.0/24", out var prefix, out _));
        var result = L2AddressPlan.Create(prefix, new Ipv4Address(prefix.Broadcast.Value), null, [], 1);
        Assert.Equal(NatNetworkField.Gateway, Assert.Single(result.Problems).Field);
    }

    [Fact]
    public void Large_prefixes_stop_as_soon_as_enough_are_found()
    {
        var result = Plan("10.0.0.0/8", "10.0.0.1", null).PlanL2Addresses([], 2);
        Assert.Equal(["10.0.0.2", "10.0.0.3"], result.Assignments.Select(a => a.Address.ToString()));
    }
}
