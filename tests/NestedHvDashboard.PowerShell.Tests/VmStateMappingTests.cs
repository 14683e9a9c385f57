using System.Management.Automation;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Simulator.HyperV;

namespace NestedHvDashboard.PowerShell.Tests;

/// <summary>
/// Core's <see cref="VmState"/> is Hyper-V's VMState by name and number, and the engine reads a host's VM state by its
/// name (the scripts send <c>[string]$vm.State</c>). Pinned here against the simulator's <see cref="VMState"/>: a state
/// added to one and not the other fails this test instead of showing on the page as "Other".
/// </summary>
public sealed class VmStateMappingTests
{
    public static TheoryData<VMState> SimulatorStates => [.. Enum.GetValues<VMState>()];

    [Theory]
    [MemberData(nameof(SimulatorStates))]
    public void A_full_vm_row_reads_each_simulator_state_as_the_core_state_of_the_same_name_and_number(VMState simulated)
    {
        var read = Assert.Single(HostRows.Read([VmRow(simulated.ToString())]).Vms).State;

        Assert.Equal(simulated.ToString(), read.ToString());
        Assert.Equal((int)simulated, (int)read);
    }

    [Theory]
    [MemberData(nameof(SimulatorStates))]
    public void The_watchs_state_row_reads_each_simulator_state_as_the_core_state_of_the_same_name_and_number(VMState simulated)
    {
        var vm = Assert.Single(HostRows.Read([VmRow(nameof(VMState.Off))]).Vms);
        var vms = new Dictionary<Guid, VmSnapshot> { [vm.Id] = vm };

        WatchRows.ApplyFastRows([Row(("Kind", "VmState"), ("Id", vm.Id.ToString()), ("Name", vm.Name), ("State", simulated.ToString()), ("MemoryAssigned", 0L))], vms);

        Assert.Equal(simulated.ToString(), vms[vm.Id].State.ToString());
        Assert.Equal((int)simulated, (int)vms[vm.Id].State);
    }

    [Fact]
    public void Core_has_exactly_the_simulators_states() =>
        Assert.Equal(
            Enum.GetValues<VMState>().Select(s => (s.ToString(), (int)s)),
            Enum.GetValues<VmState>().Select(s => (s.ToString(), (int)s)));

    private static PSObject VmRow(string state) => Row(
        ("Kind", "Vm"), ("Id", Guid.NewGuid().ToString()), ("Name", "vm"), ("State", state), ("UptimeTicks", 0L), ("CpuUsage", 0), ("MemoryAssigned", 0L),
        ("DynamicMemoryEnabled", false), ("MemoryStartup", 1_073_741_824L), ("Version", "10.0"), ("Generation", 2), ("ProcessorCount", 2),
        ("ExposeVirtualizationExtensions", false), ("HasCheckpoints", false), ("GuestOsName", ""), ("GuestOsVersion", ""));

    private static PSObject Row(params (string Name, object Value)[] properties)
    {
        var row = new PSObject();
        foreach (var (name, value) in properties)
        {
            row.Properties.Add(new PSNoteProperty(name, value));
        }

        return row;
    }
}
