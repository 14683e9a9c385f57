using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

/// <summary>
/// The cmdlets behind the readiness list's one-click fixes, as Hyper-V runs them: each needs the VM Off and refuses in its
/// own words otherwise, and dynamic memory's bounds hold (minimum ≤ startup ≤ maximum).
/// </summary>
public sealed class ReadinessFixCmdletTests : IDisposable
{
    private readonly SimulatedHost host = TestHosts.Create();
    private readonly SimulatorSession session;

    public ReadinessFixCmdletTests() => session = new SimulatorSession(host);

    public void Dispose() => session.Dispose();

    [Fact]
    public void Startup_memory_above_a_dynamic_maximum_is_refused_unless_the_maximum_moves_with_it()
    {
        host.Update(h =>
        {
            var vm = h.Vms.Find(v => v.Name == "off-vm")!;
            vm.DynamicMemoryEnabled = true;
            vm.MemoryStartupBytes = 2 * TestHosts.GB;
            vm.MemoryMinimumBytes = 512L * 1024 * 1024;
            vm.MemoryMaximumBytes = 2 * TestHosts.GB;
        });

        var refused = session.Run("Set-VMMemory -VMName off-vm -StartupBytes 4GB");
        var error = Assert.Single(refused.Errors);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("'off-vm' failed to modify device 'Memory'.", error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(2 * TestHosts.GB, host.FindVm("off-vm")!.MemoryStartupBytes);

        var memory = session.Run("Set-VMMemory -VMName off-vm -StartupBytes 4GB -MinimumBytes 512MB -MaximumBytes 4GB -Passthru").Succeeded().One<VMMemory>();
        Assert.Equal(4 * TestHosts.GB, memory.Startup);
        Assert.Equal(4 * TestHosts.GB, memory.Maximum);
        Assert.True(memory.DynamicMemoryEnabled);
    }

    [Theory]
    [InlineData("Set-VMMemory -VMName run-vm -DynamicMemoryEnabled $true", "modify device 'Memory'")]
    [InlineData("Set-VMProcessor -VMName run-vm -Count 3", "modify device 'Processor'")]
    [InlineData("Update-VMVersion -Name run-vm -Force", "update the configuration version")]
    public void A_running_vm_is_refused_each_fix_in_hyper_vs_words_and_left_unchanged(string command, string action)
    {
        host.Update(h => h.Vms.Find(v => v.Name == "run-vm")!.Version = "8.0");
        var before = host.FindVm("run-vm")!;
        var (count, dynamic) = (before.ProcessorCount, before.DynamicMemoryEnabled);

        var error = Assert.Single(session.Run(command).Errors);

        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.StartsWith($"'run-vm' failed to {action}. The operation cannot be performed while the virtual machine is in its current state.", error.Exception.Message, StringComparison.Ordinal);
        var after = host.FindVm("run-vm")!;
        Assert.Equal((count, dynamic, "8.0"), (after.ProcessorCount, after.DynamicMemoryEnabled, after.Version));
    }

    [Fact]
    public void The_vcpu_count_is_set_on_an_off_vm_within_the_hosts_processors()
    {
        var processor = session.Run("Set-VMProcessor -VM (Get-VM off-vm) -Count 2 -Passthru").Succeeded().One<VMProcessor>();
        Assert.Equal(2, processor.Count);

        var error = Assert.Single(session.Run("Set-VMProcessor -VMName off-vm -Count 225").Errors);
        Assert.Contains("must be between 1 and 128 on this host", error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(2, host.FindVm("off-vm")!.ProcessorCount);
    }
}
