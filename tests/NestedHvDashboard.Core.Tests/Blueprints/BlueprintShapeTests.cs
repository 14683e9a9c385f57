using NestedHvDashboard.Core.Blueprints;

namespace NestedHvDashboard.Core.Tests.Blueprints;

/// <summary>A blueprint's shape, checked before any host is asked: each problem with its path and a message a user acts on.</summary>
public sealed class BlueprintShapeTests
{
    private const long Gb = 1L << 30;

    private static readonly BlueprintNetwork Nat = new(BlueprintNetworking.Nat, "VmNAT", "192.168.100.0/24", "192.168.100.1", "1.1.1.1");

    private static readonly BlueprintNetwork External = new(BlueprintNetworking.ExternalSwitch, "L1 External", null, "10.0.1.1", null);

    private static BlueprintL2 L2(string name, string? ip = null, int? length = null) => new(name, 2, 2 * Gb, null, ip, length);

    private static BlueprintL1 L1(string name, BlueprintNetwork network, params BlueprintL2[] l2s) => new(name, "HV-LAB-01", 4, 16 * Gb, null, null, "External", network, l2s);

    private static Blueprint Lab(params BlueprintL1[] l1s) => new("lab", null, l1s);

    private static IReadOnlyList<BlueprintProblem> Problems(Blueprint blueprint) => BlueprintShape.Validate(blueprint);

    [Fact]
    public void A_valid_lab_has_no_problem()
    {
        Assert.Empty(Problems(Lab(L1("a", Nat, L2("x", "192.168.100.10"), L2("y")), L1("b", External, L2("z", "10.0.1.20", 24)))));
    }

    [Fact]
    public void Names_must_be_valid_and_unique_L1s_per_host_and_L2s_per_L1()
    {
        var problems = Problems(new Blueprint("lab/1", null,
        [
            L1("a", Nat, L2("x"), L2("X")),
            L1("A", Nat),
            L1("a", Nat) with { Host = "HV-LAB-02" },
            L1(new string('n', 101), Nat),
        ]));

        Assert.Contains(problems, p => p.Path == "name" && p.Message.Contains("'/'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "l1s[0].l2s[1].name" && p.Message.Contains("unique inside an L1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "l1s[1].name" && p.Message.Contains("unique on a host", StringComparison.Ordinal) && p.Message.Contains("l1s[0]", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Path == "l1s[2].name");
        Assert.Contains(problems, p => p.Path == "l1s[3].name" && p.Message.Contains("100", StringComparison.Ordinal));
    }

    [Fact]
    public void Counts_and_memory_are_in_Hyper_Vs_and_nestings_range()
    {
        var problems = Problems(Lab(
            L1("a", Nat, new BlueprintL2("x", 8, 33 * 1024 * 1024, null, null, null)) with { ProcessorCount = 1, MemoryStartupBytes = 2 * Gb },
            L1("b", Nat, new BlueprintL2("y", 0, 8 * Gb, null, null, null))));

        Assert.Contains(problems, p => p.Path == "l1s[0].processorCount" && p.Message.Contains("2 to 240", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "l1s[0].memory" && p.Message.Contains("4 GB", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "l1s[0].l2s[0].processorCount");
        Assert.Contains(problems, p => p.Path == "l1s[0].l2s[0].memory" && p.Message.Contains("multiple of 2 MB", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "l1s[1].l2s[0].processorCount" && p.Message.Contains("1 to 4", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Path == "l1s[1].l2s");
        Assert.Contains(Problems(Lab(L1("c", Nat, L2("p"), L2("q")) with { MemoryStartupBytes = 4 * Gb })), p => p.Path == "l1s[0].l2s" && p.Message.Contains("memory of its own", StringComparison.Ordinal));
    }

    [Fact]
    public void The_NAT_prefix_gateway_and_DNS_are_checked_with_the_NAT_validators_rules()
    {
        var problems = Problems(Lab(
            L1("a", Nat with { NatPrefix = "127.0.0.0/24", Gateway = "10.0.0.1", DnsServer = "1.2.3" }),
            L1("b", Nat with { NatPrefix = null, Gateway = null, SwitchName = "bad|name" })));

        Assert.Contains(problems, p => p.Path == "l1s[0].network.natPrefix" && p.Message.Contains("loopback", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "l1s[0].network.dnsServer" && p.Message.Contains("not an IPv4 address", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "l1s[1].network.natPrefix" && p.Message.Contains("needs the internal prefix", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "l1s[1].network.gateway" && p.Message.Contains("needs the gateway", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "l1s[1].network.switchName" && p.Message.Contains('|', StringComparison.Ordinal));
        Assert.Single(problems, p => p.Path == "l1s[1].network.gateway");
    }

    [Fact]
    public void NAT_L2_addresses_are_inside_the_prefix_not_the_gateway_and_unique()
    {
        var problems = Problems(Lab(L1("a", Nat,
            L2("in", "192.168.100.10"),
            L2("out", "192.168.200.10"),
            L2("gw", "192.168.100.1"),
            L2("twin", "192.168.100.10"),
            L2("net", "192.168.100.0"),
            L2("len", "192.168.100.12", 16))));

        Assert.DoesNotContain(problems, p => p.Path.StartsWith("l1s[0].l2s[0]", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "l1s[0].l2s[1].ipAddress" && p.Message.Contains("not inside the NAT prefix 192.168.100.0/24", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "l1s[0].l2s[2].ipAddress" && p.Message.Contains("gateway", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "l1s[0].l2s[3].ipAddress" && p.Message.Contains("l1s[0].l2s[0]", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "l1s[0].l2s[4].ipAddress" && p.Message.Contains("network address", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "l1s[0].l2s[5].prefixLength" && p.Message.Contains("/24", StringComparison.Ordinal));
    }

    [Fact]
    public void The_external_switch_needs_no_prefix_but_full_addresses_unique_on_the_physical_network()
    {
        Assert.Empty(Problems(Lab(L1("b", External with { Gateway = null }, L2("dhcp")))));

        var problems = Problems(Lab(
            L1("a", External with { NatPrefix = "192.168.0.0/24" }, L2("x", "10.0.1.20"), L2("y", "10.0.2.20", 24)),
            L1("b", External, L2("z", "10.0.2.20", 24))));

        Assert.Contains(problems, p => p.Path == "l1s[0].network.natPrefix" && p.Message.Contains("Remove natPrefix", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "l1s[0].l2s[0].prefixLength" && p.Message.Contains("write prefixLength", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "l1s[0].l2s[1].ipAddress" && p.Message.Contains("gateway 10.0.1.1 is not on", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "l1s[1].l2s[0].ipAddress" && p.Message.Contains("physical network", StringComparison.Ordinal));
    }

    [Fact]
    public void Image_paths_config_versions_and_an_empty_lab_are_refused_in_words()
    {
        var problems = Problems(Lab(L1("a", Nat, new BlueprintL2("x", 1, 2 * Gb, "C:\\Images\\disk.iso", null, null)) with { ConfigurationVersion = "nine", OsImagePath = "" }));

        Assert.Contains(problems, p => p.Path == "l1s[0].osImagePath" && p.Message.Contains(".vhdx", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "l1s[0].l2s[0].osImagePath" && p.Message.Contains("inside L1 'a'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "l1s[0].configurationVersion" && p.Message.Contains("'nine'", StringComparison.Ordinal));
        Assert.Contains(Problems(Lab()), p => p.Path == "l1s" && p.Message.Contains("at least one L1", StringComparison.Ordinal));
    }
}
