using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.Tests.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Operations;

/// <summary>The L1/L2 cascade: its plan, and the engine running it against a fake host and the fake Hyper-V inside its guest.</summary>
public sealed class NestedCascadeTests
{
    private const string HostName = "HV01";
    private static readonly VmSnapshot L1 = Lab.Vm(state: VmState.Running, nested: true);
    private static readonly GuestVm A = new(Guid.Parse("00000000-0000-0000-0000-00000000000a"), "l2-a", VmState.Running);
    private static readonly GuestVm B = new(Guid.Parse("00000000-0000-0000-0000-00000000000b"), "l2-b", VmState.Running);
    private static readonly GuestVm C = new(Guid.Parse("00000000-0000-0000-0000-00000000000c"), "l2-c", VmState.Off);
    private static readonly GuestCredential Credential = new("Administrator", "pw");

    private readonly NestedVirtualizationOperations _locks = new();

    private NestedCascadeOperations Engine => new(_locks) { GuestAnswerInterval = TimeSpan.Zero, GuestAnswerTimeout = TimeSpan.FromSeconds(5) };

    private static NestedVirtualizationRequest Disable => new(HostName, L1.Id, false, PowerAction.ShutDown);

    private static string[] Statuses(OperationResult result) => [.. result.Steps.Select(s => $"{s.Title}: {s.Status}")];

    [Fact]
    public void Disabling_plans_the_running_L2_vms_down_first_and_leaves_them_off_saying_why()
    {
        var plan = NestedCascadePlan.For(HostName, Disable, L1, null, [A, B]);

        Assert.Equal(PlanVerdict.Run, plan.Verdict);
        Assert.Equal(
            [
                "Shut down L2 VM 'l2-a' (Stop-VM inside 'L1-Lab')",
                "Shut down L2 VM 'l2-b' (Stop-VM inside 'L1-Lab')",
                "Shut down L1 'L1-Lab'",
                "Set ExposeVirtualizationExtensions $false on L1 'L1-Lab'",
                "Start L1 'L1-Lab'",
            ],
            plan.Steps.Select(s => s.Title));
        Assert.Equal([A, B], plan.LeftOff);
        Assert.Contains("'l2-a', 'l2-b' are left off", plan.Message, StringComparison.Ordinal);
        Assert.Contains("cannot start again", plan.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_restart_of_a_nested_L1_plans_its_L2_vms_up_again_in_the_same_order()
    {
        // Enabling with dynamic memory off on an L1 already nested: the L1 restarts and keeps its hypervisor.
        var l1 = L1 with { DynamicMemoryEnabled = true };
        var plan = NestedCascadePlan.For(HostName, new NestedVirtualizationRequest(HostName, l1.Id, true, PowerAction.ShutDown, DisableDynamicMemory: true), l1, Lab.Host(), [A, B]);

        Assert.Equal(PlanVerdict.Run, plan.Verdict);
        Assert.Equal(
            [OperationStepKind.StopNestedVm, OperationStepKind.StopNestedVm, OperationStepKind.ShutDown, OperationStepKind.SetDynamicMemory, OperationStepKind.Start,
                OperationStepKind.StartNestedVm, OperationStepKind.StartNestedVm],
            plan.Steps.Select(s => s.Kind));
        Assert.Equal(["l2-a", "l2-b"], plan.Steps.Where(s => s.Kind is OperationStepKind.StartNestedVm).Select(s => s.NestedVm!.Name));
        Assert.Empty(plan.LeftOff);
    }

    [Fact]
    public void A_plan_the_L1_refuses_is_refused_whole()
    {
        var plan = NestedCascadePlan.For(HostName, Disable, L1 with { State = VmState.Saved }, null, [A]);

        Assert.Equal(PlanVerdict.Refused, plan.Verdict);
        Assert.Empty(plan.Steps);
        Assert.Contains("Saved", plan.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disable_shuts_the_running_L2_vms_down_inside_the_running_L1_then_changes_it_and_leaves_them_off()
    {
        var host = new OperationsFakeHost(HostName, Lab.Host(), L1);
        var guest = new FakeGuestVms(host, L1.Id, A, B, C);
        var reported = new List<OperationStep>();

        var result = (await Engine.RunAsync(host, guest, Credential, Disable, new SyncProgress(reported.Add))).Result;

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["Read (L1 Running, nested True)", "Stop l2-a (L1 Running, nested True)", "Stop l2-b (L1 Running, nested True)"], guest.Calls);
        Assert.Equal(["Stop ShutDown", "SetNested False", "Start"], host.Changes);
        Assert.All(Statuses(result), s => Assert.EndsWith(": Done", s, StringComparison.Ordinal));
        Assert.Equal(5, result.Steps.Count);
        Assert.False(host.Vm(L1.Id).ExposeVirtualizationExtensions);
        Assert.Equal(VmState.Running, host.Vm(L1.Id).State);
        Assert.Equal(VmState.Off, guest.Vm("l2-a").State);
        Assert.Contains("are left off", result.Message, StringComparison.Ordinal);
        Assert.Contains(reported, s => s.Kind is OperationStepKind.StopNestedVm && s.Status is OperationStepStatus.Running);
    }

    [Fact]
    public async Task A_restart_starts_the_L2_vms_again_once_the_L1_runs_with_nested_virtualization()
    {
        var l1 = L1 with { DynamicMemoryEnabled = true };
        var host = new OperationsFakeHost(HostName, Lab.Host(), l1);
        var guest = new FakeGuestVms(host, l1.Id, A, B);

        var result = (await Engine.RunAsync(host, guest, Credential, new NestedVirtualizationRequest(HostName, l1.Id, true, PowerAction.ShutDown, DisableDynamicMemory: true))).Result;

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["Stop l2-a (L1 Running, nested True)", "Stop l2-b (L1 Running, nested True)", "Start l2-a (L1 Running, nested True)", "Start l2-b (L1 Running, nested True)"], guest.Changes);
        Assert.Equal(VmState.Running, guest.Vm("l2-b").State);
        Assert.Contains("started again inside the guest", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_L2_vm_that_will_not_shut_down_leaves_the_L1_untouched_and_starts_the_others_again()
    {
        var host = new OperationsFakeHost(HostName, Lab.Host(), L1);
        var guest = new FakeGuestVms(host, L1.Id, A, B);
        guest.Fail("Stop l2-b", "'l2-b' failed to shut down.");

        var result = (await Engine.RunAsync(host, guest, Credential, Disable)).Result;

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Empty(host.Changes);
        Assert.Equal(VmState.Running, guest.Vm("l2-a").State);
        Assert.Equal(
            [
                "Shut down L2 VM 'l2-a' (Stop-VM inside 'L1-Lab'): Compensated",
                "Shut down L2 VM 'l2-b' (Stop-VM inside 'L1-Lab'): Failed",
                "Shut down L1 'L1-Lab': Skipped",
                "Set ExposeVirtualizationExtensions $false on L1 'L1-Lab': Skipped",
                "Start L1 'L1-Lab': Skipped",
                "Start L2 VM 'l2-a' again (restore Running): Done",
            ],
            Statuses(result));
        Assert.Contains("Nothing was changed on L1 'L1-Lab'", result.Message, StringComparison.Ordinal);
        Assert.Contains("'l2-a' was started again", result.Message, StringComparison.Ordinal);
        Assert.Equal("'l2-b' failed to shut down.", result.HostMessage);
    }

    [Fact]
    public async Task A_failed_L1_change_restarts_the_L1_and_then_its_L2_vms_which_can_still_run()
    {
        var host = new OperationsFakeHost(HostName, Lab.Host(), L1);
        host.Fail(HostCall.SetNested, "Access is denied.");
        var guest = new FakeGuestVms(host, L1.Id, A);

        var result = (await Engine.RunAsync(host, guest, Credential, Disable)).Result;

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal(["Stop ShutDown", "SetNested False", "Start"], host.Changes);
        Assert.True(host.Vm(L1.Id).ExposeVirtualizationExtensions);
        Assert.Equal(VmState.Running, guest.Vm("l2-a").State);
        Assert.Equal("Set ExposeVirtualizationExtensions $false on L1 'L1-Lab'", result.FailedStep?.Title);
        Assert.Contains("Start L1 'L1-Lab' again (restore Running): Done", Statuses(result));
        Assert.Contains("Start L2 VM 'l2-a' again (restore Running): Done", Statuses(result));
        Assert.Contains("'l2-a' was started again", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cascade_on_a_vm_another_change_holds_is_busy_and_touches_nothing()
    {
        var host = new OperationsFakeHost(HostName, Lab.Host(), L1);
        var guest = new FakeGuestVms(host, L1.Id, A);
        using var held = _locks.TryLock(HostName, L1.Id, L1.Name, out _);

        var result = (await Engine.RunAsync(host, guest, Credential, Disable)).Result;

        Assert.Equal(OperationOutcome.Busy, result.Outcome);
        Assert.Empty(guest.Calls);
        Assert.Empty(host.Calls);
    }

    [Fact]
    public async Task With_no_L2_vm_running_it_is_the_L1_change_alone()
    {
        var host = new OperationsFakeHost(HostName, Lab.Host(), L1);
        var guest = new FakeGuestVms(host, L1.Id, C);

        var result = (await Engine.RunAsync(host, guest, Credential, Disable)).Result;

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["Shut down L1 'L1-Lab': Done", "Set ExposeVirtualizationExtensions $false on L1 'L1-Lab': Done", "Start L1 'L1-Lab': Done"], Statuses(result));
        Assert.Empty(guest.Changes);
    }

    private sealed class SyncProgress(Action<OperationStep> report) : IProgress<OperationStep>
    {
        public void Report(OperationStep value) => report(value);
    }
}
