using NestedHvDashboard.Core.Networking;

namespace NestedHvDashboard.Core.Tests.Networking;

public sealed class NatNetworkPlanTests
{
    /// <summary>A Windows Server guest as it looks after setup: one NIC on 10.0.1.0/24, the default switch list.</summary>
    private static readonly GuestNetworkState Guest = new(
        ["External"],
        [],
        [new GuestIPAddress("10.0.1.17", 24, "Ethernet"), new GuestIPAddress("127.0.0.1", 8, "Loopback Pseudo-Interface 1")]);

    private static NatNetworkRequest Valid => new("192.168.0.0/24", "192.168.0.1", "1.1.1.1");

    private static NatNetworkProblem OnlyProblem(NatNetworkRequest request, GuestNetworkState? guest = null) =>
        Assert.Single(NatNetworkPlan.Create(request, guest ?? GuestNetworkState.Empty).Problems);

    [Fact]
    public void A_valid_request_plans_the_reference_documents_three_commands()
    {
        var result = NatNetworkPlan.Create(Valid, Guest);

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal(
            [
                "New-VMSwitch -Name VmNAT -SwitchType Internal",
                "New-NetIPAddress -IPAddress 192.168.0.1 -PrefixLength 24 -InterfaceAlias 'vEthernet (VmNAT)'",
                "New-NetNat -Name LocalNAT -InternalIPInterfaceAddressPrefix 192.168.0.0/24",
            ],
            result.Plan.Commands.Select(c => c.DisplayText));
        Assert.Equal("vEthernet (VmNAT)", result.Plan.InterfaceAlias);
        Assert.Equal("1.1.1.1", result.Plan.DnsServer?.ToString());
    }

    [Fact]
    public void Commands_carry_typed_parameters_for_the_engine()
    {
        var plan = NatNetworkPlan.Create(Valid, Guest).Plan!;
        var address = plan.Commands[1];
        Assert.Equal("New-NetIPAddress", address.Name);
        Assert.Equal(24, address.Parameters.Single(p => p.Name == "PrefixLength").Value);
        Assert.Equal("vEthernet (VmNAT)", address.Parameters.Single(p => p.Name == "InterfaceAlias").Value);
    }

    [Fact]
    public void Names_and_addresses_are_trimmed_and_odd_names_quoted_for_display()
    {
        var result = NatNetworkPlan.Create(new NatNetworkRequest(" 10.10.0.0/16 ", " 10.10.0.1", null, "  Lab 'NAT' ", " My NAT "), Guest);

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal("Lab 'NAT'", result.Plan.SwitchName);
        Assert.Null(result.Plan.DnsServer);
        Assert.Equal(
            [
                "New-VMSwitch -Name 'Lab ''NAT''' -SwitchType Internal",
                "New-NetIPAddress -IPAddress 10.10.0.1 -PrefixLength 16 -InterfaceAlias 'vEthernet (Lab ''NAT'')'",
                "New-NetNat -Name 'My NAT' -InternalIPInterfaceAddressPrefix 10.10.0.0/16",
            ],
            result.Plan.Commands.Select(c => c.DisplayText));
    }

    [Fact]
    public void Display_quotes_values_that_would_otherwise_run_as_code()
    {
        var command = new PlannedCommand("New-VMSwitch", [new("Name", "$(Remove-Item C:\\)"), new("Notes", "-Force"), new("Other", "it\u2019s")]);
        Assert.Equal("New-VMSwitch -Name '$(Remove-Item C:\\)' -Notes '-Force' -Other 'it\u2019\u2019s'", command.DisplayText);
    }

    [Theory]
    [InlineData("192.168.0.1/24", "host bits set: the network address would be 192.168.0.0/24")]
    [InlineData("192.168.0/24", "not an IPv4 address")]
    [InlineData("192.168.0.0/33", "prefix length 33")]
    [InlineData("", "empty")]
    [InlineData("0.0.0.0/0", "/0 is the whole IPv4 address space")]
    [InlineData("192.168.0.0/31", "a /31 has only two addresses")]
    [InlineData("192.168.0.1/32", "a /32 is a single address")]
    [InlineData("0.0.0.0/24", "0.0.0.0/8")]
    [InlineData("127.0.0.0/24", "loopback")]
    [InlineData("169.254.0.0/16", "link-local")]
    [InlineData("224.0.0.0/24", "multicast")]
    [InlineData("255.255.255.0/24", "reserved")]
    [InlineData("128.0.0.0/1", "link-local")]
    public void Bad_prefixes_are_refused_on_the_prefix_field(string prefix, string reason)
    {
        var result = NatNetworkPlan.Create(Valid with { Prefix = prefix, Gateway = "192.168.0.1" }, GuestNetworkState.Empty);

        Assert.False(result.IsValid);
        var problem = Assert.Single(result.Problems, p => p.Field == NatNetworkField.Prefix);
        Assert.Contains(reason, problem.Message, StringComparison.Ordinal);
        Assert.Null(result.Plan);
    }

    [Theory]
    [InlineData("192.168.1.1", "is not inside the NAT prefix 192.168.0.0/24 (192.168.0.0 to 192.168.0.255)")]
    [InlineData("192.168.0.0", "is the network address of 192.168.0.0/24; use a host address such as 192.168.0.1")]
    [InlineData("192.168.0.255", "is the broadcast address of 192.168.0.0/24")]
    [InlineData("192.168.0", "not an IPv4 address")]
    [InlineData("192.168.0.01", "leading zero")]
    [InlineData(" ", "empty")]
    public void Bad_gateways_are_refused_on_the_gateway_field(string gateway, string reason)
    {
        var problem = OnlyProblem(Valid with { Gateway = gateway });
        Assert.Equal(NatNetworkField.Gateway, problem.Field);
        Assert.Contains(reason, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_last_host_address_is_a_fine_gateway_and_so_is_one_in_a_slash_30()
    {
        Assert.True(NatNetworkPlan.Create(Valid with { Gateway = "192.168.0.254" }, GuestNetworkState.Empty).IsValid);
        Assert.True(NatNetworkPlan.Create(Valid with { Prefix = "192.168.0.4/30", Gateway = "192.168.0.6" }, GuestNetworkState.Empty).IsValid);
    }

    [Theory]
    [InlineData("dns.contoso.com", "not an IPv4 address")]
    [InlineData("8.8.8", "not an IPv4 address")]
    [InlineData("2001:4860:4860::8888", "not an IPv4 address")]
    [InlineData("0.0.0.0", "not a host address")]
    [InlineData("255.255.255.255", "not a host address")]
    [InlineData("08.8.8.8", "leading zero")]
    public void Bad_dns_servers_are_refused_on_the_dns_field(string dns, string reason)
    {
        var problem = OnlyProblem(Valid with { DnsServer = dns });
        Assert.Equal(NatNetworkField.DnsServer, problem.Field);
        Assert.Contains(reason, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void No_dns_server_is_allowed(string? dns) =>
        Assert.True(NatNetworkPlan.Create(Valid with { DnsServer = dns }, GuestNetworkState.Empty).IsValid);

    [Fact]
    public void A_second_nat_is_refused_naming_the_existing_one()
    {
        var guest = GuestNetworkState.Empty with { Nats = [new GuestNat("OldNAT", "172.20.0.0/16")] };

        var problem = OnlyProblem(Valid, guest);

        Assert.Equal(NatNetworkField.NatName, problem.Field);
        Assert.Contains("one NAT network per host", problem.Message, StringComparison.Ordinal);
        Assert.Contains("'OldNAT' (172.20.0.0/16)", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_prefix_overlapping_the_existing_nat_names_it_too()
    {
        var guest = GuestNetworkState.Empty with { Nats = [new GuestNat("OldNAT", "192.168.0.0/16")] };

        var problems = NatNetworkPlan.Create(Valid, guest).Problems;

        Assert.Contains(problems, p => p.Field == NatNetworkField.Prefix && p.Message.Contains("overlaps 192.168.0.0/16, the internal prefix of the NAT network 'OldNAT'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_prefix_overlapping_a_guest_interface_names_the_interface_and_address()
    {
        var problem = OnlyProblem(Valid with { Prefix = "10.0.0.0/16", Gateway = "10.0.0.1" }, Guest);

        Assert.Equal(NatNetworkField.Prefix, problem.Field);
        Assert.Contains("overlaps 10.0.1.0/24, the network of 10.0.1.17/24 on 'Ethernet'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_prefix_next_to_a_guest_network_does_not_overlap() =>
        Assert.True(NatNetworkPlan.Create(Valid with { Prefix = "10.0.2.0/24", Gateway = "10.0.2.1" }, Guest).IsValid);

    [Fact]
    public void A_taken_switch_name_is_refused_whatever_its_case()
    {
        var problem = OnlyProblem(Valid with { SwitchName = "external" }, Guest);
        Assert.Equal(NatNetworkField.SwitchName, problem.Field);
        Assert.Contains("already has a switch named 'External'", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("Nat/Lab", "contains /")]
    [InlineData("a:b", "contains :")]
    [InlineData("what?", "contains ?")]
    [InlineData("x\ty", "U+0009")]
    [InlineData("\"quoted\"", "contains \"")]
    public void Bad_switch_names_are_refused(string name, string reason)
    {
        var problem = OnlyProblem(Valid with { SwitchName = name });
        Assert.Equal(NatNetworkField.SwitchName, problem.Field);
        Assert.Contains(reason, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Switch_names_have_a_length_limit()
    {
        Assert.True(NatNetworkPlan.Create(Valid with { SwitchName = new string('n', NatNetworkValidator.MaxSwitchNameLength) }, GuestNetworkState.Empty).IsValid);
        var problem = OnlyProblem(Valid with { SwitchName = new string('n', NatNetworkValidator.MaxSwitchNameLength + 1) });
        Assert.Equal(NatNetworkField.SwitchName, problem.Field);
        Assert.Contains("101 characters", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bad\u0001name")]
    public void Bad_nat_names_are_refused(string name) =>
        Assert.Equal(NatNetworkField.NatName, OnlyProblem(Valid with { NatName = name }).Field);

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var guest = GuestNetworkState.Empty with { SwitchNames = ["VmNAT"], Nats = [new GuestNat("LocalNAT", null)] };

        var problems = NatNetworkPlan.Create(new NatNetworkRequest("192.168.0.0/24", "10.0.0.1", "nope"), guest).Problems;

        Assert.Equal(
            [NatNetworkField.Gateway, NatNetworkField.DnsServer, NatNetworkField.SwitchName, NatNetworkField.NatName],
            problems.Select(p => p.Field));
    }

    [Fact]
    public void Defaults_are_the_reference_documents_names()
    {
        var request = new NatNetworkRequest("192.168.0.0/24", "192.168.0.1");
        Assert.Equal("VmNAT", request.SwitchName);
        Assert.Equal("LocalNAT", request.NatName);
        Assert.Null(request.DnsServer);
    }
}
