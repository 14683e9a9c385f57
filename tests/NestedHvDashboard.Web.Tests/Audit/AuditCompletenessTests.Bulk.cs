using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.Tests.Pages;

namespace NestedHvDashboard.Web.Tests.Audit;

public sealed partial class AuditCompletenessTests
{
    // ---- Bulk ----

    [Fact]
    public async Task A_bulk_run_leaves_one_entry_per_vm_and_one_for_the_run_all_complete()
    {
        var offOk = Vm("off-ok", VmState.Off);
        var offFails = Vm("off-fails", VmState.Off);
        var running = Vm("running", VmState.Running);
        var host = new FakeHyperVHost(HostName, Facts, offFails, offOk, running);
        host.FailNext("SetNested", "The configuration is locked.");
        var (bulk, _) = Bulk(host);

        var run = await bulk.StartAsync(TestDatabase.Operator, [Row(offFails), Row(offOk), Row(running)], enable: true, BulkRunningChoice.Skip, enableMacAddressSpoofing: false);
        await run.Completion;

        var entries = _db.Entries();
        Assert.Equal(4, entries.Count);
        Assert.Single(entries.Select(e => e.CorrelationId).Distinct());
        Assert.NotNull(entries[0].CorrelationId);
        var runEntry = Assert.Single(entries, e => e.Host is null);
        // One VM changed, one failed and one refused: the run is Partial, never Succeeded.
        AssertComplete(runEntry, TestDatabase.Operator, "Bulk enable nested", AuditResults.Partial, null);
        Assert.Contains("1 succeeded", runEntry.Message, StringComparison.Ordinal);
        Assert.Contains("off-fails", runEntry.Parameters, StringComparison.Ordinal);
        var vms = entries.Where(e => e.Host is not null).ToDictionary(e => e.VmName!);
        AssertComplete(vms["off-fails"], TestDatabase.Operator, "Enable nested", AuditResults.Failed, HostName, "off-fails");
        Assert.Equal("The configuration is locked.", vms["off-fails"].HostError);
        AssertComplete(vms["off-ok"], TestDatabase.Operator, "Enable nested", AuditResults.Succeeded, HostName, "off-ok");
        Assert.Contains("nested on", vms["off-ok"].After, StringComparison.Ordinal);
        AssertComplete(vms["running"], TestDatabase.Operator, "Enable nested", AuditResults.Refused, HostName, "running");
        Assert.All(vms.Values, e => Assert.Contains("\"bulk\":true", e.Parameters, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_canceled_bulk_run_and_a_deferred_vm_are_recorded_too()
    {
        var first = Vm("first", VmState.Off);
        var second = Vm("second", VmState.Off);
        var running = Vm("running", VmState.Running);
        var host = new FakeHyperVHost(HostName, Facts, first, second, running);
        var (bulk, operations) = Bulk(host);

        var hold = host.HoldNext("SetNested");
        var run = await bulk.StartAsync(TestDatabase.Operator, [Row(first), Row(second)], enable: true, BulkRunningChoice.Skip, false);
        await Eventually.HoldsAsync(() => operations.IsRunning(HostName, first.Id));
        run.Cancel();
        hold.SetResult();
        await run.Completion;

        var canceled = _db.Entries().ToDictionary(e => e.VmName ?? "run");
        Assert.Equal(3, canceled.Count);
        AssertComplete(canceled["first"], TestDatabase.Operator, "Enable nested", AuditResults.Succeeded, HostName, "first");
        AssertComplete(canceled["second"], TestDatabase.Operator, "Enable nested", AuditResults.Canceled, HostName, "second");
        AssertComplete(canceled["run"], TestDatabase.Operator, "Bulk enable nested", AuditResults.Partial, null);

        var deferredRun = await bulk.StartAsync(TestDatabase.Operator, [Row(running), Row(host.Vm(second.Id))], enable: true, BulkRunningChoice.AtNextShutdown, false);
        await deferredRun.Completion;

        var later = _db.Entries().Skip(3).ToList();
        Assert.Equal(3, later.Count);
        AssertComplete(Assert.Single(later, e => e.VmName == "running"), TestDatabase.Operator, "Enable nested at next shutdown", AuditResults.Deferred, HostName, "running");
        AssertComplete(Assert.Single(later, e => e.VmName == "second"), TestDatabase.Operator, "Enable nested", AuditResults.Succeeded, HostName, "second");
        AssertComplete(Assert.Single(later, e => e.Host is null), TestDatabase.Operator, "Bulk enable nested", AuditResults.Succeeded, null);
        Assert.Contains("1 deferred", later.Single(e => e.Host is null).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_viewers_bulk_run_is_one_denied_entry_and_a_failing_trail_refuses_every_vm()
    {
        var off = Vm("off", VmState.Off);
        var host = new FakeHyperVHost(HostName, Facts, off);
        var (bulk, _) = Bulk(host);

        var denied = await bulk.StartAsync(TestDatabase.Viewer, [Row(off)], enable: true, BulkRunningChoice.Skip, false);

        Assert.True(denied.IsDone);
        Assert.Equal([OperationOutcome.Denied], denied.Results.Select(r => r.Outcome));
        AssertComplete(Only(), TestDatabase.Viewer, "Bulk enable nested", AuditResults.Denied, null);

        var broken = new BulkNestedSwitch(
            new BulkNestedVirtualization(new NestedVirtualizationOperations(), new Lookup(host).Find, 1), new PendingNestedChanges(), new FailingAuditTrail(), TimeProvider.System);
        var refused = await broken.StartAsync(TestDatabase.Operator, [Row(off)], enable: true, BulkRunningChoice.Skip, false);
        await refused.Completion;

        var result = Assert.Single(refused.Results);
        Assert.Equal(OperationOutcome.Refused, result.Outcome);
        Assert.Contains("the audit trail could not record it (the audit database is gone)", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Calls, c => c.StartsWith("Set", StringComparison.Ordinal));
    }

    // ---- At next shutdown ----

    [Fact]
    public async Task A_pending_change_is_not_applied_while_the_trail_cannot_record_it()
    {
        var store = new InventoryStore(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(20) });
        var off = Vm("lab-l1", VmState.Off);
        var host = new FakeHyperVHost(HostName, Facts, off);
        var pending = new PendingNestedChanges();
        await pending.AddAsync(new PendingNestedChange(HostName, off.Id, off.Name, true, false, DateTimeOffset.UtcNow));
        var audit = new FailingAuditTrail();
        store.ApplyInventory(HostName, new HostInventory(Facts, [off], DateTimeOffset.UtcNow));
        using var applier = new PendingChangeApplier(store, new Lookup(host), new NestedVirtualizationOperations(), pending, audit, NullLogger<PendingChangeApplier>.Instance);

        await applier.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.HoldsAsync(() => audit.Attempts > 0);
        }
        finally
        {
            await applier.StopAsync(CancellationToken.None);
        }

        Assert.DoesNotContain(host.Calls, c => c.StartsWith("Set", StringComparison.Ordinal));
        Assert.NotNull(pending.Find(HostName, off.Id));
    }
}
