using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

/// <summary>The readiness fixes' host scripts against the simulator: what the host ends with, and its refusals in its words.</summary>
public sealed class VmFixEngineTests : IAsyncLifetime
{
    private const string MaliciousName = "x'; Remove-Item C:\\ -Recurse; '$(Get-Date)";
    private const long Gb = 1024L * 1024 * 1024;

    private readonly SimulatedLab _lab = new();
    private readonly SimulatedHost _host;
    private readonly SimulatedVm _off;
    private readonly SimulatedVm _running;
    private PowerShellHyperVHost _dashboardHost = null!;

    public VmFixEngineTests()
    {
        _host = new SimulatedHost("HV-FIX", new HostProfile { LogicalProcessors = 256, DefaultVersion = "10.0" }) { Timing = SimulationTiming.Fast() };
        _off = _host.AddVm(MaliciousName, vm =>
        {
            vm.Version = "8.0";
            vm.ProcessorCount = 240;
            vm.DynamicMemoryEnabled = true;
            vm.MemoryStartupBytes = 2 * Gb;
            vm.MemoryMinimumBytes = 512L * 1024 * 1024;
            vm.MemoryMaximumBytes = 2 * Gb;
        });
        _running = _host.AddVm("run01", vm =>
        {
            vm.Version = "8.0";
            vm.State = VMState.Running;
            vm.RunningSince = DateTimeOffset.UtcNow.AddMinutes(-30);
            vm.MemoryStartupBytes = 2 * Gb;
        });
        _lab.Add(_host);
    }

    public Task InitializeAsync()
    {
        _dashboardHost = (PowerShellHyperVHost)HyperVHostFactory.Create(
            new HostConnectionSettings { Name = "Fix host", Address = "HV-FIX", Transport = HostTransport.InProcess, Timeout = TimeSpan.FromSeconds(30) }, _lab);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _dashboardHost.DisposeAsync();

    [Fact]
    public async Task Each_fix_changes_an_off_vm_whose_name_is_only_data()
    {
        var memory = await _dashboardHost.SetStartupMemoryAsync(_off.Id, 4 * Gb);
        Assert.Equal(4 * Gb, memory.MemoryStartupBytes);
        Assert.True(memory.DynamicMemoryEnabled);
        Assert.Equal(MaliciousName, memory.Name);

        // Under dynamic memory the maximum moved with the startup memory, in the same call; the minimum stayed.
        var simulated = _host.FindVm(_off.Id)!;
        Assert.Equal((4 * Gb, 512L * 1024 * 1024), (simulated.MemoryMaximumBytes, simulated.MemoryMinimumBytes));

        Assert.Equal(225, (await _dashboardHost.SetProcessorCountAsync(_off.Id, 225)).ProcessorCount);
        Assert.Equal(new Version(10, 0), (await _dashboardHost.UpdateVmVersionAsync(_off.Id)).ConfigVersion);
        Assert.Equal("10.0", _host.FindVm(_off.Id)!.Version);
    }

    [Theory]
    [InlineData("Update-VMVersion -Force")]
    [InlineData("Set-VMProcessor -Count 225")]
    public async Task A_running_vm_is_refused_as_InvalidVmState_with_the_hosts_words(string operation)
    {
        await _dashboardHost.GetInventoryAsync(); // the dashboard knows the VM's name

        var error = await Assert.ThrowsAsync<HostOperationException>(() => operation.StartsWith("Update", StringComparison.Ordinal)
            ? _dashboardHost.UpdateVmVersionAsync(_running.Id)
            : _dashboardHost.SetProcessorCountAsync(_running.Id, 225));

        Assert.Equal(HostErrorKind.InvalidVmState, error.Kind);
        Assert.Equal(operation, error.Operation);
        Assert.Equal("run01", error.VmName);
        Assert.Contains("The operation cannot be performed while the virtual machine is in its current state.", error.HostMessage, StringComparison.Ordinal);
        Assert.Equal("8.0", _host.FindVm(_running.Id)!.Version);
    }

    [Fact]
    public async Task The_operations_shut_a_running_vm_down_set_4_GB_and_start_it_again()
    {
        var operations = new VmFixOperations(new NestedVirtualizationOperations());

        var result = await operations.RunAsync(_dashboardHost, null, _running.Id, null, VmFix.StartupMemory, StopMode.ShutDown);

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal([OperationStepKind.ShutDown, OperationStepKind.SetStartupMemory, OperationStepKind.Start], result.Steps.Select(s => s.Kind));
        Assert.Equal(VmState.Running, result.FinalVm!.State);
        Assert.Equal(4 * Gb, result.FinalVm.MemoryStartupBytes);
        Assert.Equal(4 * Gb, _host.FindVm(_running.Id)!.MemoryStartupBytes);
    }
}
