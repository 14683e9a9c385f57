using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Simulator.HyperV;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

public sealed partial class GuestSetupTests
{
    [Theory]
    [InlineData("l1-plain")]
    [InlineData("w11")]
    public async Task Hyper_v_is_installed_through_a_restart_with_progress(string vmName)
    {
        var started = DateTimeOffset.UtcNow;
        var progress = new Steps();

        var state = await DashboardHost.InstallHyperVAsync(Id(vmName), Lab, progress);

        // A client (w11) is restarted from the host, its shut down and its start each reported before the host is asked.
        string[] restart = vmName == "w11" ? [HyperVInstallProgress.ShuttingDown, HyperVInstallProgress.StartingAgain] : [];
        Assert.Equal(
            [HyperVInstallProgress.Installing, HyperVInstallProgress.Restarting, .. restart, HyperVInstallProgress.WaitingForGuest, HyperVInstallProgress.Installed],
            progress.Reported);
        Assert.Equal(GuestHyperVState.Installed, state.Os!.HyperV);
        var vm = _host.FindVm(vmName)!;
        Assert.True(vm.RunningSince > started, "the VM restarted");
        Assert.True(vm.GuestIsHyperVHost);
        Assert.Equal(VMState.Running, vm.StateAt(DateTimeOffset.UtcNow));
        Assert.Empty(InGuest(vmName, "Get-VM"));
    }

    [Theory]
    [InlineData("Stop-VM", "it is still Running", VMState.Running)]
    [InlineData("Start-VM", "it is Off. Start the VM to finish", VMState.Off)]
    public async Task A_client_restart_that_fails_names_its_step_and_what_the_vm_was_left_in(string failing, string left, VMState state)
    {
        _host.FailingCommands[failing] = "Simulated failure of " + failing;
        var progress = new Steps();

        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.InstallHyperVAsync(Id("w11"), Lab, progress));

        Assert.Equal(HostErrorKind.HostRefused, error.Kind);
        Assert.Equal("w11", error.VmName);
        Assert.Equal($"Restart the VM to finish installing Hyper-V ({failing})", error.Operation);
        Assert.Contains("Simulated failure of " + failing, error.HostMessage, StringComparison.Ordinal);
        Assert.Contains("Hyper-V is installed in the guest and waits for this restart.", error.HostMessage, StringComparison.Ordinal);
        Assert.Contains(left, error.HostMessage, StringComparison.Ordinal);
        string[] reached = failing == "Start-VM" ? [HyperVInstallProgress.ShuttingDown, HyperVInstallProgress.StartingAgain] : [HyperVInstallProgress.ShuttingDown];
        Assert.Equal([HyperVInstallProgress.Installing, HyperVInstallProgress.Restarting, .. reached], progress.Reported);
        Assert.Equal(state, _host.FindVm("w11")!.StateAt(DateTimeOffset.UtcNow));
        Assert.Contains("Microsoft-Hyper-V", GuestHost("w11").Read(h => h.PendingFeatures.ToList()));
        Assert.False(GuestHost("w11").Read(h => h.HyperVInstalled));
    }

    [Fact]
    public async Task Installing_where_hyper_v_already_runs_changes_nothing()
    {
        var before = _host.FindVm("l1-hv")!.RunningSince;
        var progress = new Steps();

        var state = await DashboardHost.InstallHyperVAsync(Id("l1-hv"), Lab, progress);

        Assert.Equal([HyperVInstallProgress.Installed], progress.Reported);
        Assert.Equal(GuestHyperVState.Installed, state.Os!.HyperV);
        Assert.Equal(before, _host.FindVm("l1-hv")!.RunningSince);
    }

    [Fact]
    public async Task Install_is_refused_with_nested_off_and_names_the_fix()
    {
        var progress = new Steps();

        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.InstallHyperVAsync(Id("l1-nonested"), Lab, progress));

        Assert.Equal(HostErrorKind.HostRefused, error.Kind);
        Assert.Equal("l1-nonested", error.VmName);
        Assert.Contains("Turn nested virtualization on first", error.HostMessage, StringComparison.Ordinal);
        Assert.Empty(progress.Reported);
        Assert.Empty(GuestHost("l1-nonested").Read(h => h.PendingFeatures.ToList()));
        Assert.False(GuestHost("l1-nonested").Read(h => h.HyperVInstalled));
    }
}
