using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

public sealed class LabScenarioTests
{
    private static readonly SimulatedLab Lab = LabScenarios.CreateDefaultLab();

    private static List<(SimulatedHost Host, SimulatedVm Vm)> AllVms() =>
        Lab.Hosts.SelectMany(h => h.Read(x => x.Vms.ToList()).Select(v => (h, v))).ToList();

    [Fact]
    public void Default_lab_has_the_five_kinds_of_host()
    {
        var profiles = Lab.Hosts.Select(h => h.Profile).ToList();
        Assert.True(Lab.Hosts.Count >= 5);
        Assert.Contains(profiles, p => p.OsCaption.Contains("2016", StringComparison.Ordinal) && p.ProcessorManufacturer == "GenuineIntel");
        Assert.Contains(profiles, p => p.OsCaption.Contains("2019", StringComparison.Ordinal) && p.ProcessorManufacturer == "GenuineIntel");
        Assert.Contains(profiles, p => p.OsCaption.Contains("2022", StringComparison.Ordinal) && p.ProcessorManufacturer == "AuthenticAMD");
        Assert.Contains(profiles, p => p.OsCaption.Contains("2025", StringComparison.Ordinal) && p.IsAzureVm && p.AzureSecurityType == "TrustedLaunch" && p.AssetTag == HostProfile.AzureAssetTag);
        Assert.Contains(profiles, p => p.OsCaption.Contains("Windows 11", StringComparison.Ordinal) && p.ProductType == 1);
        Assert.All(profiles, p => Assert.Contains(p.DefaultVersion, p.SupportedVersions));
    }

    [Fact]
    public void Default_lab_covers_every_vm_scenario()
    {
        var vms = AllVms();
        var now = DateTimeOffset.UtcNow;
        Assert.True(vms.Count >= 30);
        foreach (var state in new[] { VMState.Running, VMState.Off, VMState.Saved, VMState.Paused })
        {
            Assert.Contains(vms, x => x.Vm.StateAt(now) == state);
        }

        foreach (var version in new[] { "5.0", "8.0", "9.0", "9.3", "10.0", "11.0", "12.0" })
        {
            Assert.Contains(vms, x => x.Vm.Version == version);
        }

        Assert.All(vms, x => Assert.Contains(x.Vm.Version, x.Host.Profile.SupportedVersions));
        Assert.Contains(vms, x => x.Vm.DynamicMemoryEnabled);
        Assert.Contains(vms, x => x.Vm.MemoryStartupBytes < 4L * 1024 * 1024 * 1024);
        Assert.Contains(vms, x => x.Vm.Checkpoints.Count > 0 && x.Vm.ParentCheckpointId is not null);
        Assert.Contains(vms, x => x.Vm.ExposeVirtualizationExtensions);
        Assert.Contains(vms, x => x.Vm.NetworkAdapters.Any(a => a.MacAddressSpoofing));
        Assert.Contains(vms, x => x.Vm.GuestIsHyperVHost && x.Vm.GuestOsName is not null && x.Vm.StateAt(now) == VMState.Running);
        Assert.Contains(vms, x => x.Vm.ProcessorCount > 225 && x.Vm.GuestOsName!.Contains("2019", StringComparison.Ordinal) && x.Host.Profile.LogicalProcessors >= x.Vm.ProcessorCount);
        Assert.Equal(vms.Count, vms.Select(x => x.Vm.Id).Distinct().Count());
    }

    [Fact]
    public void Default_lab_windows_guests_answer_powershell_direct_with_the_documented_credentials()
    {
        var ws2016 = Lab[LabScenarios.HostNames.Ws2016Intel];
        using var session = new SimulatorSession(ws2016);
        var parameters = new System.Collections.Hashtable { ["cred"] = GuestHosts.Credential() };

        var l2 = session.Run("param($cred) Invoke-Command -VMName nested-l1-01 -Credential $cred -ScriptBlock { Get-VM | ForEach-Object Name; (Get-VMHost).Name }", parameters).Succeeded();
        Assert.Equal(["l2-app-01", "nested-l1-01"], l2.Output.Select(o => (string)o.BaseObject));

        // Windows Server 2012 R2 predates PowerShell Direct.
        Assert.Contains("PowerShell Direct needs", session.Run("param($cred) Invoke-Command -VMName dc01 -Credential $cred -ScriptBlock { 1 }", parameters).OnlyError.Exception.Message, StringComparison.Ordinal);

        var guests = AllVms().Where(x => x.Vm.Guest is not null).ToList();
        Assert.All(guests, x => Assert.Contains("Windows", x.Vm.GuestOsName, StringComparison.Ordinal));
        Assert.All(guests, x => Assert.Equal(x.Vm.GuestIsHyperVHost, x.Vm.Guest!.Host.HyperVInstalled));
        Assert.Contains(guests, x => x.Vm.Guest!.Host.Profile.ProductType == 1);
    }

    [Fact]
    public void Default_lab_is_deterministic()
    {
        var again = LabScenarios.CreateDefaultLab();
        var first = AllVms().Select(x => (x.Vm.Id, x.Vm.Name, x.Vm.NetworkAdapters[0].MacAddress));
        var second = again.Hosts.SelectMany(h => h.Vms).Select(v => (v.Id, v.Name, v.NetworkAdapters[0].MacAddress));
        Assert.Equal(first, second);
    }

    [Fact]
    public void Default_lab_answers_through_the_cmdlets()
    {
        using var session = new SimulatorSession(Lab[LabScenarios.HostNames.Ws2019Intel]);
        var big = session.Run("Get-VM -Name sap-hana-240 | Get-VMProcessor").Succeeded().One<VMProcessor>();
        Assert.Equal(240, big.Count);
    }

    [Fact]
    public void Generated_lab_has_the_requested_size_and_repeats_for_a_seed()
    {
        var lab = LabScenarios.Generate(20, 50, seed: 7);
        Assert.Equal(20, lab.Hosts.Count);
        Assert.Equal(1000, lab.VmCount);
        var again = LabScenarios.Generate(20, 50, seed: 7);
        Assert.Equal(lab.Hosts.SelectMany(h => h.Vms).Select(v => v.Id), again.Hosts.SelectMany(h => h.Vms).Select(v => v.Id));
        Assert.All(lab.Hosts, h => Assert.All(h.Vms, v => Assert.Contains(v.Version, h.Profile.SupportedVersions)));
    }
}
