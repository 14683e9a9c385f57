using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.Ssh;

/// <summary>Real PowerShell remoting over SSH to two local simulated hosts.</summary>
[Collection(SshLabCollection.Name)]
public sealed class SshRemotingTests(SshLabFixture lab)
{
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Lists_both_hosts_over_ssh()
    {
        var inventories = await Task.WhenAll(lab.AlphaHost.GetInventoryAsync(), lab.BetaHost.GetInventoryAsync());

        var (alpha, beta) = (inventories[0], inventories[1]);
        Assert.Equal("SSH-ALPHA", alpha.Facts.Name);
        Assert.Equal(ProcessorVendor.Intel, alpha.Facts.ProcessorVendor);
        Assert.Equal("SSH-BETA", beta.Facts.Name);
        Assert.Equal(ProcessorVendor.Amd, beta.Facts.ProcessorVendor);
        Assert.Equal(26100, beta.Facts.OsBuild);
        Assert.True(beta.Facts.IsServer);
        Assert.Equal(
            lab.Alpha.ReadState().Vms.Select(vm => (vm.Id, vm.Name)).Order(),
            alpha.Vms.Select(vm => (vm.Id, vm.Name)).Order());
        Assert.Equal(
            lab.Beta.ReadState().Vms.Select(vm => (vm.Id, vm.Name)).Order(),
            beta.Vms.Select(vm => (vm.Id, vm.Name)).Order());
        Assert.Equal(VmState.Running, alpha.Vms.Single(vm => vm.Name == "build01").State);
        Assert.True(beta.Vms.Single(vm => vm.Name == "db01").ExposeVirtualizationExtensions);
        Assert.All(alpha.Vms, vm => Assert.NotEmpty(vm.NetworkAdapters));
    }

    [Fact]
    public async Task Switches_nested_virtualization_on_and_off_as_the_state_file_confirms()
    {
        var vmId = lab.Beta.ReadState().Vms.Single(vm => vm.Name == "db02").Id;

        var on = await lab.BetaHost.SetNestedVirtualizationAsync(vmId, enabled: true);
        Assert.True(on.ExposeVirtualizationExtensions);
        Assert.True(lab.Beta.ReadState().FindVm(vmId)!.ExposeVirtualizationExtensions);

        var off = await lab.BetaHost.SetNestedVirtualizationAsync(vmId, enabled: false);
        Assert.False(off.ExposeVirtualizationExtensions);
        Assert.False(lab.Beta.ReadState().FindVm(vmId)!.ExposeVirtualizationExtensions);
        Assert.False((await lab.BetaHost.SetDynamicMemoryAsync(vmId, enabled: false)).DynamicMemoryEnabled);
    }

    [Fact]
    public async Task A_vm_whose_name_is_script_text_is_listed_and_switched_as_a_plain_name()
    {
        var inventory = await lab.AlphaHost.GetInventoryAsync();
        var hostile = Assert.Single(inventory.Vms, vm => vm.Name == SshLabFixture.MaliciousName);

        var switched = await lab.AlphaHost.SetNestedVirtualizationAsync(hostile.Id, enabled: true);

        Assert.Equal(SshLabFixture.MaliciousName, switched.Name);
        Assert.True(switched.ExposeVirtualizationExtensions);
        var state = lab.Alpha.ReadState();
        Assert.True(state.FindVm(hostile.Id)!.ExposeVirtualizationExtensions);
        Assert.Equal(3, state.Vms.Count);
        Assert.False(state.FindVm("web01")!.ExposeVirtualizationExtensions); // no other VM was touched

        await lab.AlphaHost.SetNestedVirtualizationAsync(hostile.Id, enabled: false);
    }

    [Fact]
    public async Task Setting_nested_virtualization_on_a_running_vm_is_refused_as_invalid_state()
    {
        var vmId = lab.Alpha.ReadState().Vms.Single(vm => vm.Name == "build01").Id;

        var error = await Assert.ThrowsAsync<HostOperationException>(() => lab.AlphaHost.SetNestedVirtualizationAsync(vmId, enabled: true));

        Assert.Equal(HostErrorKind.InvalidVmState, error.Kind);
        Assert.Equal("SSH-ALPHA", error.HostName);
        Assert.Equal("Set-VMProcessor -ExposeVirtualizationExtensions $true", error.Operation);
        Assert.False(lab.Alpha.ReadState().FindVm(vmId)!.ExposeVirtualizationExtensions);
    }

    [Fact]
    public async Task An_unknown_vm_id_is_VmNotFound_over_ssh()
    {
        var error = await Assert.ThrowsAsync<HostOperationException>(() => lab.BetaHost.GetVmAsync(Guid.NewGuid()));

        Assert.Equal(HostErrorKind.VmNotFound, error.Kind);
    }

    [Fact]
    public async Task A_key_the_host_does_not_know_is_AuthenticationFailed()
    {
        await using var host = HyperVHostFactory.Create(lab.Alpha.Settings(SshLabFixture.Timeout) with { KeyFilePath = lab.Alpha.StrangerKey });

        var error = await Assert.ThrowsAsync<HostOperationException>(() => host.GetInventoryAsync());

        Assert.True(error.Kind == HostErrorKind.AuthenticationFailed, error.Message);
        Assert.Contains("Permission denied", error.HostMessage, StringComparison.Ordinal);
        Assert.Contains($"Fix: the host refused the key {lab.Alpha.StrangerKey}: put its public key in the authorized_keys", error.HostMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_host_key_is_refused_not_accepted()
    {
        await using var host = HyperVHostFactory.Create(lab.Alpha.Settings(SshLabFixture.Timeout) with { KnownHostsFile = lab.Alpha.EmptyKnownHostsFile });

        var error = await Assert.ThrowsAsync<HostOperationException>(() => host.GetInventoryAsync());

        Assert.True(error.Kind == HostErrorKind.AuthenticationFailed, error.Message);
        Assert.Contains("Host key verification failed", error.HostMessage, StringComparison.Ordinal);
        Assert.Contains($"Fix: the host's SSH key is not in {lab.Alpha.EmptyKnownHostsFile}", error.HostMessage, StringComparison.Ordinal);
        Assert.Equal("", await File.ReadAllTextAsync(lab.Alpha.EmptyKnownHostsFile));
    }

    [Fact]
    public async Task A_host_killed_mid_call_fails_clearly_while_the_other_host_still_answers()
    {
        var state = new SimulatedHost("SSH-DOOMED") { Timing = new SimulationTiming { StopDuration = TimeSpan.FromMinutes(5) } };
        var vm = state.AddVm("slow-to-stop", vm =>
        {
            vm.State = VMState.Running;
            vm.RunningSince = DateTimeOffset.UtcNow;
        });
        await using var doomed = await SshTestHost.StartAsync("SSH-DOOMED", state);
        var timeout = TimeSpan.FromSeconds(20);
        await using var host = HyperVHostFactory.Create(doomed.Settings(timeout));
        await host.GetInventoryAsync(); // the session is open

        var stop = host.StopVmAsync(vm.Id, StopMode.ShutDown);
        await Eventually.HoldsAsync(() => doomed.ReadState().FindVm(vm.Id)!.StateAt(DateTimeOffset.UtcNow) == VMState.Stopping, TimeSpan.FromSeconds(15));
        doomed.Kill();

        Assert.Same(stop, await Task.WhenAny(stop, Task.Delay(timeout + Slack)));
        var error = await Assert.ThrowsAsync<HostOperationException>(() => stop);
        Assert.Contains(error.Kind, new[] { HostErrorKind.Unreachable, HostErrorKind.Timeout });
        Assert.Equal("SSH-DOOMED", error.HostName);
        Assert.Equal("Stop-VM -Force", error.Operation);
        Assert.Equal("slow-to-stop", error.VmName);

        var other = await lab.BetaHost.GetInventoryAsync();
        Assert.Equal("SSH-BETA", other.Facts.Name);
    }

    [Fact]
    public async Task A_frozen_host_times_out_and_never_hangs()
    {
        await using var frozen = await SshTestHost.StartAsync("SSH-FROZEN", SshLabFixture.IntelHost("SSH-FROZEN"));
        var timeout = TimeSpan.FromSeconds(20);
        await using var host = HyperVHostFactory.Create(frozen.Settings(timeout));
        await host.GetInventoryAsync(); // the session is open
        Assert.NotEmpty(frozen.PwshProcesses());

        frozen.Freeze();
        var call = host.GetInventoryAsync();

        Assert.Same(call, await Task.WhenAny(call, Task.Delay(timeout + Slack)));
        var error = await Assert.ThrowsAsync<HostOperationException>(() => call);
        Assert.Equal(HostErrorKind.Timeout, error.Kind);
        Assert.Equal("SSH-FROZEN", error.HostName);
    }
}
