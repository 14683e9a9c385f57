using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

/// <summary>Suspend-VM, Resume-VM, Restart-VM and Remove-VMSavedState as Hyper-V runs them, and where it refuses them.</summary>
public sealed class VmPowerStateCmdletTests : IDisposable
{
    private readonly SimulatedHost host = TestHosts.Create();
    private readonly SimulatorSession session;

    public VmPowerStateCmdletTests() => session = new SimulatorSession(host);

    public void Dispose() => session.Dispose();

    private VMState StateOf(string name) => host.FindVm(name)!.StateAt(DateTimeOffset.UtcNow);

    [Fact]
    public void Suspend_pauses_a_running_vm_and_resume_runs_it_again()
    {
        var paused = session.Run("Suspend-VM -Name run-vm -Passthru").Succeeded().One<VirtualMachine>();
        Assert.Equal(VMState.Paused, paused.State);

        var again = session.Run("Suspend-VM run-vm");
        Assert.Single(again.Warnings);
        Assert.Empty(again.Errors);

        var resumed = session.Run("Get-VM run-vm | Resume-VM -Passthru").Succeeded().One<VirtualMachine>();
        Assert.Equal(VMState.Running, resumed.State);
    }

    [Theory]
    [InlineData("Suspend-VM off-vm", "off-vm", "pause", VMState.Off)]
    [InlineData("Suspend-VM saved-vm", "saved-vm", "pause", VMState.Saved)]
    [InlineData("Resume-VM off-vm", "off-vm", "resume", VMState.Off)]
    [InlineData("Resume-VM saved-vm", "saved-vm", "resume", VMState.Saved)]
    [InlineData("Restart-VM off-vm -Force", "off-vm", "restart", VMState.Off)]
    [InlineData("Restart-VM saved-vm -Force", "saved-vm", "restart", VMState.Saved)]
    [InlineData("Remove-VMSavedState -VMName off-vm", "off-vm", "delete the saved state", VMState.Off)]
    [InlineData("Remove-VMSavedState run-vm", "run-vm", "delete the saved state", VMState.Running)]
    public void Each_refuses_a_state_hyper_v_refuses_in_its_words_and_leaves_the_vm_alone(string command, string vm, string action, VMState state)
    {
        var error = session.Run(command).OnlyError;

        Assert.StartsWith("InvalidState,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains($"'{vm}' failed to {action}. The operation cannot be performed while the virtual machine is in its current state.", error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(state, StateOf(vm));
    }

    [Fact]
    public void Resume_refuses_a_running_vm_only_with_a_warning()
    {
        var result = session.Run("Resume-VM run-vm");
        Assert.Single(result.Warnings);
        Assert.Empty(result.Errors);
        Assert.Equal(VMState.Running, StateOf("run-vm"));
    }

    [Fact]
    public void Restart_with_force_resets_a_running_vm_and_waits_until_it_runs_again()
    {
        var restarted = session.Run("Restart-VM -Name run-vm -Force -Passthru").Succeeded().One<VirtualMachine>();

        Assert.Equal(VMState.Running, restarted.State);
        Assert.True(restarted.Uptime < TimeSpan.FromMinutes(1), $"uptime {restarted.Uptime} should start again after a reset");
    }

    [Fact]
    public void Restart_without_force_asks_and_a_host_that_cannot_prompt_fails_it()
    {
        var result = session.Run("Restart-VM -Name run-vm");

        Assert.NotNull(result.Terminating ?? (object?)result.Errors.FirstOrDefault());
        Assert.Equal(VMState.Running, StateOf("run-vm"));
        Assert.True(host.FindVm("run-vm")!.RunningSince < DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1), "the VM was not reset");
    }

    [Fact]
    public void Remove_saved_state_leaves_a_saved_vm_off_by_name_or_from_the_pipeline()
    {
        session.Run("Remove-VMSavedState -VMName saved-vm").Succeeded();
        Assert.Equal(VMState.Off, StateOf("saved-vm"));

        session.Run("Save-VM run-vm").Succeeded();
        session.Run("Get-VM run-vm | Remove-VMSavedState").Succeeded();
        var vm = session.Run("Get-VM run-vm").Succeeded().One<VirtualMachine>();
        Assert.Equal(VMState.Off, vm.State);
        Assert.Equal(TimeSpan.Zero, vm.Uptime);
    }
}
