using System.Management.Automation;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

/// <summary>Remove-VM, and the FailingCommands seam tests use to make one step fail.</summary>
public sealed class RemoveVmTests : IDisposable
{
    private readonly SimulatedHost host = GuestHosts.Create();
    private readonly SimulatorSession session;

    public RemoveVmTests() => session = new SimulatorSession(host);

    public void Dispose() => session.Dispose();

    [Fact]
    public void Remove_vm_force_deletes_only_that_vm_even_when_running()
    {
        var count = host.Read(h => h.Vms.Count);
        var id = host.FindVm("l1-plain")!.Id;

        session.Run("param($id) Get-VM -Id $id | Remove-VM -Force", new System.Collections.Hashtable { ["id"] = id }).Succeeded();

        Assert.Null(host.FindVm(id));
        Assert.Equal(count - 1, host.Read(h => h.Vms.Count));
        Assert.NotNull(host.FindVm("l1-hv"));
    }

    [Fact]
    public void Remove_vm_by_an_unknown_name_is_not_found_and_removes_nothing()
    {
        var count = host.Read(h => h.Vms.Count);

        var error = session.Run("Remove-VM -Name nope -Force").OnlyError;

        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(count, host.Read(h => h.Vms.Count));
    }

    [Fact]
    public void A_failing_command_fails_before_it_changes_anything_and_only_while_listed()
    {
        host.FailingCommands["Set-VMProcessor"] = "Simulated failure";

        var error = session.Run("Set-VMProcessor -VMName off-guest -Count 3").OnlyError;

        Assert.Equal("Simulated failure", error.Exception.Message);
        Assert.NotEqual(3, host.FindVm("off-guest")!.ProcessorCount);
        Assert.DoesNotContain("FailingCommands", host.ToJson(), StringComparison.Ordinal);

        host.FailingCommands.Clear();
        session.Run("Set-VMProcessor -VMName off-guest -Count 3").Succeeded();
        Assert.Equal(3, host.FindVm("off-guest")!.ProcessorCount);
    }
}
