using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.Tests.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Operations;

public sealed partial class NestedVirtualizationOperationsTests
{
    private const string HostName = "HV01";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly VmSnapshot OffVm = Lab.Vm(state: VmState.Off);
    private static readonly VmSnapshot RunningVm = Lab.Vm(state: VmState.Running);
    private readonly NestedVirtualizationOperations _operations = new();

    private static OperationsFakeHost HostWith(params VmSnapshot[] vms) => new(HostName, Lab.Host(), vms);

    private static NestedVirtualizationRequest Enable(VmSnapshot vm, PowerAction action = PowerAction.None, bool macSpoofing = false) =>
        new(HostName, vm.Id, true, action, macSpoofing);

    private static string[] Statuses(OperationResult result) => [.. result.Steps.Select(s => $"{s.Title}: {s.Status}")];

    [Fact]
    public async Task Off_vm_is_changed_at_once_and_stays_off()
    {
        var host = HostWith(OffVm);

        var result = await _operations.RunAsync(host, Enable(OffVm));

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["GetVm", "GetHostFacts", "SetNested True"], host.Calls);
        Assert.Equal(["Set ExposeVirtualizationExtensions $true: Done"], Statuses(result));
        Assert.Equal(VmState.Off, host.Vm(OffVm.Id).State);
        Assert.True(host.Vm(OffVm.Id).ExposeVirtualizationExtensions);
        Assert.Equal(host.Vm(OffVm.Id), result.FinalVm);
    }

    [Theory]
    [InlineData(PowerAction.ShutDown, "Stop ShutDown", "Shut down")]
    [InlineData(PowerAction.TurnOff, "Stop TurnOff", "Turn off")]
    public async Task Running_vm_is_stopped_set_and_started_again(PowerAction action, string stopCall, string stopTitle)
    {
        var host = HostWith(RunningVm);

        var result = await _operations.RunAsync(host, Enable(RunningVm, action));

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["GetVm", "GetHostFacts", stopCall, "SetNested True", "Start"], host.Calls);
        Assert.Equal([$"{stopTitle}: Done", "Set ExposeVirtualizationExtensions $true: Done", "Start: Done"], Statuses(result));
        Assert.Equal(VmState.Running, host.Vm(RunningVm.Id).State);
        Assert.True(host.Vm(RunningVm.Id).ExposeVirtualizationExtensions);
        Assert.Equal(VmState.Running, result.FinalVm?.State);
        Assert.Contains("L1-Lab", result.Message, StringComparison.Ordinal);
        Assert.Contains(HostName, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabling_needs_no_readiness_and_sets_false()
    {
        var enabled = RunningVm with { ExposeVirtualizationExtensions = true };
        var host = HostWith(enabled);

        var result = await _operations.RunAsync(host, new NestedVirtualizationRequest(HostName, enabled.Id, false, PowerAction.ShutDown));

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["GetVm", "Stop ShutDown", "SetNested False", "Start"], host.Calls);
        Assert.Equal("Set ExposeVirtualizationExtensions $false", result.Steps[1].Title);
        Assert.False(host.Vm(enabled.Id).ExposeVirtualizationExtensions);
        Assert.Equal(VmState.Running, host.Vm(enabled.Id).State);
    }

    [Fact]
    public async Task Already_in_the_requested_setting_is_a_no_op()
    {
        var enabled = RunningVm with { ExposeVirtualizationExtensions = true };
        var host = HostWith(enabled);

        var result = await _operations.RunAsync(host, Enable(enabled, PowerAction.TurnOff));

        Assert.Equal(OperationOutcome.NoChange, result.Outcome);
        Assert.True(result.IsSuccess);
        Assert.Equal(["GetVm"], host.Calls);
        Assert.Empty(result.Steps);
        Assert.Contains("already enabled", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Running_vm_without_a_power_action_is_refused_naming_the_vm_and_its_state()
    {
        var host = HostWith(RunningVm);

        var result = await _operations.RunAsync(host, Enable(RunningVm));

        Assert.Equal(OperationOutcome.Refused, result.Outcome);
        Assert.Empty(host.Changes);
        Assert.Contains("VM 'L1-Lab' on host 'HV01' is Running", result.Message, StringComparison.Ordinal);
        Assert.Contains("Shut down or Turn off", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(VmState.Saved, "Remove-VMSavedState")]
    [InlineData(VmState.Paused, "Resume-VM")]
    [InlineData(VmState.Stopping, "Wait until the VM is Off or Running")]
    public async Task Saved_paused_or_moving_vm_is_refused_with_what_to_do(VmState state, string advice)
    {
        var vm = Lab.Vm(state: state);
        var host = HostWith(vm);

        var result = await _operations.RunAsync(host, Enable(vm, PowerAction.TurnOff));

        Assert.Equal(OperationOutcome.Refused, result.Outcome);
        Assert.Empty(host.Changes);
        Assert.Contains($"is {state}", result.Message, StringComparison.Ordinal);
        Assert.Contains(advice, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enabling_is_refused_when_readiness_blocks_with_the_failing_reason()
    {
        var old = Lab.Vm(configVersion: "7.0", state: VmState.Off);
        var host = HostWith(old);
        var blocking = ReadinessEvaluator.BlockingFailures(ReadinessEvaluator.EvaluateVm(Lab.Host(), old)).ToList();

        var result = await _operations.RunAsync(host, Enable(old));

        Assert.NotEmpty(blocking);
        Assert.Equal(OperationOutcome.Refused, result.Outcome);
        Assert.Empty(host.Changes);
        Assert.All(blocking, check => Assert.Contains(check.Reason, result.Message, StringComparison.Ordinal));
        // Each blocking check as its own sentences: a reason without a period no longer runs into its "Fix:".
        Assert.All(blocking, check => Assert.Contains(check.Explained, result.Message, StringComparison.Ordinal));
        Assert.DoesNotMatch(@"[^.!?…] Fix:", result.Message);
        Assert.Contains("cannot be enabled on VM 'L1-Lab'", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabling_is_not_blocked_by_readiness()
    {
        var old = Lab.Vm(configVersion: "7.0", state: VmState.Off) with { ExposeVirtualizationExtensions = true };
        var host = HostWith(old);

        var result = await _operations.RunAsync(host, new NestedVirtualizationRequest(HostName, old.Id, false));

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.False(host.Vm(old.Id).ExposeVirtualizationExtensions);
    }

    [Fact]
    public async Task Request_for_another_host_is_refused()
    {
        var host = HostWith(OffVm);

        var result = await _operations.RunAsync(host, Enable(OffVm) with { HostName = "HV02" });

        Assert.Equal(OperationOutcome.Refused, result.Outcome);
        Assert.Empty(host.Calls);
        Assert.Contains("'HV02'", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mac_spoofing_companion_fix_runs_after_set_while_the_vm_is_off()
    {
        var vm = RunningVm with
        {
            NetworkAdapters = [new VmNetworkAdapterInfo("Network Adapter", "External", "00155D010203", false), new VmNetworkAdapterInfo("Lab", null, "00155D010204", false)],
        };
        var host = HostWith(vm);

        var result = await _operations.RunAsync(host, Enable(vm, PowerAction.ShutDown, macSpoofing: true));

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["Stop ShutDown", "SetNested True", "SetMacSpoofing * True", "Start"], host.Changes);
        Assert.All(host.Vm(vm.Id).NetworkAdapters, a => Assert.True(a.MacAddressSpoofing));
        Assert.Equal(VmState.Running, host.Vm(vm.Id).State);
    }

    [Fact]
    public async Task Mac_spoofing_alone_needs_no_power_change()
    {
        var vm = RunningVm with
        {
            ExposeVirtualizationExtensions = true,
            NetworkAdapters = [new VmNetworkAdapterInfo("Network Adapter", "External", "00155D010203", false)],
        };
        var host = HostWith(vm);

        var result = await _operations.RunAsync(host, Enable(vm, macSpoofing: true));

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["SetMacSpoofing * True"], host.Changes);
        Assert.Equal(VmState.Running, host.Vm(vm.Id).State);
    }
}
