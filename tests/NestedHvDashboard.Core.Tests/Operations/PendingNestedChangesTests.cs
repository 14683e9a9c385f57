using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.Tests.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Operations;

public sealed class PendingNestedChangesTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly VmSnapshot Vm = Lab.Vm(state: VmState.Off);
    private readonly NestedVirtualizationOperations _operations = new();
    private readonly PendingNestedChanges _pending = new();

    private static PendingNestedChange EnableLater(Guid vmId, string host = "HV01", DateTimeOffset? at = null) =>
        new(host, vmId, "L1-Lab", true, false, at ?? Noon);

    [Fact]
    public async Task Store_adds_replaces_finds_lists_and_removes_by_host_and_vm()
    {
        var other = Guid.Parse("0d3c2b1a-0000-4000-8000-000000000002");
        await _pending.AddAsync(EnableLater(Vm.Id, at: Noon.AddMinutes(5)));
        await _pending.AddAsync(EnableLater(other, at: Noon));
        await _pending.AddAsync(EnableLater(Vm.Id, host: "HV02"));
        await _pending.AddAsync(EnableLater(Vm.Id, host: "hv01", at: Noon.AddMinutes(10)) with { Enable = false });

        Assert.False(_pending.Find("HV01", Vm.Id)?.Enable);
        Assert.Equal([other, Vm.Id], _pending.List("hv01").Select(c => c.VmId));
        Assert.Equal(3, _pending.List().Count);
        Assert.True(await _pending.RemoveAsync("HV01", Vm.Id));
        Assert.False(await _pending.RemoveAsync("HV01", Vm.Id));
        Assert.Null(_pending.Find("HV01", Vm.Id));
        Assert.NotNull(_pending.Find("HV02", Vm.Id));
    }

    [Fact]
    public async Task Vm_seen_off_with_a_pending_change_gets_the_off_plan_and_the_change_is_cleared()
    {
        var host = new OperationsFakeHost("HV01", Lab.Host(), Vm);
        await _pending.AddAsync(EnableLater(Vm.Id));

        var result = await _operations.ApplyPendingAsync(host, _pending, Vm);

        Assert.Equal(OperationOutcome.Succeeded, result?.Outcome);
        Assert.Equal(["SetNested True"], host.Changes);
        Assert.True(host.Vm(Vm.Id).ExposeVirtualizationExtensions);
        Assert.Equal(VmState.Off, host.Vm(Vm.Id).State);
        Assert.Empty(_pending.List());
    }

    [Fact]
    public async Task Vm_seen_running_or_without_a_pending_change_is_left_alone()
    {
        var host = new OperationsFakeHost("HV01", Lab.Host(), Vm);

        Assert.Null(await _operations.ApplyPendingAsync(host, _pending, Vm));
        await _pending.AddAsync(EnableLater(Vm.Id));
        Assert.Null(await _operations.ApplyPendingAsync(host, _pending, Vm with { State = VmState.Running }));

        Assert.Empty(host.Calls);
        Assert.Single(_pending.List());
    }

    [Fact]
    public async Task Vm_started_again_before_the_change_ran_is_not_stopped_and_the_change_stays()
    {
        var running = Vm with { State = VmState.Running };
        var host = new OperationsFakeHost("HV01", Lab.Host(), running);
        await _pending.AddAsync(EnableLater(Vm.Id));

        // The inventory saw it Off, but the fresh read finds it Running: the Off plan refuses rather than stopping it.
        var result = await _operations.ApplyPendingAsync(host, _pending, Vm);

        Assert.Equal(OperationOutcome.Refused, result?.Outcome);
        Assert.Empty(host.Changes);
        Assert.NotNull(_pending.Find("HV01", Vm.Id));
    }

    [Fact]
    public async Task Failed_pending_change_stays_pending_with_the_host_message()
    {
        var host = new OperationsFakeHost("HV01", Lab.Host(), Vm);
        host.Fail(HostCall.SetNested, "Access is denied.");
        await _pending.AddAsync(EnableLater(Vm.Id));

        var result = await _operations.ApplyPendingAsync(host, _pending, Vm);

        Assert.Equal(OperationOutcome.Failed, result?.Outcome);
        Assert.Equal("Access is denied.", result?.HostMessage);
        Assert.NotNull(_pending.Find("HV01", Vm.Id));
    }
}
