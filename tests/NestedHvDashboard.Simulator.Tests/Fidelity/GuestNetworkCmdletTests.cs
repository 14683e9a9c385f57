using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests.Fidelity;

/// <summary>
/// The cmdlets a nested lab's networking needs: connecting a VM to a NAT switch, re-addressing its guest, and the guest
/// testing its way out (Test-NetConnection, Resolve-DnsName) against the simulated network.
/// </summary>
public sealed class GuestNetworkCmdletTests : IDisposable
{
    private readonly SimulatedHost host = GuestHosts.Create();
    private readonly SimulatorSession session;
    private readonly SimulatorSession guest;

    public GuestNetworkCmdletTests()
    {
        session = new SimulatorSession(host);
        var vm = host.FindVm("l1-plain")!;
        guest = new SimulatorSession(SimulatorModule.CreateGuestSessionState(host, vm.Id, vm.Guest!.Host));
    }

    public void Dispose()
    {
        guest.Dispose();
        session.Dispose();
    }

    [Fact]
    public void Connect_and_disconnect_change_the_switch_of_a_running_vm()
    {
        session.Run("New-VMSwitch -Name NatSw -SwitchType Internal").Succeeded();
        var connected = session.Run("Connect-VMNetworkAdapter -VMName l1-plain -SwitchName NatSw -Passthru").Succeeded().One<VMNetworkAdapter>();
        Assert.Equal("NatSw", connected.SwitchName);
        Assert.Equal("NatSw", host.FindVm("l1-plain")!.NetworkAdapters[0].SwitchName);

        session.Run("Get-VMNetworkAdapter -VMName l1-plain | Disconnect-VMNetworkAdapter").Succeeded();
        Assert.Null(host.FindVm("l1-plain")!.NetworkAdapters[0].SwitchName);

        session.Run("Get-VMSwitch NatSw | Connect-VMNetworkAdapter -VMName l1-plain").Succeeded();
        Assert.Equal("NatSw", host.FindVm("l1-plain")!.NetworkAdapters[0].SwitchName);

        var before = host.ToJson();
        Assert.Equal(ErrorCategory.ObjectNotFound, session.Run("Connect-VMNetworkAdapter -VMName l1-plain -SwitchName NoSuchSwitch").OnlyError.CategoryInfo.Category);
        Assert.Equal(ErrorCategory.ObjectNotFound, session.Run("Connect-VMNetworkAdapter -VMName l1-plain -Name NoSuchNic -SwitchName NatSw").OnlyError.CategoryInfo.Category);
        Assert.Equal(ErrorCategory.InvalidOperation, session.Run("Connect-VMNetworkAdapter -VMName l1-plain -UseAutomaticConnection").OnlyError.CategoryInfo.Category);
        Assert.Equal(ErrorCategory.ObjectNotFound, session.Run("Disconnect-VMNetworkAdapter -VMName nope").OnlyError.CategoryInfo.Category);
        Assert.Equal(before, host.ToJson());
    }

    [Fact]
    public void Remove_netipaddress_by_query_and_from_the_pipeline()
    {
        guest.Run("New-NetIPAddress -InterfaceAlias Ethernet -IPAddress 192.168.100.10 -PrefixLength 24 -SkipAsSource $true -Type Unicast").Succeeded();
        Assert.True(guest.Run("Get-NetIPAddress -IPAddress 192.168.100.10 -PolicyStore ActiveStore").Succeeded().All<NetIPAddress>().Single().SkipAsSource);

        guest.Run("Remove-NetIPAddress -IPAddress 192.168.100.10 -WhatIf").Succeeded();
        Assert.Single(guest.Run("Get-NetIPAddress -IPAddress 192.168.100.10").Succeeded().Output);

        var removed = guest.Run("Get-NetIPAddress -IPAddress 192.168.100.10 | Remove-NetIPAddress -Confirm:$false -PassThru").Succeeded().One<NetIPAddress>();
        Assert.Equal("192.168.100.10", removed.IPAddress);
        Assert.DoesNotContain(GuestHosts.GuestOf(host, "l1-plain").Host.Read(h => h.IPAddresses.ToList()), ip => ip.IPAddress == "192.168.100.10");

        var missing = guest.Run("Remove-NetIPAddress -IPAddress 192.168.100.10 -Confirm:$false").OnlyError;
        Assert.Equal(ErrorCategory.ObjectNotFound, missing.CategoryInfo.Category);
        Assert.StartsWith("CmdletizationQuery_NotFound,Remove-NetIPAddress", missing.FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void A_guest_behind_the_hosts_nat_reaches_its_gateway_and_beyond_until_the_nat_or_the_switch_goes()
    {
        session.Run(@"New-VMSwitch -Name NatSw -SwitchType Internal
New-NetIPAddress -InterfaceAlias 'vEthernet (NatSw)' -IPAddress 192.168.100.1 -PrefixLength 24
New-NetNat -Name LabNat -InternalIPInterfaceAddressPrefix 192.168.100.0/24
Connect-VMNetworkAdapter -VMName l1-plain -SwitchName NatSw").Succeeded();
        guest.Run(@"Get-NetIPAddress -InterfaceAlias Ethernet | Remove-NetIPAddress -Confirm:$false
New-NetIPAddress -InterfaceAlias Ethernet -IPAddress 192.168.100.10 -PrefixLength 24 -DefaultGateway 192.168.100.1
Set-DnsClientServerAddress -InterfaceAlias Ethernet -ServerAddresses 192.168.100.1 -Validate").Succeeded();

        var gateway = guest.Run("Test-NetConnection 192.168.100.1").Succeeded().Output.Single();
        Assert.Equal((true, "192.168.100.10", "Ethernet"), ((bool)gateway.Properties["PingSucceeded"].Value, (string)gateway.Properties["SourceAddress"].Value, (string)gateway.Properties["InterfaceAlias"].Value));
        Assert.True((bool)guest.Run("Test-NetConnection 8.8.8.8 -InformationLevel Quiet").Succeeded().Output.Single().BaseObject);

        var web = guest.Run("Test-NetConnection www.example.com -Port 443").Succeeded().Output.Single();
        Assert.True((bool)web.Properties["TcpTestSucceeded"].Value);
        Assert.StartsWith("203.0.113.", (string)web.Properties["RemoteAddress"].Value, StringComparison.Ordinal);
        var closed = guest.Run("Test-NetConnection www.example.com -Port 8080");
        Assert.False((bool)closed.Output.Single().Properties["TcpTestSucceeded"].Value);
        Assert.Contains(closed.Warnings, w => w.Message.StartsWith("TCP connect to (203.0.113.", StringComparison.Ordinal));
        Assert.True((bool)guest.Run("Test-NetConnection 192.168.100.1 -CommonTCPPort WINRM -InformationLevel Quiet").Succeeded().Output.Single().BaseObject);

        var resolved = guest.Run("Resolve-DnsName www.example.com -Type A").Succeeded().Output.Single();
        Assert.Equal(web.Properties["RemoteAddress"].Value, resolved.Properties["IPAddress"].Value);
        var unknown = guest.Run("Resolve-DnsName nosuchhost").OnlyError;
        Assert.StartsWith("DNS_ERROR_RCODE_NAME_ERROR,", unknown.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal("nosuchhost : DNS name does not exist", unknown.Exception.Message);

        session.Run("Remove-NetNat -Name LabNat").Succeeded();
        var noNat = guest.Run("Test-NetConnection 8.8.8.8");
        Assert.False((bool)noNat.Output.Single().Properties["PingSucceeded"].Value);
        Assert.Contains(noNat.Warnings, w => w.Message == "Ping to 8.8.8.8 failed with status: TimedOut");
        Assert.True((bool)guest.Run("Test-NetConnection 192.168.100.1 -InformationLevel Quiet").Succeeded().Output.Single().BaseObject);

        session.Run("Disconnect-VMNetworkAdapter -VMName l1-plain").Succeeded();
        Assert.False((bool)guest.Run("Test-NetConnection 192.168.100.1 -InformationLevel Quiet").Output.Single().BaseObject);
        var timeout = guest.Run("Resolve-DnsName www.example.com").OnlyError;
        Assert.Equal(ErrorCategory.OperationTimeout, timeout.CategoryInfo.Category);
        Assert.Equal(ErrorCategory.OperationTimeout, guest.Run("Set-DnsClientServerAddress -InterfaceAlias Ethernet -ServerAddresses 192.168.100.1 -Validate").OnlyError.CategoryInfo.Category);
    }

    [Fact]
    public void Route_diagnostics_and_trace_route_name_the_source_and_the_gateway()
    {
        var diagnosis = guest.Run("Test-NetConnection 8.8.8.8 -DiagnoseRouting").Succeeded().Output.Single();
        Assert.True((bool)diagnosis.Properties["RouteDiagnosticsSucceeded"].Value);
        Assert.Contains("NextHop: 10.0.1.1", (string)diagnosis.Properties["SelectedNetRoute"].Value, StringComparison.Ordinal);

        var traced = guest.Run("Test-NetConnection 8.8.8.8 -TraceRoute").Succeeded().Output.Single();
        Assert.Equal(new[] { "10.0.1.1", "8.8.8.8" }, (string[])traced.Properties["TraceRoute"].Value);
    }

    [Fact]
    public void Dns_client_cmdlets_take_the_documented_sets()
    {
        var rows = session.Run("Get-DnsClientServerAddress -InterfaceAlias Ethernet").Succeeded().Output;
        Assert.Equal(new[] { 2, 23 }, rows.Select(r => (int)r.Properties["AddressFamily"].Value));
        session.Run("Get-DnsClientServerAddress -InterfaceAlias Ethernet -Family IPv4 | Set-DnsClientServerAddress -ServerAddresses 10.0.1.1").Succeeded();
        Assert.Equal(["10.0.1.1"], host.Read(h => h.NetAdapters.Single(a => a.Name == "Ethernet").DnsServers.ToList()));
        var reset = session.Run("Set-DnsClientServerAddress -InterfaceIndex (Get-NetAdapter Ethernet).ifIndex -ResetAddresses -PassThru").Succeeded().Output.Single();
        Assert.Empty((string[])reset.Properties["ServerAddresses"].Value);
    }

    [Fact]
    public void New_netnat_keeps_the_routing_domain_and_refuses_one_that_is_not_a_guid()
    {
        session.Run("New-NetNat -Name Tenant -ExternalIPInterfaceAddressPrefix 203.0.113.0/24 -InternalRoutingDomainId '{bb47986c-f134-4a29-ad87-24010bf2c92f}'").Succeeded();
        Assert.Equal("{bb47986c-f134-4a29-ad87-24010bf2c92f}", host.Read(h => h.NetNat!.StoredSettings["InternalRoutingDomainId"]));
        session.Run("Remove-NetNat -Confirm:$false").Succeeded();
        Assert.Equal(ErrorCategory.InvalidArgument, session.Run("New-NetNat -Name Tenant -ExternalIPInterfaceAddressPrefix 203.0.113.0/24 -InternalRoutingDomainId tenant-1").OnlyError.CategoryInfo.Category);
        Assert.Null(host.Read(h => h.NetNat));
        var job = session.Run("Get-NetNat -AsJob | Wait-Job | Receive-Job").Succeeded();
        Assert.Empty(job.Output);
    }
}
