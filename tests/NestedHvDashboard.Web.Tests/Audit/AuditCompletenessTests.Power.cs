using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Power;
using NestedHvDashboard.Web.Tests.Pages;

namespace NestedHvDashboard.Web.Tests.Audit;

public sealed partial class AuditCompletenessTests
{
    // ---- VM power ----

    private VmPowerService Power(IHyperVHost host, NestedVirtualizationOperations? locks = null) =>
        new(new Lookup(host), new VmPowerOperations(locks ?? new NestedVirtualizationOperations()), _db.Audit);

    [Fact]
    public async Task Power_success_host_refusal_state_refusal_denial_busy_and_a_failing_trail_each_leave_one_complete_entry()
    {
        var vm = Vm("lab-l1", VmState.Running);
        var host = new FakeHyperVHost(HostName, Facts, vm);
        var locks = new NestedVirtualizationOperations();
        var power = Power(host, locks);

        var paused = await power.RunAsync(TestDatabase.Operator, HostName, vm, VmPowerAction.Pause);
        Assert.Equal(OperationOutcome.Succeeded, paused.Outcome);
        var pause = Last();
        AssertComplete(pause, TestDatabase.Operator, "Pause VM", AuditResults.Succeeded, HostName, "lab-l1");
        Assert.StartsWith("Running", pause.Before, StringComparison.Ordinal);
        Assert.StartsWith("Paused", pause.After, StringComparison.Ordinal);
        Assert.Contains("Suspend-VM -Name lab-l1", pause.Parameters, StringComparison.Ordinal);

        host.FailNext("Resume", "'lab-l1' failed to resume. The virtual machine's configuration is locked.");
        var failed = await power.RunAsync(TestDatabase.Operator, HostName, host.Vm(vm.Id), VmPowerAction.Resume);
        Assert.Equal(OperationOutcome.Failed, failed.Outcome);
        AssertComplete(Last(), TestDatabase.Operator, "Resume VM", AuditResults.Failed, HostName, "lab-l1");
        Assert.Equal("'lab-l1' failed to resume. The virtual machine's configuration is locked.", Last().HostError);

        var refused = await power.RunAsync(TestDatabase.Operator, HostName, host.Vm(vm.Id), VmPowerAction.DeleteSavedState);
        Assert.Equal(OperationOutcome.Refused, refused.Outcome);
        Assert.Equal("Deleting the saved state of VM 'lab-l1' on host 'hv-a' was refused: The VM is Paused; only a saved VM has a saved state to delete. Nothing was changed.", refused.Message);
        AssertComplete(Last(), TestDatabase.Operator, "Delete saved state", AuditResults.Refused, HostName, "lab-l1");

        var denied = await power.RunAsync(TestDatabase.Viewer, HostName, host.Vm(vm.Id), VmPowerAction.TurnOff);
        Assert.Equal(OperationOutcome.Denied, denied.Outcome);
        AssertComplete(Last(), TestDatabase.Viewer, "Turn off VM", AuditResults.Denied, HostName, "lab-l1");

        var calls = host.Calls.Count;
        using (locks.TryLock(HostName, vm.Id, "lab-l1", out _))
        {
            var busy = await power.RunAsync(TestDatabase.Operator, HostName, host.Vm(vm.Id), VmPowerAction.TurnOff);
            Assert.Equal(OperationOutcome.Busy, busy.Outcome);
            Assert.Equal("Another change is running on VM 'lab-l1' on host 'hv-a'; try again when it has finished.", busy.Message);
            AssertComplete(Last(), TestDatabase.Operator, "Turn off VM", AuditResults.Refused, HostName, "lab-l1");
        }

        Assert.Equal(calls, host.Calls.Count);
        Assert.Equal(5, _db.Entries().Count);

        var unrecorded = await new VmPowerService(new Lookup(host), new VmPowerOperations(locks), new FailingAuditTrail())
            .RunAsync(TestDatabase.Operator, HostName, host.Vm(vm.Id), VmPowerAction.TurnOff);
        Assert.Equal(OperationOutcome.Refused, unrecorded.Outcome);
        Assert.Contains("the audit trail could not record it", unrecorded.Message, StringComparison.Ordinal);
        Assert.Equal(calls, host.Calls.Count);
        Assert.Equal(VmState.Paused, host.Vm(vm.Id).State);
    }

    [Fact]
    public async Task A_bulk_power_run_leaves_one_entry_per_vm_and_one_for_the_run_and_lists_the_vms_it_does_not_apply_to()
    {
        var first = Vm("run-1", VmState.Running);
        var second = Vm("run-2", VmState.Running);
        var off = Vm("off-1", VmState.Off);
        var host = new FakeHyperVHost(HostName, Facts, first, second, off);
        host.FailNext("Stop TurnOff", "'run-2' failed to turn off. The device is not ready.");
        var bulk = new BulkVmPower(Power(host), _db.Audit, maxPerHost: 1);

        var run = await bulk.StartAsync(TestDatabase.Operator, [Row(second), Row(first), Row(off)], VmPowerAction.TurnOff);
        await run.Completion;

        Assert.Equal("Turning off 3 VMs", run.Title);
        var results = run.Results.ToDictionary(r => r.VmName!);
        Assert.Equal(OperationOutcome.Refused, results["off-1"].Outcome);
        Assert.Equal("Not run on VM 'off-1' on host 'hv-a': The VM is already Off.", results["off-1"].Message);
        var entries = _db.Entries();
        Assert.Equal(3, entries.Count);
        Assert.Single(entries.Select(e => e.CorrelationId).Distinct());
        var runEntry = Assert.Single(entries, e => e.Host is null);
        AssertComplete(runEntry, TestDatabase.Operator, "Bulk turn off", AuditResults.Failed, null);
        Assert.Contains("1 succeeded, 1 refused or not run, 1 failed", runEntry.Message, StringComparison.Ordinal);
        var vms = entries.Where(e => e.Host is not null).ToDictionary(e => e.VmName!);
        AssertComplete(vms["run-1"], TestDatabase.Operator, "Turn off VM", AuditResults.Succeeded, HostName, "run-1");
        AssertComplete(vms["run-2"], TestDatabase.Operator, "Turn off VM", AuditResults.Failed, HostName, "run-2");
        Assert.Equal(VmState.Off, host.Vm(first.Id).State);

        var denied = await bulk.StartAsync(TestDatabase.Viewer, [Row(first)], VmPowerAction.Start);
        Assert.True(denied.IsDone);
        Assert.Equal(OperationOutcome.Denied, Assert.Single(denied.Results).Outcome);
        AssertComplete(Last(), TestDatabase.Viewer, "Bulk start", AuditResults.Denied, null);
        Assert.Equal(VmState.Off, host.Vm(first.Id).State);
    }
}
