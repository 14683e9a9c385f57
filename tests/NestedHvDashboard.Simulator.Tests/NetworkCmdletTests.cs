using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

public sealed class NetworkCmdletTests : IDisposable
{
    private readonly SimulatedHost host = TestHosts.Create();
    private readonly SimulatorSession session;

    public NetworkCmdletTests() => session = new SimulatorSession(host);

    public void Dispose() => session.Dispose();

    [Fact]
    public void Internal_switch_creates_a_vethernet_adapter_and_removal_takes_it_away()
    {
        var created = session.Run("New-VMSwitch -Name NatSw -SwitchType Internal").Succeeded().One<VMSwitch>();
        Assert.Equal(VMSwitchType.Internal, created.SwitchType);

        var adapter = session.Run("Get-NetAdapter -Name 'vethernet (natsw)'").Succeeded().One<NetAdapter>();
        Assert.Equal("vEthernet (NatSw)", adapter.Name);
        Assert.Matches("^([0-9A-F]{2}-){5}[0-9A-F]{2}$", adapter.MacAddress);

        session.Run("Get-NetAdapter 'vEthernet (NatSw)' | New-NetIPAddress -IPAddress 172.16.0.1 -PrefixLength 24").Succeeded();
        session.Run("Get-VMSwitch NatSw | Remove-VMSwitch -Force").Succeeded();

        Assert.Empty(session.Run("Get-VMSwitch -SwitchType Internal").Succeeded().Output);
        Assert.Single(session.Run("Get-NetAdapter -Name 'vEthernet (NatSw)'").Errors);
        Assert.DoesNotContain(host.Read(h => h.IPAddresses.ToList()), ip => ip.IPAddress == "172.16.0.1");
    }

    [Fact]
    public void Switch_errors_are_real_shaped()
    {
        Assert.Equal(ErrorCategory.ObjectNotFound, Assert.Single(session.Run("Get-VMSwitch -Name nope").Errors).CategoryInfo.Category);
        Assert.Equal(ErrorCategory.ObjectNotFound, Assert.Single(session.Run("New-VMSwitch -Name Ext2 -NetAdapterName NoSuchNic").Errors).CategoryInfo.Category);
        var before = host.ToJson();
        Assert.Equal(ErrorCategory.ResourceExists, Assert.Single(session.Run("New-VMSwitch -Name external -SwitchType Private").Errors).CategoryInfo.Category);
        Assert.Equal(before, host.ToJson());
        Assert.Equal(VMSwitchType.Private, session.Run("New-VMSwitch -Name priv -SwitchType Private").Succeeded().One<VMSwitch>().SwitchType);
        Assert.Empty(session.Run("Get-NetAdapter -Name 'vEthernet (priv)' -ErrorAction SilentlyContinue").Output);
    }

    [Fact]
    public void Only_one_netnat_per_host()
    {
        var nat = session.Run("New-NetNat -Name LocalNAT -InternalIPInterfaceAddressPrefix 192.168.0.0/24").Succeeded().One<NetNat>();
        Assert.Equal("192.168.0.0/24", nat.InternalIPInterfaceAddressPrefix);
        var before = host.ToJson();

        var second = session.Run("New-NetNat -Name Other -InternalIPInterfaceAddressPrefix 10.10.0.0/16");

        var error = Assert.Single(second.Errors);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal("The parameter is incorrect.", error.Exception.Message);
        Assert.Contains("LocalNAT", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal(before, host.ToJson());

        Assert.Equal("LocalNAT", session.Run("Get-NetNat").Succeeded().One<NetNat>().Name);
        session.Run("Get-NetNat LocalNAT | Remove-NetNat -Confirm:$false").Succeeded();
        Assert.Empty(session.Run("Get-NetNat").Output);
        Assert.Single(session.Run("Get-NetNat -Name LocalNAT").Errors);
    }

    [Fact]
    public void NetNat_with_a_bad_prefix_is_refused()
    {
        Assert.Single(session.Run("New-NetNat -Name N -InternalIPInterfaceAddressPrefix 192.168.0.0").Errors);
        Assert.Null(host.Read(h => h.NetNat));
    }

    [Fact]
    public void NewNetIPAddress_by_alias_index_and_pipeline_and_duplicate_refused()
    {
        var created = session.Run("New-NetIPAddress -InterfaceAlias Ethernet -IPAddress 10.50.0.5 -PrefixLength 16").Succeeded().All<NetIPAddress>();
        Assert.Equal(["ActiveStore", "PersistentStore"], created.Select(c => c.PolicyStore));
        Assert.Equal(AddressFamily.IPv4, created[0].AddressFamily);
        Assert.Equal((byte)16, created[0].PrefixLength);

        var index = host.Read(h => h.NetAdapters.Single(a => a.Name == "Ethernet").InterfaceIndex);
        session.Run($"New-NetIPAddress -InterfaceIndex {index} -IPAddress 10.60.0.5 -PrefixLength 16").Succeeded();
        Assert.Equal(2, session.Run("Get-NetIPAddress -InterfaceAlias Ethernet -IPAddress 10.*").Succeeded().Output.Count);

        var before = host.ToJson();
        var duplicate = session.Run("Get-NetAdapter Ethernet | New-NetIPAddress -IPAddress 10.50.0.5 -PrefixLength 16");
        Assert.Equal(ErrorCategory.ResourceExists, Assert.Single(duplicate.Errors).CategoryInfo.Category);
        var wrongFamily = session.Run("Get-NetAdapter Ethernet | New-NetIPAddress -IPAddress 10.70.0.5 -AddressFamily IPv6 -PrefixLength 16");
        Assert.Equal(ErrorCategory.InvalidArgument, Assert.Single(wrongFamily.Errors).CategoryInfo.Category);
        Assert.Equal(ErrorCategory.ObjectNotFound, Assert.Single(session.Run("New-NetIPAddress -InterfaceAlias Nope -IPAddress 10.80.0.5").Errors).CategoryInfo.Category);
        Assert.Equal(before, host.ToJson());
    }

    [Fact]
    public void Cim_classes_describe_the_host()
    {
        var processor = session.Run("Get-CimInstance -ClassName Win32_Processor | Select-Object -First 1").Succeeded().Output[0];
        Assert.Equal("GenuineIntel", processor.Properties["Manufacturer"].Value);
        Assert.IsType<uint>(processor.Properties["NumberOfLogicalProcessors"].Value);

        var os = session.Run("Get-CimInstance Win32_OperatingSystem").Succeeded().Output.Single();
        Assert.Equal("10.0.20348", os.Properties["Version"].Value);
        Assert.Equal(3u, os.Properties["ProductType"].Value);
        Assert.Equal("Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_OperatingSystem", os.TypeNames[0]);

        var cs = session.Run("Get-CimInstance -Namespace root\\cimv2 -ClassName Win32_ComputerSystem").Succeeded().Output.Single();
        Assert.Equal(128u, cs.Properties["NumberOfLogicalProcessors"].Value);
        Assert.Equal("", session.Run("(Get-CimInstance Win32_SystemEnclosure).SMBIOSAssetTag").Succeeded().Output.Single().BaseObject);

        var bad = session.Run("Get-CimInstance Win32_Nope");
        Assert.Equal(ErrorCategory.MetadataError, bad.OnlyError.CategoryInfo.Category);
    }

    [Fact]
    public void Kvp_exchange_reports_the_guest_os_only_for_running_vms_with_a_reporting_guest()
    {
        var runId = host.FindVm("run-vm")!.Id.ToString().ToUpperInvariant();
        var rows = session.Run("Get-CimInstance -Namespace root\\virtualization\\v2 -ClassName Msvm_KvpExchangeComponent").Succeeded().Output;
        Assert.Equal(3, rows.Count);
        var running = rows.Single(r => (string)r.Properties["SystemName"].Value == runId);
        var items = Assert.IsType<string[]>(running.Properties["GuestIntrinsicExchangeItems"].Value);
        var osName = items.Select(System.Xml.Linq.XElement.Parse)
            .Single(x => x.Elements("PROPERTY").Any(p => (string?)p.Attribute("NAME") == "Name" && p.Element("VALUE")?.Value == "OSName"));
        Assert.Equal("Msvm_KvpExchangeDataItem", (string?)osName.Attribute("CLASSNAME"));
        Assert.Equal("Windows Server 2022 Datacenter", osName.Elements("PROPERTY").Single(p => (string?)p.Attribute("NAME") == "Data").Element("VALUE")!.Value);
        Assert.Contains(items, i => i.Contains("<VALUE>OSVersion</VALUE>", StringComparison.Ordinal) && i.Contains("<VALUE>10.0.20348</VALUE>", StringComparison.Ordinal));
        Assert.All(rows.Where(r => r != running), r => Assert.Empty((string[])r.Properties["GuestIntrinsicExchangeItems"].Value));

        var filtered = session.Run(
            "param($id) Get-CimInstance -Namespace root/virtualization/v2 -ClassName Msvm_KvpExchangeComponent -Filter \"SystemName = '$id'\"",
            new System.Collections.Hashtable { ["id"] = runId }).Succeeded().Output;
        Assert.Single(filtered);
    }
}
