using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

/// <summary>Every power action through the engine's scripts against the simulator: what the host ends with, and its refusals.</summary>
public sealed class VmPowerTests : IAsyncLifetime
{
    private const string MaliciousName = "x'; Remove-Item C:\\ -Recurse; '$(Get-Date)";

    private readonly SimulatedLab _lab = new();
    private readonly SimulatedHost _host;
    private readonly SimulatedVm _running;
    private readonly SimulatedVm _off;
    private PowerShellHyperVHost _dashboardHost = null!;

    public VmPowerTests()
    {
        _host = new SimulatedHost("HV-POWER", new HostProfile()) { Timing = SimulationTiming.Fast() };
        _running = _host.AddVm(MaliciousName, vm =>
        {
            vm.State = VMState.Running;
            vm.RunningSince = DateTimeOffset.UtcNow.AddMinutes(-30);
        });
        _off = _host.AddVm("off01");
        _lab.Add(_host);
    }

    public Task InitializeAsync()
    {
        _dashboardHost = (PowerShellHyperVHost)HyperVHostFactory.Create(
            new HostConnectionSettings { Name = "Power host", Address = "HV-POWER", Transport = HostTransport.InProcess, Timeout = TimeSpan.FromSeconds(30) }, _lab);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _dashboardHost.DisposeAsync();

    private VMState StateOf(SimulatedVm vm) => _host.FindVm(vm.Id)!.StateAt(DateTimeOffset.UtcNow);

    [Fact]
    public async Task Pause_resume_save_delete_saved_state_start_and_reset_move_the_vm_as_hyper_v_does()
    {
        Assert.Equal(VmState.Paused, (await _dashboardHost.SuspendVmAsync(_running.Id)).State);
        Assert.Equal(VMState.Paused, StateOf(_running));

        Assert.Equal(VmState.Running, (await _dashboardHost.ResumeVmAsync(_running.Id)).State);
        Assert.Equal(VmState.Saved, (await _dashboardHost.StopVmAsync(_running.Id, StopMode.Save)).State);

        var discarded = await _dashboardHost.RemoveSavedStateAsync(_running.Id);
        Assert.Equal(VmState.Off, discarded.State);
        Assert.Equal(VMState.Off, StateOf(_running));

        Assert.Equal(VmState.Running, (await _dashboardHost.StartVmAsync(_running.Id)).State);
        var reset = await _dashboardHost.RestartVmAsync(_running.Id);
        Assert.Equal(VmState.Running, reset.State);
        Assert.Equal(MaliciousName, reset.Name);
    }

    [Theory]
    [InlineData("Suspend-VM")]
    [InlineData("Resume-VM")]
    [InlineData("Restart-VM -Force")]
    [InlineData("Remove-VMSavedState")]
    public async Task An_off_vm_is_refused_as_InvalidVmState_with_the_hosts_words(string operation)
    {
        await _dashboardHost.GetInventoryAsync(); // the dashboard knows the VM's name

        var error = await Assert.ThrowsAsync<HostOperationException>(() => operation switch
        {
            "Suspend-VM" => _dashboardHost.SuspendVmAsync(_off.Id),
            "Resume-VM" => _dashboardHost.ResumeVmAsync(_off.Id),
            "Restart-VM -Force" => _dashboardHost.RestartVmAsync(_off.Id),
            _ => _dashboardHost.RemoveSavedStateAsync(_off.Id),
        });

        Assert.Equal(HostErrorKind.InvalidVmState, error.Kind);
        Assert.Equal(operation, error.Operation);
        Assert.Equal("off01", error.VmName);
        Assert.Contains("The operation cannot be performed while the virtual machine is in its current state.", error.HostMessage, StringComparison.Ordinal);
        Assert.Equal(VMState.Off, StateOf(_off));
    }

    [Fact]
    public async Task A_graceful_restart_shuts_down_then_starts_through_the_operations()
    {
        var operations = new VmPowerOperations(new NestedVirtualizationOperations());
        var steps = new List<OperationStep>();

        var result = await operations.RunAsync(_dashboardHost, _running.Id, null, VmPowerAction.Restart, new Progress(steps.Add));

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal([OperationStepKind.ShutDown, OperationStepKind.Start], result.Steps.Select(s => s.Kind));
        Assert.All(result.Steps, s => Assert.Equal(OperationStepStatus.Done, s.Status));
        Assert.Equal(VmState.Running, result.FinalVm!.State);
        Assert.Contains(steps, s => s is { Kind: OperationStepKind.ShutDown, Status: OperationStepStatus.Running });
    }

    [Fact]
    public async Task A_graceful_restart_the_guest_cannot_shut_down_fails_in_the_hosts_words_and_never_starts()
    {
        _host.Update(h => h.Vms.Single(v => v.Id == _running.Id).GuestShutdownIntegration = false);
        var operations = new VmPowerOperations(new NestedVirtualizationOperations());

        var result = await operations.RunAsync(_dashboardHost, _running.Id, null, VmPowerAction.Restart);

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Contains("does not run the shutdown integration service", result.HostMessage, StringComparison.Ordinal);
        Assert.Equal([OperationStepStatus.Failed, OperationStepStatus.Skipped], result.Steps.Select(s => s.Status));
        Assert.Equal(VmState.Running, result.FinalVm!.State);
    }

    private sealed class Progress(Action<OperationStep> report) : IProgress<OperationStep>
    {
        public void Report(OperationStep value) => report(value);
    }
}
