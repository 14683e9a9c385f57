using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

/// <summary>
/// The L2Networking script, two PowerShell Direct hops deep (host → L1 → L2), against the in-process simulator: an L2's address
/// applied inside it after validation, undone when a step fails, and "Test connectivity" failing for the right reason in each
/// broken case the simulator models (no address, an address outside the NAT's prefix, the L1 without its gateway address, an
/// L2 on an external switch inside an L1 whose adapters do not spoof MAC addresses) and passing once it is right.
/// </summary>
public sealed class L2NetworkingTests : IAsyncLifetime
{
    private const string HostName = "HV-L2";
    private const string L2Password = "L2-guest-pass-1";
    private static readonly GuestCredential L1 = new(LabScenarios.GuestAdministratorUserName, LabScenarios.GuestAdministratorPassword);
    private static readonly GuestCredential L2 = new(LabScenarios.GuestAdministratorUserName, L2Password);

    private readonly SimulatedLab _lab = new();
    private readonly SimulatedHost _host;
    private readonly SimulatedHost _l1;
    private PowerShellHyperVHost? _dashboardHost;

    public L2NetworkingTests()
    {
        _host = new SimulatedHost(HostName, new HostProfile
        {
            OsCaption = "Microsoft Windows Server 2022 Datacenter",
            OsVersion = "10.0.20348",
            OsBuild = 20348,
            ProductType = 3,
            ProcessorManufacturer = "GenuineIntel",
            ProcessorName = "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz",
            LogicalProcessors = 16,
            MemoryBytes = 128L << 30,
        })
        { Timing = SimulationTiming.Fast() };
        _host.AddNetAdapter("Ethernet", "Intel(R) Ethernet Controller X710");
        _host.AddSwitch("External", VMSwitchType.External, "Ethernet");
        var l1 = LabScenarios.AddWindowsGuestVm(_host, "lab-l1", "Windows Server 2022 Datacenter", "10.0.20348", nested: true, hyperV: true);
        _l1 = l1.Guest!.Host;

        // Inside the L1: Microsoft's NAT (VmNAT, 192.168.100.1/24) and an external switch on its own adapter, an L2 on each.
        _l1.AddSwitch("VmNAT", VMSwitchType.Internal);
        _l1.AddSwitch("ExtSwitch", VMSwitchType.External, "Ethernet");
        _l1.Update(h =>
        {
            var nat = h.NetAdapters.Single(a => a.Name == "vEthernet (VmNAT)");
            h.IPAddresses.Add(new SimulatedIPAddress { IPAddress = "192.168.100.1", InterfaceIndex = nat.InterfaceIndex, PrefixLength = 24, PrefixOrigin = "Manual" });
            h.NetNat = new SimulatedNetNat { Name = "LabNAT", InternalIPInterfaceAddressPrefix = "192.168.100.0/24" };
            return 0;
        });
        LabGuestSetups.AddL2Guest(_l1, "lab-l2-web", "VmNAT", L2Password);
        LabGuestSetups.AddL2Guest(_l1, "lab-l2-app", "VmNAT", L2Password);
        LabGuestSetups.AddL2Guest(_l1, "lab-l2-ext", "ExtSwitch", L2Password);
        _lab.Add(_host);
    }

    private PowerShellHyperVHost DashboardHost => _dashboardHost ?? throw new InvalidOperationException("Not initialised.");

    private Guid L1Id => _host.FindVm("lab-l1")!.Id;

    public Task InitializeAsync()
    {
        _dashboardHost = (PowerShellHyperVHost)HyperVHostFactory.Create(
            new HostConnectionSettings { Name = HostName, Address = HostName, Transport = HostTransport.InProcess, Timeout = TimeSpan.FromSeconds(30) },
            _lab);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await DashboardHost.DisposeAsync();

    private static L2AddressRequest Nat(string address) => new(address, 24, "192.168.100.1", "1.1.1.1");

    private Task<L2ConnectivityReport> TestAsync(string l2, string? name = "www.contoso.com") =>
        DashboardHost.TestL2ConnectivityAsync(L1Id, L1, l2, L2, new L2ConnectivityRequest(null, null, name));

    private SimulatedHost GuestOf(string l2) => _l1.FindVm(l2)!.Guest!.Host;

    [Fact]
    public async Task An_applied_address_is_the_l2s_and_every_hop_then_answers()
    {
        var before = await TestAsync("lab-l2-web");
        var gateway = before.Hops.Single(h => h.Hop == L2Hop.Gateway);
        Assert.False(before.Succeeded);
        Assert.StartsWith("no gateway: 'lab-l2-web' has no default gateway", gateway.Detail, StringComparison.Ordinal);

        var after = await DashboardHost.ApplyL2AddressAsync(L1Id, L1, "lab-l2-web", L2, Nat("192.168.100.10"));

        Assert.Equal([new L2GuestAddress("Ethernet", "192.168.100.10", 24)], after.Addresses);
        Assert.Equal(["192.168.100.1"], after.Gateways);
        Assert.Equal(["1.1.1.1"], after.DnsServers);
        Assert.Equal(after.Addresses, (await DashboardHost.GetL2AddressesAsync(L1Id, L1, "lab-l2-web", L2)).Addresses);

        var report = await TestAsync("lab-l2-web");
        Assert.True(report.Succeeded, string.Join(" | ", report.Hops.Select(h => h.Detail)));
        Assert.Equal([L2Hop.Gateway, L2Hop.DnsServer, L2Hop.NameResolution, L2Hop.Name], report.Hops.Select(h => h.Hop));
        Assert.Equal("gateway 192.168.100.1 answers (from 192.168.100.10).", report.Hops[0].Detail);
        Assert.StartsWith("www.contoso.com resolves to 203.0.113.", report.Hops[2].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_address_outside_the_nats_prefix_has_no_route_to_the_gateway()
    {
        // Set by hand inside the L2 (the dashboard refuses it): 192.168.0.20/24 behind a NAT of 192.168.100.0/24.
        GuestOf("lab-l2-web").Update(g =>
        {
            var ethernet = g.NetAdapters.Single(a => a.Name == "Ethernet");
            g.IPAddresses.Clear();
            g.IPAddresses.Add(new SimulatedIPAddress { IPAddress = "192.168.0.20", InterfaceIndex = ethernet.InterfaceIndex, PrefixLength = 24, DefaultGateway = "192.168.100.1" });
            ethernet.DnsServers = ["1.1.1.1"];
            return 0;
        });

        var report = await TestAsync("lab-l2-web");

        Assert.Equal("no route: 192.168.0.20/24 is outside the NAT's 192.168.100.0/24.", report.Hops[0].Detail);
        Assert.False(report.Hops[1].Succeeded);
        Assert.StartsWith("DNS server 1.1.1.1 not reached: the gateway fails first", report.Hops[1].Detail, StringComparison.Ordinal);
        Assert.False(report.Hops[2].Succeeded);
    }

    [Fact]
    public async Task An_l1_without_its_gateway_address_leaves_the_gateway_silent()
    {
        await DashboardHost.ApplyL2AddressAsync(L1Id, L1, "lab-l2-web", L2, Nat("192.168.100.10"));
        _l1.Update(h => h.IPAddresses.RemoveAll(ip => ip.IPAddress == "192.168.100.1"));

        var report = await TestAsync("lab-l2-web", name: null);

        Assert.Equal("gateway 192.168.100.1 does not answer: the L1 has no address on vEthernet (VmNAT).", report.Hops[0].Detail);
        Assert.Equal([L2Hop.Gateway, L2Hop.DnsServer], report.Hops.Select(h => h.Hop));
    }

    [Fact]
    public async Task An_l2_on_an_external_switch_is_dropped_until_the_l1_spoofs_mac_addresses()
    {
        await DashboardHost.ApplyL2AddressAsync(L1Id, L1, "lab-l2-ext", L2, new L2AddressRequest("10.0.1.50", 24, "10.0.1.1", "1.1.1.1"));

        var dropped = await TestAsync("lab-l2-ext");
        Assert.False(dropped.Hops[0].Succeeded);
        Assert.StartsWith("dropped: MAC spoofing is off on lab-l1's adapters while its L2 uses an external switch ('ExtSwitch')", dropped.Hops[0].Detail, StringComparison.Ordinal);

        await DashboardHost.SetMacAddressSpoofingAsync(L1Id, null, true);
        var passing = await TestAsync("lab-l2-ext");
        Assert.True(passing.Succeeded, string.Join(" | ", passing.Hops.Select(h => h.Detail)));
    }

    [Fact]
    public async Task A_request_outside_the_nat_or_with_another_gateway_is_refused_by_field_before_anything_runs()
    {
        var before = GuestOf("lab-l2-web").Read(g => g.IPAddresses.Select(ip => ip.IPAddress).ToList());

        var refused = await Assert.ThrowsAsync<L2AddressRefusedException>(() =>
            DashboardHost.ApplyL2AddressAsync(L1Id, L1, "lab-l2-web", L2, new L2AddressRequest("192.168.0.20", 24, "192.168.0.1", null)));

        Assert.Contains(refused.Problems, p => p.Field == L2AddressField.IpAddress && p.Message.Contains("not a host address of the NAT's 192.168.100.0/24", StringComparison.Ordinal));
        Assert.Contains(refused.Problems, p => p.Field == L2AddressField.Gateway && p.Message.Contains("must be the NAT's gateway 192.168.100.1", StringComparison.Ordinal));
        Assert.Equal(before, GuestOf("lab-l2-web").Read(g => g.IPAddresses.Select(ip => ip.IPAddress).ToList()));
    }

    [Fact]
    public async Task An_address_another_l2_holds_is_refused_as_in_use()
    {
        await DashboardHost.ApplyL2AddressAsync(L1Id, L1, "lab-l2-app", L2, Nat("192.168.100.10"));

        var refused = await Assert.ThrowsAsync<L2AddressRefusedException>(() => DashboardHost.ApplyL2AddressAsync(L1Id, L1, "lab-l2-web", L2, Nat("192.168.100.10")));

        Assert.Equal(L2AddressField.IpAddress, Assert.Single(refused.Problems).Field);
        Assert.Contains("already in use", refused.Problems[0].Message, StringComparison.Ordinal);

        // Re-applying the address the L2 already holds is no conflict.
        var again = await DashboardHost.ApplyL2AddressAsync(L1Id, L1, "lab-l2-app", L2, Nat("192.168.100.10"));
        Assert.Equal("192.168.100.10", Assert.Single(again.Addresses).IpAddress);
    }

    [Fact]
    public async Task A_failing_step_puts_the_earlier_address_back()
    {
        await DashboardHost.ApplyL2AddressAsync(L1Id, L1, "lab-l2-web", L2, Nat("192.168.100.10"));
        GuestOf("lab-l2-web").FailingCommands["Set-DnsClientServerAddress"] = "The DNS client service is not running.";

        var failed = await Assert.ThrowsAsync<HostOperationException>(() =>
            DashboardHost.ApplyL2AddressAsync(L1Id, L1, "lab-l2-web", L2, new L2AddressRequest("192.168.100.20", 24, "192.168.100.1", "9.9.9.9")));

        Assert.Equal("lab-l2-web", failed.VmName);
        Assert.Contains("Set-DnsClientServerAddress inside L2 VM 'lab-l2-web'", failed.Operation, StringComparison.Ordinal);
        Assert.Contains("The DNS client service is not running.", failed.HostMessage, StringComparison.Ordinal);
        Assert.Contains("The earlier addresses were put back.", failed.HostMessage, StringComparison.Ordinal);
        GuestOf("lab-l2-web").FailingCommands.TryRemove("Set-DnsClientServerAddress", out _);
        var now = await DashboardHost.GetL2AddressesAsync(L1Id, L1, "lab-l2-web", L2);
        Assert.Equal("192.168.100.10", Assert.Single(now.Addresses).IpAddress);
        Assert.Equal(["192.168.100.1"], now.Gateways);
    }

    [Fact]
    public async Task A_wrong_l2_credential_is_the_l2s_refusal_not_the_l1s()
    {
        var refused = await Assert.ThrowsAsync<HostOperationException>(() =>
            DashboardHost.GetL2AddressesAsync(L1Id, L1, "lab-l2-web", new GuestCredential(LabScenarios.GuestAdministratorUserName, "wrong")));

        Assert.Equal(HostErrorKind.GuestAuthenticationFailed, refused.Kind);
        Assert.Equal("lab-l2-web", refused.VmName);
    }

    [Fact]
    public async Task An_l2_that_is_off_is_refused_by_name()
    {
        _l1.FindVm("lab-l2-web")!.State = VMState.Off;

        var refused = await Assert.ThrowsAsync<L2AddressRefusedException>(() => DashboardHost.ApplyL2AddressAsync(L1Id, L1, "lab-l2-web", L2, Nat("192.168.100.10")));

        Assert.Contains(refused.Problems, p => p.Field == L2AddressField.L2Vm && p.Message.Contains("is Off", StringComparison.Ordinal));
    }
}
