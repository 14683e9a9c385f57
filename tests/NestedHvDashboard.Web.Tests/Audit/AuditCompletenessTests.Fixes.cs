using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Fixes;
using NestedHvDashboard.Web.Tests.Pages;

namespace NestedHvDashboard.Web.Tests.Audit;

public sealed partial class AuditCompletenessTests
{
    // ---- readiness fixes ----

    private VmFixService Fixes(IHyperVHost host, NestedVirtualizationOperations? locks = null, InventoryStore? inventory = null) =>
        new(new Lookup(host), new VmFixOperations(locks ?? new NestedVirtualizationOperations()), _db.Audit, inventory);

    [Fact]
    public async Task Fix_success_host_refusal_state_refusal_denial_and_busy_each_leave_one_complete_entry_with_before_and_after()
    {
        var vm = Vm("lab-l1", VmState.Off) with { MemoryStartupBytes = 2L << 30, DynamicMemoryEnabled = true, ProcessorCount = 4 };
        var host = new FakeHyperVHost(HostName, Facts, vm);
        var locks = new NestedVirtualizationOperations();
        var fixes = Fixes(host, locks);

        var denied = await fixes.RunAsync(TestDatabase.Viewer, HostName, vm, VmFix.StartupMemory, null);
        Assert.Equal(OperationOutcome.Denied, denied.Outcome);
        AssertComplete(Last(), TestDatabase.Viewer, "Set startup memory to 4 GB", AuditResults.Denied, HostName, "lab-l1");
        Assert.Empty(host.Calls);

        host.FailNext("SetStartupMemory", "'lab-l1' failed to modify device 'Memory'. Not enough memory in the system to start the virtual machine.");
        var failed = await fixes.RunAsync(TestDatabase.Operator, HostName, vm, VmFix.StartupMemory, null);
        Assert.Equal(OperationOutcome.Failed, failed.Outcome);
        AssertComplete(Last(), TestDatabase.Operator, "Set startup memory to 4 GB", AuditResults.Failed, HostName, "lab-l1");
        Assert.Equal("'lab-l1' failed to modify device 'Memory'. Not enough memory in the system to start the virtual machine.", Last().HostError);

        var succeeded = await fixes.RunAsync(TestDatabase.Operator, HostName, host.Vm(vm.Id), VmFix.StartupMemory, null);
        Assert.Equal(OperationOutcome.Succeeded, succeeded.Outcome);
        var entry = Last();
        AssertComplete(entry, TestDatabase.Operator, "Set startup memory to 4 GB", AuditResults.Succeeded, HostName, "lab-l1");
        Assert.Contains("startup memory 2048 MB", entry.Before, StringComparison.Ordinal);
        Assert.Contains("startup memory 4096 MB", entry.After, StringComparison.Ordinal);
        Assert.Contains("Set-VMMemory -VMName lab-l1 -StartupBytes 4GB", entry.Parameters, StringComparison.Ordinal);
        Assert.Contains("vm.startup-memory", entry.Parameters, StringComparison.Ordinal);

        host.Update(vm.Id, v => v with { State = VmState.Running });
        var refused = await fixes.RunAsync(TestDatabase.Operator, HostName, host.Vm(vm.Id), VmFix.StaticMemory, null);
        Assert.Equal(OperationOutcome.Refused, refused.Outcome);
        AssertComplete(Last(), TestDatabase.Operator, "Turn dynamic memory off", AuditResults.Refused, HostName, "lab-l1");

        var calls = host.Calls.Count(c => !c.StartsWith("Get", StringComparison.Ordinal));
        using (locks.TryLock(HostName, vm.Id, "lab-l1", out _))
        {
            var busy = await fixes.RunAsync(TestDatabase.Operator, HostName, host.Vm(vm.Id), VmFix.StaticMemory, StopMode.ShutDown);
            Assert.Equal(OperationOutcome.Busy, busy.Outcome);
            AssertComplete(Last(), TestDatabase.Operator, "Turn dynamic memory off", AuditResults.Refused, HostName, "lab-l1");
        }

        Assert.Equal(calls, host.Calls.Count(c => !c.StartsWith("Get", StringComparison.Ordinal)));
        Assert.Equal(5, _db.Entries().Count);
    }

    [Fact]
    public async Task The_version_upgrade_records_the_version_it_goes_to_and_the_shutdown_first()
    {
        var vm = Vm("lab-l1", VmState.Running) with { ConfigVersion = new Version(7, 0) };
        var host = new FakeHyperVHost(HostName, Facts, vm) { DefaultVersion = Facts.DefaultConfigVersion! };
        var inventory = new InventoryStore(new InventoryFeedOptions());
        inventory.ApplyInventory(HostName, new HostInventory(Facts, [vm], DateTimeOffset.UtcNow));

        var result = await Fixes(host, inventory: inventory).RunAsync(TestDatabase.Operator, HostName, vm, VmFix.UpdateVersion, StopMode.ShutDown);

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["Stop ShutDown", "UpdateVersion", "Start"], host.Calls.Where(c => !c.StartsWith("Get", StringComparison.Ordinal)));
        var entry = Last();
        AssertComplete(entry, TestDatabase.Operator, "Upgrade configuration version", AuditResults.Succeeded, HostName, "lab-l1");
        Assert.Contains($"\"version\":\"{Facts.DefaultConfigVersion!.ToString(2)}\"", entry.Parameters, StringComparison.Ordinal);
        Assert.Contains("\"stopFirst\":\"ShutDown\"", entry.Parameters, StringComparison.Ordinal);
        Assert.Contains("configuration version 7.0", entry.Before, StringComparison.Ordinal);
        Assert.Contains($"configuration version {Facts.DefaultConfigVersion.ToString(2)}", entry.After, StringComparison.Ordinal);
        Assert.Equal(Facts.DefaultConfigVersion, inventory.GetSnapshot(HostName).Find(HostName)!.Vms.Single().ConfigVersion);
    }
}
