using System.Collections;
using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

/// <summary>
/// PowerShell Direct on a file-backed host (the SSH test hosts' mode): the guest's state is the VM's guest in the state
/// file, its checks are the in-process path's, and its cmdlets take faults from the host's faults file.
/// </summary>
public sealed class FileBackedGuestTests : IDisposable
{
    private readonly string stateFile = Path.Combine(Path.GetTempPath(), $"nestedhv-sim-guest-{Guid.NewGuid():N}.json");
    private readonly SimulatedHost inProcessHost = GuestHosts.Create();
    private readonly SimulatorSession inProcess;
    private readonly SimulatorSession fileBacked;

    public FileBackedGuestTests()
    {
        GuestHosts.Create().SaveToFile(stateFile);
        inProcess = new SimulatorSession(inProcessHost);
        fileBacked = new SimulatorSession(SimulatorModule.CreateFileBackedSessionState(stateFile));
    }

    public void Dispose()
    {
        inProcess.Dispose();
        fileBacked.Dispose();
        File.Delete(stateFile);
        File.Delete(SimulatedFaults.PathFor(stateFile));
    }

    private static SimulatorSession.Result InGuest(SimulatorSession session, string vm, string scriptBlock, PSCredential? credential = null) =>
        session.Run($"param($cred, $vm) Invoke-Command -VMName $vm -Credential $cred -ScriptBlock {{ {scriptBlock} }}", new Hashtable { ["cred"] = credential ?? GuestHosts.Credential(), ["vm"] = vm });

    private SimulatedHost Guest(string vm) => SimulatedHost.LoadFromFile(stateFile).FindVm(vm)!.Guest!.Host;

    [Fact]
    public void A_nat_created_in_a_guest_persists_in_the_state_file_and_a_later_session_sees_it()
    {
        const string script = """
            New-VMSwitch -Name VmNAT -SwitchType Internal | Out-Null
            New-NetIPAddress -IPAddress 192.168.0.1 -PrefixLength 24 -InterfaceAlias 'vEthernet (VmNAT)' | Out-Null
            New-NetNat -Name LocalNAT -InternalIPInterfaceAddressPrefix 192.168.0.0/24 | Out-Null
            (Get-VMHost).Name
            """;
        Assert.Equal("l1-hv", InGuest(fileBacked, "l1-hv", script).Succeeded().Output.Single().BaseObject);

        var guest = Guest("l1-hv");
        Assert.Contains(guest.Switches, s => s.Name == "VmNAT" && s.SwitchType == VMSwitchType.Internal);
        Assert.Equal("LocalNAT", guest.NetNat!.Name);
        Assert.Equal("192.168.0.0/24", guest.NetNat.InternalIPInterfaceAddressPrefix);
        var adapter = guest.NetAdapters.Single(a => a.Name == "vEthernet (VmNAT)");
        Assert.Contains(guest.IPAddresses, i => i.IPAddress == "192.168.0.1" && i.InterfaceIndex == adapter.InterfaceIndex);

        // The host itself is untouched, and a new pwsh (runspace) on the same file sees the guest's NAT.
        var host = SimulatedHost.LoadFromFile(stateFile);
        Assert.DoesNotContain(host.Switches, s => s.Name == "VmNAT");
        Assert.Null(host.NetNat);
        using var later = new SimulatorSession(SimulatorModule.CreateFileBackedSessionState(stateFile));
        var seen = InGuest(later, "l1-hv", "Get-NetNat | ForEach-Object Name; Get-VMSwitch -Name VmNAT | ForEach-Object Name").Succeeded();
        Assert.Equal(["LocalNAT", "VmNAT"], seen.Output.Select(o => (string)o.BaseObject));
    }

    [Theory]
    [InlineData("l1-hv", "Administrator", "wrong")]
    [InlineData("l1-hv", "OTHER\\Administrator", Scenarios.LabScenarios.GuestAdministratorPassword)]
    [InlineData("off-guest", "Administrator", Scenarios.LabScenarios.GuestAdministratorPassword)]
    [InlineData("linux", "Administrator", Scenarios.LabScenarios.GuestAdministratorPassword)]
    [InlineData("nope", "Administrator", Scenarios.LabScenarios.GuestAdministratorPassword)]
    public void Refusals_match_the_in_process_path_and_nothing_runs(string vm, string user, string password)
    {
        var credential = GuestHosts.Credential(user, password);
        var expected = InGuest(inProcess, vm, "New-VMSwitch -Name Sneaky -SwitchType Internal", credential).OnlyError;
        var actual = InGuest(fileBacked, vm, "New-VMSwitch -Name Sneaky -SwitchType Internal", credential).OnlyError;

        Assert.Equal(expected.Exception.Message, actual.Exception.Message);
        Assert.Equal(expected.Exception.GetType(), actual.Exception.GetType());
        Assert.Equal(expected.FullyQualifiedErrorId, actual.FullyQualifiedErrorId);
        Assert.Equal(expected.CategoryInfo.Category, actual.CategoryInfo.Category);
        Assert.DoesNotContain(SimulatedHost.LoadFromFile(stateFile).Vms.Where(v => v.Guest is not null).SelectMany(v => v.Guest!.Host.Switches), s => s.Name == "Sneaky");
    }

    [Fact]
    public void A_guest_without_hyper_v_has_no_hyper_v_cmdlets_as_in_process()
    {
        Assert.IsType<CommandNotFoundException>(InGuest(fileBacked, "l1-plain", "New-VMSwitch -Name X -SwitchType Internal").OnlyError.Exception);
        InGuest(fileBacked, "l1-plain", "Get-NetAdapter").Succeeded();
    }

    [Fact]
    public void A_fault_armed_on_a_guest_cmdlet_fires_in_the_guest_before_it_changes_anything()
    {
        SimulatedFaults.Arm(stateFile, new SimulatedFault { Command = "New-NetNat", Call = 1, Kind = SimulatedFaultKind.Fail, Message = "Injected refusal of New-NetNat." });

        var result = InGuest(fileBacked, "l1-hv", "New-VMSwitch -Name VmNAT -SwitchType Internal | Out-Null; New-NetNat -Name LocalNAT -InternalIPInterfaceAddressPrefix 192.168.0.0/24");

        Assert.Equal("Injected refusal of New-NetNat.", Assert.Single(result.Errors).Exception.Message);
        var faults = SimulatedFaults.Read(stateFile)!;
        Assert.NotNull(Assert.Single(faults.Faults).TriggeredAt);
        Assert.Equal(1, faults.Calls["New-VMSwitch"]);
        Assert.Equal(1, faults.Calls["Invoke-SimulatedGuestCommand"]);
        var guest = Guest("l1-hv");
        Assert.Contains(guest.Switches, s => s.Name == "VmNAT");
        Assert.Null(guest.NetNat);
    }

    [Fact]
    public async Task A_hanging_guest_cmdlet_stops_with_the_callers_pipeline()
    {
        SimulatedFaults.Arm(stateFile, new SimulatedFault { Command = "New-VMSwitch", Kind = SimulatedFaultKind.Hang });
        using var ps = PowerShell.Create(System.Management.Automation.Runspaces.RunspaceFactory.CreateRunspace(SimulatorModule.CreateFileBackedSessionState(stateFile)));
        ps.Runspace.Open();
        ps.AddScript("param($cred) Invoke-Command -VMName l1-hv -Credential $cred -ScriptBlock { New-VMSwitch -Name VmNAT -SwitchType Internal }").AddParameter("cred", GuestHosts.Credential());
        var running = Task.Factory.FromAsync(ps.BeginInvoke(), ps.EndInvoke);
        await Eventually.HoldsAsync(() => SimulatedFaults.Read(stateFile)!.Faults[0].TriggeredAt is not null, TimeSpan.FromSeconds(30));

        ps.Stop();
        await Assert.ThrowsAnyAsync<PipelineStoppedException>(() => running);
        Assert.DoesNotContain(Guest("l1-hv").Switches, s => s.Name == "VmNAT");
    }

    [Fact]
    public async Task Installing_hyper_v_in_a_file_backed_guest_restarts_its_vm_into_a_hyper_v_host()
    {
        var host = GuestHosts.Create(SimulationTiming.Fast());
        host.SaveToFile(stateFile);

        var result = Assert.Single(InGuest(fileBacked, "l1-plain", "Install-WindowsFeature -Name Hyper-V -IncludeManagementTools -Restart").Succeeded().Output);
        Assert.Equal("Yes", result.Properties["RestartNeeded"].Value);

        await Eventually.HoldsAsync(() => SimulatedHost.LoadFromFile(stateFile).FindVm("l1-plain")!.StateAt(DateTimeOffset.UtcNow) == VMState.Running, TimeSpan.FromSeconds(30));
        Assert.True(SimulatedHost.LoadFromFile(stateFile).FindVm("l1-plain")!.GuestIsHyperVHost);
        Assert.Equal("l1-plain", InGuest(fileBacked, "l1-plain", "(Get-VMHost).Name").Succeeded().Output.Single().BaseObject);
    }

    [Fact]
    public void A_guest_cannot_reach_its_own_vms_by_powershell_direct_in_file_backed_mode()
    {
        var error = InGuest(fileBacked, "l1-hv", "Invoke-Command -VMName l2-app-01 -Credential ([pscredential]::new('a', (ConvertTo-SecureString 'b' -AsPlainText -Force))) -ScriptBlock { 1 }").Errors.Single();
        Assert.Contains("is not simulated", error.Exception.Message, StringComparison.Ordinal);
    }
}
