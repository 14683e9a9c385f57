using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Checkpoints;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Tests.Networking;
using NestedHvDashboard.Web.Tests.Audit;
using NestedHvDashboard.Web.Tests.Pages;

namespace NestedHvDashboard.Web.Tests.Checkpoints;

/// <summary>The checkpoint service as every caller meets it: roles, the per-VM lock, bad names, the host's words, the audit trail and the feed.</summary>
public sealed class CheckpointServiceTests : IDisposable
{
    private const string HostName = "hv-a";

    private readonly TestDatabase _db = TestDatabase.Create();
    private readonly InventoryStore _store = new();
    private readonly NestedVirtualizationOperations _operations = new();
    private readonly FakeHyperVHost _host;
    private readonly CheckpointService _service;
    private readonly Actor _operator = new("oscar", DashboardRoles.Operator, Channels.Browser, "127.0.0.1");

    public CheckpointServiceTests()
    {
        var vm = NetworkAdaptersCardTests.Vm(VmState.Running);
        _host = new FakeHyperVHost(HostName, NetworkAdaptersCardTests.Facts, vm);
        _store.ApplyInventory(HostName, new HostInventory(NetworkAdaptersCardTests.Facts, [vm], DateTimeOffset.UtcNow.AddMinutes(-1)));
        _service = new CheckpointService(new OneHost(_host), _db.Audit, _operations, _store);
    }

    private VmSnapshot Vm => _host.Vm(NetworkAdaptersCardTests.Vm(VmState.Off).Id);

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task A_viewer_is_denied_in_the_trail_and_the_host_is_never_asked()
    {
        var viewer = new Actor("vera", DashboardRoles.Viewer, Channels.Browser, "127.0.0.1");

        var result = await _service.CreateAsync(viewer, HostName, Vm, "mine");

        Assert.Equal(OperationOutcome.Denied, result.Outcome);
        Assert.Empty(_host.Calls);
        var entry = Assert.Single(_db.Entries());
        Assert.Equal(("Create checkpoint", "Denied", "vera"), (entry.Action, entry.Result, entry.Actor));
    }

    [Fact]
    public async Task A_name_hyper_v_would_not_take_is_refused_before_the_host_is_asked()
    {
        var empty = await _service.CreateAsync(_operator, HostName, Vm, "   ");
        var tooLong = await _service.CreateAsync(_operator, HostName, Vm, new string('x', 101));

        Assert.Equal((OperationOutcome.Refused, "A name is required."), (empty.Outcome, empty.Message));
        Assert.Equal(OperationOutcome.Refused, tooLong.Outcome);
        Assert.Contains("at most 100", tooLong.Message, StringComparison.Ordinal);
        Assert.Empty(_host.Calls);
        Assert.All(_db.Entries(), e => Assert.Equal("Refused", e.Result));
    }

    [Fact]
    public async Task While_another_change_holds_the_vm_the_checkpoint_is_busy_and_not_queued()
    {
        using (_operations.TryLock(HostName, Vm.Id, Vm.Name, out _))
        {
            var result = await _service.CreateAsync(_operator, HostName, Vm, "later");

            Assert.Equal(OperationOutcome.Busy, result.Outcome);
            Assert.Contains("Another change is running on VM 'lab-l1' on host 'hv-a'", result.Message, StringComparison.Ordinal);
        }

        Assert.Empty(_host.Calls);
        Assert.Equal("Refused", Assert.Single(_db.Entries()).Result);
        Assert.Equal(OperationOutcome.Succeeded, (await _service.CreateAsync(_operator, HostName, Vm, "now")).Outcome);
    }

    [Fact]
    public async Task A_created_checkpoint_reaches_the_feed_so_the_readiness_rule_sees_it_at_once()
    {
        var result = await _service.CreateAsync(_operator, HostName, Vm, "before upgrade");

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["CreateCheckpoint before upgrade"], _host.Calls);
        Assert.True(_store.GetSnapshot(HostName).Hosts[0].Vms.Single().HasCheckpoints);
        var entry = Assert.Single(_db.Entries());
        Assert.Equal(("Create checkpoint", "Succeeded", "lab-l1"), (entry.Action, entry.Result, entry.VmName));
        Assert.Contains("\"name\":\"before upgrade\"", entry.Parameters, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_takes_a_checkpoint_first_applies_and_starts_and_a_failure_stops_the_rest_with_the_hosts_words()
    {
        var checkpoint = _host.AddCheckpoint(Vm.Id, "base", DateTimeOffset.UtcNow.AddHours(-2));
        _host.FailNext("ApplyCheckpoint", "Restore-VMSnapshot : The operation failed because the file was not found.");

        var result = await _service.ApplyAsync(_operator, HostName, Vm, checkpoint, new ApplyCheckpointOptions("keep me", StartAfterwards: true));

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal(["CreateCheckpoint keep me", "ApplyCheckpoint"], _host.Calls.Where(c => c != "GetVm"));
        Assert.Equal([OperationStepStatus.Done, OperationStepStatus.Failed, OperationStepStatus.Skipped], result.Steps.Select(s => s.Status));
        Assert.Equal("Restore-VMSnapshot : The operation failed because the file was not found.", result.HostMessage);
        Assert.Contains("Done before it: 'Take checkpoint 'keep me' (Checkpoint-VM)'", result.Message, StringComparison.Ordinal);
        var entry = Assert.Single(_db.Entries());
        Assert.Equal(("Apply checkpoint", "Failed"), (entry.Action, entry.Result));
        Assert.Equal(result.HostMessage, entry.HostError);
    }

    [Fact]
    public async Task Apply_without_a_checkpoint_first_on_a_running_vm_says_hyper_v_stops_it_and_ends_saved()
    {
        var checkpoint = _host.AddCheckpoint(Vm.Id, "base", DateTimeOffset.UtcNow.AddHours(-2));

        var result = await _service.ApplyAsync(_operator, HostName, Vm, checkpoint, new ApplyCheckpointOptions(null, StartAfterwards: false));

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        var step = Assert.Single(result.Steps);
        Assert.Contains("Hyper-V stops the VM, discarding its current state", step.Title, StringComparison.Ordinal);
        Assert.Equal(VmState.Off, _store.GetSnapshot(HostName).Hosts[0].Vms.Single().State);
    }

    [Fact]
    public async Task Delete_subtree_removes_the_checkpoint_and_its_children()
    {
        var a = _host.AddCheckpoint(Vm.Id, "a", DateTimeOffset.UtcNow.AddHours(-3));
        _host.AddCheckpoint(Vm.Id, "b", DateTimeOffset.UtcNow.AddHours(-2));

        var result = await _service.RemoveAsync(_operator, HostName, Vm, a, includeChildren: true);

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["RemoveCheckpoint True"], _host.Calls);
        Assert.Empty((await _service.ListAsync(HostName, Vm.Id)).Checkpoints);
        Assert.False(_store.GetSnapshot(HostName).Hosts[0].Vms.Single().HasCheckpoints);
        Assert.Equal("Delete checkpoint subtree", Assert.Single(_db.Entries()).Action);
    }

    private sealed class OneHost(IHyperVHost host) : IHostLookup
    {
        public IHyperVHost? Find(string name) => string.Equals(host.Name, name, StringComparison.OrdinalIgnoreCase) ? host : null;
    }
}
