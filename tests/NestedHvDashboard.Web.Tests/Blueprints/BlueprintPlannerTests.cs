using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Blueprints;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Tests.Overview;
using NestedHvDashboard.Web.Tests.Pages;

namespace NestedHvDashboard.Web.Tests.Blueprints;

/// <summary>The review: a blueprint checked against fake hosts as they are, and every step with its commands and where they run.</summary>
public sealed class BlueprintPlannerTests
{
    private const long GB = 1L << 30;
    private const string Host = "HV-LAB-01";

    private readonly InventoryStore _inventory = new();
    private readonly Dictionary<string, IHyperVHost> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly InMemoryBlueprintStore _store = new();

    private static BlueprintL1 LabA(params BlueprintL2[] l2s) => new("lab-a", Host, 4, 8 * GB, "10.0", @"C:\Images\WindowsServer2022.vhdx", "External",
        new BlueprintNetwork(BlueprintNetworking.Nat, "VmNAT", "192.168.100.0/24", "192.168.100.1", "192.168.100.1"), l2s);

    private static BlueprintL2 L2(string name, string? ip = null) => new(name, 2, 2 * GB, @"C:\Images\WindowsServer2022.vhdx", ip, null);

    private static Blueprint Lab(params BlueprintL1[] l1s) => new("lab", null, l1s, "lab-dc.lab.local");

    private void Connect(HostFacts facts, params VmSnapshot[] vms)
    {
        _hosts[facts.Name] = new FakeHyperVHost(facts.Name, facts, vms);
        _inventory.SetHostStatus(facts.Name, new HostStatus(HostConnectionState.Connected, DateTimeOffset.UtcNow));
        _inventory.ApplyInventory(facts.Name, new HostInventory(facts, vms, DateTimeOffset.UtcNow));
    }

    private Task<BlueprintReview> ReviewAsync(Blueprint blueprint) =>
        new BlueprintPlanner(new Lookup(_hosts), _inventory, _store).ReviewAsync(blueprint);

    [Fact]
    public async Task A_lab_on_a_host_that_can_nest_lists_every_step_in_order_with_its_commands_and_where_they_run()
    {
        Connect(TileData.Intel2022(Host));

        var review = await ReviewAsync(Lab(LabA(L2("lab-a-web"), L2("lab-a-db", "192.168.100.20"))));

        Assert.True(review.CanApply, string.Join("\n", review.Problems));
        Assert.Equal(
        [
            BlueprintStepKind.CreateL1, BlueprintStepKind.EnableNested, BlueprintStepKind.CompanionFixes, BlueprintStepKind.StartL1, BlueprintStepKind.InstallHyperV,
            BlueprintStepKind.Networking, BlueprintStepKind.CreateL2, BlueprintStepKind.ApplyAddress, BlueprintStepKind.CreateL2, BlueprintStepKind.ApplyAddress,
            BlueprintStepKind.TestConnectivity, BlueprintStepKind.TestConnectivity,
        ], review.Steps.Select(s => s.Kind));
        Assert.Equal(Enumerable.Range(0, 12), review.Steps.Select(s => s.Index));
        Assert.All(review.Steps, s => Assert.False(s.AlreadyDone));

        var create = review.Steps[0];
        Assert.Equal("Create L1 'lab-a' on HV-LAB-01 from C:\\Images\\WindowsServer2022.vhdx", create.Title);
        Assert.All(create.Commands, c => Assert.Equal("on HV-LAB-01", c.Where));
        Assert.Equal(
        [
            @"New-VHD -Path '<VirtualHardDiskPath>\lab-a.vhdx' -ParentPath 'C:\Images\WindowsServer2022.vhdx' -Differencing",
            @"New-VM -Name lab-a -Generation 2 -Version 10.0 -MemoryStartupBytes 8589934592 -SwitchName External -VHDPath '<VirtualHardDiskPath>\lab-a.vhdx'",
            "Set-VMMemory -VMName lab-a -DynamicMemoryEnabled:$false",
            "Set-VMProcessor -VMName lab-a -Count 4 -ExposeVirtualizationExtensions:$true",
            "Set-VMNetworkAdapter -VMName lab-a -MacAddressSpoofing On",
        ], create.Commands.Select(c => c.Command.DisplayText));
        Assert.Equal("Start-VM -Name lab-a", Assert.Single(review.Steps[3].Commands).Command.DisplayText);

        var install = Assert.Single(review.Steps[4].Commands);
        Assert.Equal(("in lab-a", "Install-WindowsFeature -Name Hyper-V -IncludeManagementTools -Restart"), (install.Where, install.Command.DisplayText));
        Assert.Equal(["New-VMSwitch", "New-NetIPAddress", "New-NetNat"], review.Steps[5].Commands.Select(c => c.Command.Name));
        Assert.All(review.Steps[5].Commands, c => Assert.Equal("in lab-a", c.Where));

        // The empty L2 address takes the prefix's next free one after the gateway (the DNS server here) and the given .20.
        var web = review.Steps[7];
        Assert.Equal("Give 'lab-a-web' the address 192.168.100.2/24", web.Title);
        Assert.All(web.Commands, c => Assert.Equal("in lab-a → in lab-a-web", c.Where));
        Assert.Contains("New-NetIPAddress -IPAddress 192.168.100.2 -PrefixLength 24 -DefaultGateway 192.168.100.1 -InterfaceAlias Ethernet", web.Commands.Select(c => c.Command.DisplayText));
        Assert.Contains("New-NetIPAddress -IPAddress 192.168.100.20 -PrefixLength 24 -DefaultGateway 192.168.100.1 -InterfaceAlias Ethernet", review.Steps[9].Commands.Select(c => c.Command.DisplayText));

        Assert.Equal(
        [
            "Test-NetConnection -ComputerName 192.168.100.1",
            "Test-NetConnection -ComputerName 192.168.100.1 -Port 53",
            "Resolve-DnsName -Name lab-dc.lab.local -Server 192.168.100.1",
            "Test-NetConnection -ComputerName lab-dc.lab.local",
        ], review.Steps[10].Commands.Select(c => c.Command.DisplayText));
        Assert.Equal("Blueprint 'lab': Create L1 'lab-a'", BlueprintRunner.StepAction("lab", create));
    }

    [Fact]
    public async Task The_external_switch_option_plans_mac_spoofing_and_the_switch_bound_to_the_guests_adapter()
    {
        Connect(TileData.Intel2022(Host));
        var l1 = LabA(L2("ext-web", "10.0.0.50") with { PrefixLength = 24 }) with
        {
            Network = new BlueprintNetwork(BlueprintNetworking.ExternalSwitch, "L1-External", null, "10.0.0.1", null),
        };

        var review = await ReviewAsync(Lab(l1));

        Assert.True(review.CanApply, string.Join("\n", review.Problems));
        Assert.Contains("Set-VMNetworkAdapter -VMName lab-a -MacAddressSpoofing On", review.Steps[2].Commands.Select(c => c.Command.DisplayText));
        Assert.Equal("New-VMSwitch -Name L1-External -NetAdapterName Ethernet -AllowManagementOS:$true", Assert.Single(review.Steps[5].Commands).Command.DisplayText);
        Assert.Contains("New-VM -Name ext-web -Generation 2 -MemoryStartupBytes 2147483648 -SwitchName L1-External -VHDPath '<VirtualHardDiskPath>\\ext-web.vhdx'", review.Steps[6].Commands.Select(c => c.Command.DisplayText));
    }

    [Fact]
    public async Task Steps_already_true_of_the_lab_are_marked_so_for_an_L1_this_blueprint_made()
    {
        var existing = TileData.Ready("lab-a", VmState.Running, nested: true) with { MemoryAssignedBytes = 8 * GB };
        Connect(TileData.Intel2022(Host), existing);
        var blueprint = Lab(LabA(L2("lab-a-web")));
        var review = await ReviewAsync(blueprint);
        await _store.SaveRunAsync(new BlueprintRun(Guid.NewGuid(), "lab", "olivia", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, BlueprintRunState.Failed,
            [new BlueprintStepProgress(review.Steps[0], BlueprintStepState.Done, "created", false, null, null)]));

        var again = await ReviewAsync(blueprint);

        Assert.True(again.CanApply, string.Join("\n", again.Problems));
        Assert.Equal([true, true, true, true, false, false], again.Steps.Take(6).Select(s => s.AlreadyDone));
    }

    [Fact]
    public async Task The_problems_name_the_field_and_say_what_is_wrong_against_the_hosts_as_they_are()
    {
        Connect(TileData.Intel2022(Host) with { MemoryBytes = 16 * GB }, TileData.Ready("lab-a"), TileData.Ready("busy", VmState.Running) with { MemoryAssignedBytes = 6 * GB });
        Connect(TileData.Amd2016("HV-AMD-2016"));
        _hosts["HV-DOWN"] = new FakeHyperVHost("HV-DOWN", TileData.Intel2022("HV-DOWN"));
        _inventory.SetHostStatus("HV-DOWN", new HostStatus(HostConnectionState.Unreachable, DateTimeOffset.UtcNow, "WinRM did not answer"));
        var blueprint = Lab(
            LabA(L2("web", "10.9.9.9")),
            LabA() with { Name = "lab-b", MemoryStartupBytes = 12 * GB, ConfigurationVersion = "12.0" },
            LabA() with { Name = "lab-c", Host = "HV-AMD-2016" },
            LabA() with { Name = "lab-d", Host = "HV-DOWN" },
            LabA() with { Name = "lab-e", Host = "HV-NOWHERE" },
            LabA() with { Name = "lab-f", Network = new BlueprintNetwork(BlueprintNetworking.Nat, "VmNAT", "192.168.100.0/31", null, null) });

        var review = await ReviewAsync(blueprint);

        Assert.False(review.CanApply);
        var problems = review.Problems.Select(p => p.ToString()).ToList();
        Assert.Contains(problems, p => p.StartsWith("l1s[0].name:", StringComparison.Ordinal) && p.Contains("already has a VM named 'lab-a' that this blueprint did not create", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("l1s[0].l2s[0].ipAddress:", StringComparison.Ordinal) && p.Contains("not a host address of the NAT prefix 192.168.100.0/24", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("l1s[1].configurationVersion:", StringComparison.Ordinal) && p.Contains("does not support configuration version 12.0", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("l1s[1].memoryStartupBytes:", StringComparison.Ordinal) && p.Contains("has 2 GB free", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("l1s[2].host:", StringComparison.Ordinal) && p.Contains("Cannot: AMD needs Windows Server 2022+", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("l1s[3].host:", StringComparison.Ordinal) && p.Contains("unreachable: WinRM did not answer", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("l1s[4].host:", StringComparison.Ordinal) && p.Contains("no host named 'HV-NOWHERE'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("l1s[5].network.natPrefix:", StringComparison.Ordinal));

        // The steps are still listed, so the review shows what would run once the problems are fixed.
        Assert.Equal(6, review.Steps.Count(s => s.Kind is BlueprintStepKind.CreateL1));
    }

    private sealed class Lookup(Dictionary<string, IHyperVHost> hosts) : IHostLookup
    {
        public IHyperVHost? Find(string name) => hosts.GetValueOrDefault(name);
    }
}
