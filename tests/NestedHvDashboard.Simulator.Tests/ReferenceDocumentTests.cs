using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

/// <summary>
/// The commands of reference/nested-virtualization.md, verbatim (en-dashes and smart quotes
/// included), with the placeholders filled in.
/// </summary>
public sealed class ReferenceDocumentTests : IDisposable
{
    private readonly SimulatedHost host = TestHosts.Create();
    private readonly SimulatorSession session;

    public ReferenceDocumentTests() => session = new SimulatorSession(host);

    public void Dispose() => session.Dispose();

    [Fact]
    public void Enable_and_disable_nested_virtualization()
    {
        session.Run("Set-VMProcessor -VMName off-vm -ExposeVirtualizationExtensions $true").Succeeded();
        Assert.True(host.FindVm("off-vm")!.ExposeVirtualizationExtensions);

        session.Run("Set-VMProcessor -VMName off-vm -ExposeVirtualizationExtensions $false").Succeeded();
        Assert.False(host.FindVm("off-vm")!.ExposeVirtualizationExtensions);
    }

    [Fact]
    public void Mac_address_spoofing()
    {
        session.Run("Get-VMNetworkAdapter -VMName run-vm | Set-VMNetworkAdapter -MacAddressSpoofing On").Succeeded();
        Assert.True(host.FindVm("run-vm")!.NetworkAdapters.Single().MacAddressSpoofing);
    }

    [Fact]
    public void Nat_networking()
    {
        session.Run("New-VMSwitch -Name VmNAT -SwitchType Internal").Succeeded();
        session.Run("New-NetNat –Name LocalNAT –InternalIPInterfaceAddressPrefix “192.168.0.0/24”").Succeeded();
        session.Run("Get-NetAdapter \"vEthernet (VmNat)\" | New-NetIPAddress -IPAddress 192.168.0.1 -AddressFamily IPv4 -PrefixLength 24").Succeeded();
        session.Run("Netsh interface ip add dnsserver “vEthernet (VmNat)” address=1.1.1.1").Succeeded();

        host.Read(h =>
        {
            Assert.Contains(h.Switches, s => s.Name == "VmNAT" && s.SwitchType == VMSwitchType.Internal);
            Assert.Equal("LocalNAT", h.NetNat!.Name);
            Assert.Equal("192.168.0.0/24", h.NetNat.InternalIPInterfaceAddressPrefix);
            var adapter = h.NetAdapters.Single(a => a.Name == "vEthernet (VmNAT)");
            var ip = h.IPAddresses.Single(i => i.IPAddress == "192.168.0.1");
            Assert.Equal(adapter.InterfaceIndex, ip.InterfaceIndex);
            Assert.Equal(24, ip.PrefixLength);
            Assert.Equal(["1.1.1.1"], adapter.DnsServers);
            return 0;
        });
        Assert.Equal(0, session.Run("$LASTEXITCODE").Output.Single().BaseObject);
    }

    [Fact]
    public void Nested_guest_address_with_gateway()
    {
        session.Run("New-VMSwitch -Name VmNAT -SwitchType Internal").Succeeded();
        session.Run("Get-NetAdapter \"vEthernet (VmNat)\" | New-NetIPAddress -IPAddress 192.168.0.2 -DefaultGateway 192.168.0.1 -AddressFamily IPv4 -PrefixLength 24").Succeeded();

        var ip = host.Read(h => h.IPAddresses.Single(i => i.IPAddress == "192.168.0.2"));
        Assert.Equal("192.168.0.1", ip.DefaultGateway);

        var second = session.Run("Get-NetAdapter \"vEthernet (VmNat)\" | New-NetIPAddress -IPAddress 192.168.0.3 -DefaultGateway 192.168.0.1 -AddressFamily IPv4 -PrefixLength 24");
        Assert.Equal(System.Management.Automation.ErrorCategory.ResourceExists, Assert.Single(second.Errors).CategoryInfo.Category);
    }

    [Fact]
    public void Netsh_on_an_unknown_interface_fails_with_an_exit_code()
    {
        var result = session.Run("Netsh interface ip add dnsserver “vEthernet (Nope)” address=1.1.1.1; $LASTEXITCODE");
        Assert.Equal(1, result.Output.Last().BaseObject);
    }
}
