using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.Tests.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Operations;

/// <summary>Microsoft's memory companion fix: dynamic memory off, planned while the VM is Off, only with the user's consent.</summary>
public sealed class DynamicMemoryFixTests
{
    private const string HostName = "HV01";
    private const string SetNestedTitle = "Set ExposeVirtualizationExtensions $true";
    private const string SetMemoryTitle = "Set DynamicMemoryEnabled $false";
    private static readonly VmSnapshot OffDynamic = Lab.Vm(state: VmState.Off, dynamicMemory: true);
    private static readonly VmSnapshot RunningDynamic = Lab.Vm(state: VmState.Running, dynamicMemory: true);
    private readonly NestedVirtualizationOperations _operations = new();

    private static OperationsFakeHost HostWith(VmSnapshot vm) => new(HostName, Lab.Host(), vm);

    private static NestedVirtualizationRequest Enable(VmSnapshot vm, PowerAction action = PowerAction.None, bool dynamicMemoryOff = true, bool macSpoofing = false) =>
        new(HostName, vm.Id, true, action, macSpoofing, dynamicMemoryOff);

    private static string[] Titles(NestedVirtualizationPlan plan) => [.. plan.Steps.Select(s => s.Title)];

    private static string[] Statuses(OperationResult result) => [.. result.Steps.Select(s => $"{s.Title}: {s.Status}")];

    public static TheoryData<VmState, PowerAction, bool, string[]> Plans => new()
    {
        { VmState.Off, PowerAction.None, false, [SetNestedTitle] },
        { VmState.Off, PowerAction.None, true, [SetNestedTitle, SetMemoryTitle] },
        { VmState.Running, PowerAction.ShutDown, false, ["Shut down", SetNestedTitle, "Start"] },
        { VmState.Running, PowerAction.ShutDown, true, ["Shut down", SetNestedTitle, SetMemoryTitle, "Start"] },
        { VmState.Running, PowerAction.TurnOff, false, ["Turn off", SetNestedTitle, "Start"] },
        { VmState.Running, PowerAction.TurnOff, true, ["Turn off", SetNestedTitle, SetMemoryTitle, "Start"] },
    };

    [Theory]
    [MemberData(nameof(Plans))]
    public void The_fix_is_planned_right_after_set_while_the_vm_is_off_and_only_when_asked(VmState state, PowerAction action, bool asked, string[] expected)
    {
        var vm = Lab.Vm(state: state, dynamicMemory: true);

        var plan = NestedVirtualizationPlan.For(HostName, Enable(vm, action, dynamicMemoryOff: asked), vm, Lab.Host());

        Assert.Equal(PlanVerdict.Run, plan.Verdict);
        Assert.Equal(expected, Titles(plan));
        Assert.Equal(asked, plan.Steps.Any(s => s.Kind is OperationStepKind.SetDynamicMemory));
    }

    [Fact]
    public void With_mac_spoofing_too_memory_comes_first_then_the_adapters()
    {
        var vm = RunningDynamic with { NetworkAdapters = [new VmNetworkAdapterInfo("Network Adapter", "External", "00155D010203", false)] };

        var plan = NestedVirtualizationPlan.For(HostName, Enable(vm, PowerAction.ShutDown, macSpoofing: true), vm, Lab.Host());

        Assert.Equal(["Shut down", SetNestedTitle, SetMemoryTitle, "Set MacAddressSpoofing On", "Start"], Titles(plan));
    }

    [Fact]
    public void Not_planned_when_the_vm_already_has_static_memory_or_when_disabling()
    {
        var staticVm = Lab.Vm(state: VmState.Off, dynamicMemory: false);
        Assert.Equal([SetNestedTitle], Titles(NestedVirtualizationPlan.For(HostName, Enable(staticVm), staticVm, Lab.Host())));

        var nestedOn = OffDynamic with { ExposeVirtualizationExtensions = true };
        var disable = new NestedVirtualizationRequest(HostName, nestedOn.Id, false, PowerAction.None, DisableDynamicMemory: true);
        Assert.Equal(["Set ExposeVirtualizationExtensions $false"], Titles(NestedVirtualizationPlan.For(HostName, disable, nestedOn, null)));
    }

    [Theory]
    [InlineData(VmState.Off, PowerAction.None, new[] { SetMemoryTitle })]
    [InlineData(VmState.Running, PowerAction.ShutDown, new[] { "Shut down", SetMemoryTitle, "Start" })]
    [InlineData(VmState.Running, PowerAction.TurnOff, new[] { "Turn off", SetMemoryTitle, "Start" })]
    public void With_nested_already_on_the_fix_runs_alone_and_still_needs_the_vm_off(VmState state, PowerAction action, string[] expected)
    {
        var vm = Lab.Vm(state: state, dynamicMemory: true) with { ExposeVirtualizationExtensions = true };

        // No host facts: nested is not being turned on, so readiness is not checked.
        var plan = NestedVirtualizationPlan.For(HostName, Enable(vm, action), vm, null);

        Assert.Equal(PlanVerdict.Run, plan.Verdict);
        Assert.Equal(expected, Titles(plan));
    }

    [Fact]
    public void With_nested_already_on_a_running_vm_without_a_power_action_is_refused_naming_dynamic_memory()
    {
        var vm = RunningDynamic with { ExposeVirtualizationExtensions = true };

        var plan = NestedVirtualizationPlan.For(HostName, Enable(vm), vm, null);

        Assert.Equal(PlanVerdict.Refused, plan.Verdict);
        Assert.Contains("VM 'L1-Lab' on host 'HV01' is Running; dynamic memory can be changed only while the VM is Off", plan.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_nested_already_on_and_static_memory_there_is_nothing_to_do()
    {
        var vm = Lab.Vm(state: VmState.Running, dynamicMemory: false) with { ExposeVirtualizationExtensions = true };

        var plan = NestedVirtualizationPlan.For(HostName, Enable(vm, PowerAction.ShutDown), vm, null);

        Assert.Equal(PlanVerdict.NoChange, plan.Verdict);
    }

    [Fact]
    public async Task Running_vm_ends_running_with_nested_on_and_static_memory()
    {
        var host = HostWith(RunningDynamic);

        var result = await _operations.RunAsync(host, Enable(RunningDynamic, PowerAction.ShutDown));

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["Stop ShutDown", "SetNested True", "SetDynamicMemory False", "Start"], host.Changes);
        var vm = host.Vm(RunningDynamic.Id);
        Assert.Equal(VmState.Running, vm.State);
        Assert.True(vm.ExposeVirtualizationExtensions);
        Assert.False(vm.DynamicMemoryEnabled);
        Assert.Equal("Nested virtualization enabled on VM 'L1-Lab' on host 'HV01', with dynamic memory turned off; the VM is Running.", result.Message);
    }

    [Fact]
    public async Task The_fix_alone_on_a_running_vm_stops_sets_and_starts_it()
    {
        var vm = RunningDynamic with { ExposeVirtualizationExtensions = true };
        var host = HostWith(vm);

        var result = await _operations.RunAsync(host, Enable(vm, PowerAction.TurnOff));

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["GetVm", "Stop TurnOff", "SetDynamicMemory False", "Start"], host.Calls);
        Assert.False(host.Vm(vm.Id).DynamicMemoryEnabled);
        Assert.Equal(VmState.Running, host.Vm(vm.Id).State);
        Assert.StartsWith("Nested virtualization was already enabled on VM 'L1-Lab'", result.Message, StringComparison.Ordinal);
        Assert.Contains("dynamic memory turned off", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_set_vmmemory_step_is_named_and_the_vm_is_started_again()
    {
        var host = HostWith(RunningDynamic);
        host.Fail(HostCall.SetDynamicMemory, "'L1-Lab' failed to modify device 'Memory'.");

        var result = await _operations.RunAsync(host, Enable(RunningDynamic, PowerAction.ShutDown));

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal(["Stop ShutDown", "SetNested True", "SetDynamicMemory False", "Start"], host.Changes);
        Assert.Equal(
            ["Shut down: Compensated", $"{SetNestedTitle}: Done", $"{SetMemoryTitle}: Failed", "Start: Skipped", "Start again (restore Running): Done"],
            Statuses(result));
        Assert.Equal(OperationStepKind.SetDynamicMemory, result.FailedStep?.Kind);
        Assert.Equal("'L1-Lab' failed to modify device 'Memory'.", result.HostMessage);
        Assert.Contains($"'{SetMemoryTitle}' failed on VM 'L1-Lab' on host 'HV01'", result.Message, StringComparison.Ordinal);
        Assert.Contains("started again", result.Message, StringComparison.Ordinal);
        Assert.Equal(VmState.Running, host.Vm(RunningDynamic.Id).State);
        Assert.True(host.Vm(RunningDynamic.Id).DynamicMemoryEnabled);
    }

    [Fact]
    public async Task A_failing_set_vmmemory_step_on_an_off_vm_leaves_it_off()
    {
        var host = HostWith(OffDynamic);
        host.Fail(HostCall.SetDynamicMemory, "Access is denied.", HostErrorKind.HostRefused);

        var result = await _operations.RunAsync(host, Enable(OffDynamic));

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal([$"{SetNestedTitle}: Done", $"{SetMemoryTitle}: Failed"], Statuses(result));
        Assert.Equal(VmState.Off, host.Vm(OffDynamic.Id).State);
        Assert.DoesNotContain("Start", host.Changes);
    }

    [Fact]
    public async Task A_pending_change_keeps_the_consent_and_applies_the_fix_when_the_vm_is_seen_off()
    {
        var pending = new PendingNestedChanges();
        var change = new PendingNestedChange(HostName, OffDynamic.Id, "L1-Lab", true, false, DateTimeOffset.UnixEpoch, DisableDynamicMemory: true);
        await pending.AddAsync(change);
        var host = HostWith(OffDynamic);

        Assert.True(change.ToRequest().DisableDynamicMemory);
        var result = await _operations.ApplyPendingAsync(host, pending, OffDynamic);

        Assert.Equal(OperationOutcome.Succeeded, result?.Outcome);
        Assert.Equal(["SetNested True", "SetDynamicMemory False"], host.Changes);
        Assert.Empty(pending.List());
    }
}
