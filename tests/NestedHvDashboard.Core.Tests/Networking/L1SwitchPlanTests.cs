using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Networking;

public sealed class L1SwitchPlanTests
{
    private static readonly L1SwitchesReading Guest = new(
        true,
        [new L1NetAdapter("Ethernet", "Microsoft Hyper-V Network Adapter", "Up", null), new L1NetAdapter("Ethernet 2", "Microsoft Hyper-V Network Adapter #2", "Up", null),
         new L1NetAdapter("vEthernet (VmNAT)", "Hyper-V Virtual Ethernet Adapter", "Up", null)],
        [new L1Switch("VmNAT", "Internal", null), new L1Switch("Uplink", "External", "Ethernet 2")],
        [new L2AdapterConnection("l2-web", "Network Adapter", "Uplink", null), new L2AdapterConnection("l2-web", "Backup", "Uplink", null), new L2AdapterConnection("l2-db", "Network Adapter", "VmNAT", null)]);

    [Fact]
    public void A_good_request_passes_and_its_command_is_microsofts_with_the_management_os_sharing_the_adapter()
    {
        var request = new ExternalSwitchRequest(" External ", "Ethernet");

        Assert.Empty(L1SwitchPlan.ValidateCreate(L1(spoofing: true), Guest, request));
        Assert.Equal("New-VMSwitch -Name External -NetAdapterName Ethernet -AllowManagementOS:$true", L1SwitchPlan.CreateExternal(request).DisplayText);
        Assert.Equal(["Ethernet"], L1SwitchPlan.BindableAdapters(Guest).Select(a => a.Name));
    }

    [Fact]
    public void Each_wrong_part_of_a_request_is_named_by_its_field()
    {
        var problems = L1SwitchPlan.ValidateCreate(L1(spoofing: false), Guest, new ExternalSwitchRequest("vmnat", "Ethernet 2"));

        Assert.Equal([L1SwitchField.SwitchName, L1SwitchField.NetAdapterName, L1SwitchField.L1], problems.Select(p => p.Field));
        Assert.Contains("already bound to the external switch 'Uplink'", problems[1].Message, StringComparison.Ordinal);
        Assert.Contains(L1SwitchPlan.SpoofingWhy, problems[2].Message, StringComparison.Ordinal);

        Assert.Contains("virtual switch's own host adapter", Assert.Single(L1SwitchPlan.ValidateCreate(L1(true), Guest, new("New", "vEthernet (VmNAT)"))).Message, StringComparison.Ordinal);
        Assert.Contains("no network adapter named 'Wifi'", Assert.Single(L1SwitchPlan.ValidateCreate(L1(true), Guest, new("New", "Wifi"))).Message, StringComparison.Ordinal);
        Assert.Contains("contains *", Assert.Single(L1SwitchPlan.ValidateCreate(L1(true), Guest, new("Bad*Name", "Ethernet"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_l1_that_is_off_or_has_no_hyper_v_inside_is_refused_first()
    {
        Assert.Equal("VM 'lab-l1' is Off: PowerShell Direct reaches only a running guest; start it first.", Assert.Single(L1SwitchPlan.CheckL1(L1(true) with { State = VmState.Off }, null)).Message);
        Assert.Contains("Hyper-V does not run inside VM 'lab-l1'", L1SwitchPlan.ValidateConnect(L1(true), Guest with { HyperVRuns = false }, "l2-db", "VmNAT")[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Removing_a_switch_l2_adapters_use_names_each_of_them()
    {
        var problem = Assert.Single(L1SwitchPlan.ValidateRemove(L1(true), Guest, "Uplink"));

        Assert.Equal("L2 adapters are connected to 'Uplink': 'l2-web (Network Adapter)', 'l2-web (Backup)'. Connect them to another switch first.", problem.Message);
        Assert.Empty(L1SwitchPlan.ValidateRemove(L1(true), Guest with { L2Adapters = [] }, "Uplink"));
        Assert.Equal("Remove-VMSwitch -Name Uplink -Force", L1SwitchPlan.RemoveSwitch("Uplink").DisplayText);
    }

    [Fact]
    public void An_l2_vm_request_plans_a_differencing_disk_static_memory_and_its_processors()
    {
        var request = new L2VmRequest("l2-app", 2, 2L << 30, "VmNAT", @"C:\Images\ws2022.vhdx");

        Assert.Empty(L1SwitchPlan.ValidateNewL2Vm(L1(true), Guest, ["l2-web"], request));
        Assert.Equal(
            [
                @"New-VHD -Path 'D:\VMs\l2-app.vhdx' -ParentPath 'C:\Images\ws2022.vhdx' -Differencing",
                @"New-VM -Name l2-app -Generation 2 -MemoryStartupBytes 2147483648 -SwitchName VmNAT -VHDPath 'D:\VMs\l2-app.vhdx'",
                "Set-VMMemory -VMName l2-app -DynamicMemoryEnabled:$false",
                "Set-VMProcessor -VMName l2-app -Count 2",
            ],
            L1SwitchPlan.NewL2Vm(request, @"D:\VMs\").Select(c => c.DisplayText));
        Assert.Contains("-NoVHD", L1SwitchPlan.NewL2Vm(request with { OsImagePath = null })[0].DisplayText, StringComparison.Ordinal);
        Assert.Equal(
            [L1SwitchField.L2VmName, L1SwitchField.MemoryStartupBytes, L1SwitchField.SwitchName],
            L1SwitchPlan.ValidateNewL2Vm(L1(true), Guest, ["L2-WEB"], request with { Name = "l2-web", MemoryStartupBytes = (2L << 30) + 1, SwitchName = "Nope" }).Select(p => p.Field));
    }

    [Fact]
    public void Azure_and_hosts_without_an_external_switch_get_nat_with_why_and_others_get_both_options()
    {
        var azure = L2NetworkingAdvice.For(Facts(azure: true), [new L1Switch("External", "External", null)]);
        Assert.Equal((L2NetworkingOption.Nat, false), (azure.Recommended, azure.ExternalOffered));
        Assert.Contains("Azure drops frames from MAC addresses it did not assign", azure.Why, StringComparison.Ordinal);

        var internalOnly = L2NetworkingAdvice.For(Facts(azure: false), [new L1Switch("Lab", "Internal", null)]);
        Assert.Equal(L2NetworkingOption.Nat, internalOnly.Recommended);
        Assert.Contains("no external switch (Lab: Internal)", internalOnly.Why, StringComparison.Ordinal);

        var both = L2NetworkingAdvice.For(Facts(azure: false), [new L1Switch("External", "External", null)]);
        Assert.Equal((L2NetworkingOption.External, true), (both.Recommended, both.ExternalOffered));
        Assert.Contains("either works", both.Why, StringComparison.Ordinal);
        Assert.Contains("have not been read", L2NetworkingAdvice.For(null, null).Why, StringComparison.Ordinal);
    }

    private static VmSnapshot L1(bool spoofing) => new(
        Guid.Parse("5a1d0c7e-2b3c-4d5e-8f90-aabbccddeeff"), "lab-l1", VmState.Running, TimeSpan.Zero, 0, 8L << 30, false, 8L << 30, new Version(10, 0), 2, 4, true, false,
        [new VmNetworkAdapterInfo("Network Adapter", "External", "00155D010203", spoofing)], "Windows Server 2022 Datacenter", "10.0.20348");

    private static HostFacts Facts(bool azure) => new(
        "hv-a", "Microsoft Windows Server 2022 Datacenter", "10.0.20348", 20348, true, ProcessorVendor.Intel, "GenuineIntel", "Xeon", 16, 64L << 30, true,
        [new Version(9, 0), new Version(10, 0)], new Version(10, 0), azure, null);
}
