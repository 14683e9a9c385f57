using System.Collections;
using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

/// <summary>Installing Hyper-V inside guests: Server (Install-WindowsFeature) and client (Enable-WindowsOptionalFeature).</summary>
public sealed class GuestFeatureTests : IDisposable
{
    private readonly SimulatedHost host;
    private readonly SimulatorSession session;

    public GuestFeatureTests()
    {
        // Restarts long enough to watch from L0, short enough for a test.
        host = GuestHosts.Create(new SimulationTiming
        {
            StartDuration = TimeSpan.FromMilliseconds(1500),
            StopDuration = TimeSpan.FromMilliseconds(1500),
            SaveDuration = TimeSpan.FromMilliseconds(40),
        });
        session = new SimulatorSession(host);
    }

    public void Dispose() => session.Dispose();

    private SimulatorSession.Result InGuest(string vm, string scriptBlock) =>
        session.Run($"param($cred, $vm) Invoke-Command -VMName $vm -Credential $cred -ScriptBlock {{ {scriptBlock} }}", new Hashtable { ["cred"] = GuestHosts.Credential(), ["vm"] = vm });

    private VMState StateFromL0(string vm) => (VMState)session.Run("param($n) (Get-VM -Name $n).State", new Hashtable { ["n"] = vm }).Succeeded().Output.Single().BaseObject;

    [Fact]
    public async Task Installing_hyper_v_with_restart_reboots_the_guest_into_a_hyper_v_host()
    {
        Assert.Equal("Available", InGuest("l1-plain", "(Get-WindowsFeature -Name Hyper-V).InstallState").Succeeded().Output.Single().ToString());
        Assert.IsType<CommandNotFoundException>(InGuest("l1-plain", "Get-VMHost").OnlyError.Exception);

        var result = Assert.Single(InGuest("l1-plain", "Install-WindowsFeature -Name Hyper-V -IncludeManagementTools -Restart").Succeeded().Output);
        Assert.Equal(true, result.Properties["Success"].Value);
        Assert.Equal("Yes", result.Properties["RestartNeeded"].Value);
        Assert.Equal("SuccessRestartRequired", result.Properties["ExitCode"].Value?.ToString());

        // Running → Stopping → Starting → Running, as L0's Get-VM shows it.
        var vm = host.FindVm("l1-plain")!;
        var restartedAt = vm.FirstTransitionEndsAt!.Value - host.Timing.StopDuration;
        Assert.Equal(VMState.Stopping, vm.StateAt(restartedAt));
        Assert.Equal(VMState.Starting, vm.StateAt(vm.FirstTransitionEndsAt.Value));
        Assert.Equal(VMState.Running, vm.StateAt(vm.TransitionEndsAt!.Value));
        var seen = new List<VMState>();
        await Eventually.HoldsAsync(
            () =>
            {
                var state = StateFromL0("l1-plain");
                if (seen.Count == 0 || seen[^1] != state)
                {
                    seen.Add(state);
                }

                return state == VMState.Running;
            },
            TimeSpan.FromSeconds(30));
        Assert.Equal(VMState.Running, seen[^1]);
        Assert.DoesNotContain(VMState.Off, seen);

        Assert.Equal("l1-plain", InGuest("l1-plain", "(Get-VMHost).Name").Succeeded().Output.Single().BaseObject);
        var states = InGuest("l1-plain", "Get-WindowsFeature | ForEach-Object { '{0}={1}' -f $_.Name, $_.InstallState }").Succeeded().Output.Select(o => (string)o.BaseObject);
        Assert.Equal(["Hyper-V=Installed", "RSAT-Hyper-V-Tools=Installed", "Hyper-V-Tools=Installed", "Hyper-V-PowerShell=Installed"], states);
        Assert.True(host.FindVm("l1-plain")!.GuestIsHyperVHost);
    }

    [Fact]
    public void While_the_guest_restarts_l0_sees_it_stopping_and_powershell_direct_refuses()
    {
        host.Timing = new SimulationTiming { StopDuration = TimeSpan.FromMinutes(10), StartDuration = TimeSpan.FromMinutes(10) };

        InGuest("l1-plain", "Install-WindowsFeature -Name Hyper-V -IncludeManagementTools -Restart").Succeeded();

        Assert.Equal(VMState.Stopping, StateFromL0("l1-plain"));
        Assert.Equal("The virtual machine l1-plain is not in running state.", InGuest("l1-plain", "1").OnlyError.Exception.Message);
    }

    [Fact]
    public void Hyper_v_will_not_install_without_nested_virtualization()
    {
        var error = InGuest("l1-nonested", "Install-WindowsFeature -Name Hyper-V -IncludeManagementTools -Restart").OnlyError;

        Assert.Contains("Hyper-V cannot be installed: The processor does not have required virtualization capabilities.", error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(VMState.Running, StateFromL0("l1-nonested"));
        Assert.Equal("Available", InGuest("l1-nonested", "(Get-WindowsFeature -Name Hyper-V).InstallState").Succeeded().Output.Single().ToString());
        Assert.False(host.FindVm("l1-nonested")!.GuestIsHyperVHost);
    }

    [Fact]
    public void Without_restart_the_role_waits_for_the_next_boot()
    {
        var result = InGuest("l1-plain", "Install-WindowsFeature -Name Hyper-V");
        Assert.Equal("Yes", result.Succeeded().Output.Single().Properties["RestartNeeded"].Value);
        Assert.Contains(result.Warnings, w => w.Message.Contains("restart", StringComparison.Ordinal));
        Assert.Equal(VMState.Running, StateFromL0("l1-plain"));
        Assert.Equal("InstallPending", InGuest("l1-plain", "(Get-WindowsFeature -Name Hyper-V).InstallState").Succeeded().Output.Single().ToString());
        Assert.IsType<CommandNotFoundException>(InGuest("l1-plain", "Get-VM").OnlyError.Exception);

        host.Timing = SimulationTiming.Fast();
        session.Run("Stop-VM -Name l1-plain -TurnOff -Force; Start-VM -Name l1-plain").Succeeded();

        InGuest("l1-plain", "Get-VMHost").Succeeded();
        Assert.True(host.FindVm("l1-plain")!.GuestIsHyperVHost);
    }

    [Fact]
    public void Installing_again_changes_nothing()
    {
        var result = InGuest("l1-hv", "Install-WindowsFeature -Name Hyper-V -IncludeManagementTools -Restart").Succeeded().Output.Single();
        Assert.Equal("NoChangeNeeded", result.Properties["ExitCode"].Value?.ToString());
        Assert.Equal(VMState.Running, StateFromL0("l1-hv"));
    }

    [Fact]
    public void An_unknown_feature_name_is_refused() =>
        Assert.Contains("The role, role service, or feature name is not valid: 'Hyper-X'", InGuest("l1-plain", "Install-WindowsFeature -Name Hyper-X").OnlyError.Exception.Message, StringComparison.Ordinal);

    [Fact]
    public void A_client_guest_uses_optional_features()
    {
        var refused = InGuest("w11", "Install-WindowsFeature -Name Hyper-V").OnlyError;
        Assert.Equal("The target of the specified cmdlet cannot be a Windows client-based operating system.", refused.Exception.Message);

        var withoutAll = InGuest("w11", "Enable-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V").OnlyError;
        Assert.Contains("parent features are disabled", withoutAll.Exception.Message, StringComparison.Ordinal);

        var image = InGuest("w11", "Enable-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V -All").Succeeded().Output.Single();
        Assert.Equal(true, image.Properties["RestartNeeded"].Value);
        Assert.Equal("EnablePending", InGuest("w11", "(Get-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V).State").Succeeded().Output.Single().ToString());
        Assert.IsType<CommandNotFoundException>(InGuest("w11", "Get-VMHost").OnlyError.Exception);

        host.Timing = SimulationTiming.Fast();
        session.Run("Stop-VM -Name w11 -Force; Start-VM -Name w11").Succeeded();

        Assert.Equal("Enabled", InGuest("w11", "(Get-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V).State").Succeeded().Output.Single().ToString());
        Assert.Equal("w11", InGuest("w11", "(Get-VMHost).Name").Succeeded().Output.Single().BaseObject);
        Assert.Equal("Enabled", InGuest("w11", "(Get-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V-All).State").Succeeded().Output.Single().ToString());
    }

    [Fact]
    public async Task A_client_guest_without_nested_virtualization_cannot_enable_hyper_v()
    {
        session.Run("Stop-VM -Name w11 -TurnOff -Force; Set-VMProcessor -VMName w11 -ExposeVirtualizationExtensions $false; Start-VM -Name w11").Succeeded();
        await Eventually.HoldsAsync(() => StateFromL0("w11") == VMState.Running, TimeSpan.FromSeconds(30));

        var error = InGuest("w11", "Enable-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V -All").OnlyError;

        Assert.Equal(WindowsFeatures.NoVirtualizationMessage, error.Exception.Message);
        Assert.Equal("Disabled", InGuest("w11", "(Get-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V).State").Succeeded().Output.Single().ToString());
    }

    [Fact]
    public void A_hyper_v_host_reports_its_features_installed()
    {
        var output = InGuest("l1-hv", "(Get-WindowsFeature Hyper-V).Installed; (Get-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V).State").Succeeded().Output;
        Assert.Equal(true, output[0].BaseObject);
        Assert.Equal("Enabled", output[1].ToString());
    }
}
