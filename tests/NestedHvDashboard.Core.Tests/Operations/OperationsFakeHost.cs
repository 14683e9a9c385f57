using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Operations;

/// <summary>The host calls the operations service makes.</summary>
internal enum HostCall
{
    GetHostFacts,
    GetVm,
    Stop,
    SetNested,
    Start,
    SetMacSpoofing,
    SetDynamicMemory,
    Power,
    Fix,
}

/// <summary>Holds one host call until the test releases it.</summary>
internal sealed class CallGate
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the call has reached the host.</summary>
    public Task Entered => _entered.Task;

    public void Release() => _released.TrySetResult();

    public async Task PassAsync(CancellationToken cancellationToken)
    {
        _entered.TrySetResult();
        await _released.Task.WaitAsync(cancellationToken);
    }
}

/// <summary>
/// A Hyper-V host as a small state machine (Off ⇄ Running, Hyper-V's own state checks), which records every
/// call in order and can be told to fail a call with a host error or to hold it until released.
/// </summary>
internal sealed partial class OperationsFakeHost(string name, HostFacts facts, params VmSnapshot[] vms) : IHyperVHost
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, VmSnapshot> _vms = vms.ToDictionary(vm => vm.Id);
    private readonly List<string> _calls = [];
    private readonly List<(HostCall Call, Guid? VmId, HostErrorKind Kind, string Message, VmState? Leaves)> _failures = [];
    private readonly List<(HostCall Call, Guid? VmId, CallGate Gate)> _holds = [];

    public string Name { get; } = name;

    /// <summary>Every call so far, e.g. "GetVm", "Stop ShutDown", "SetNested True", "SetDynamicMemory False", "Start".</summary>
    public IReadOnlyList<string> Calls
    {
        get { lock (_gate) { return [.. _calls]; } }
    }

    /// <summary>The calls that change a VM (not the reads).</summary>
    public IReadOnlyList<string> Changes => [.. Calls.Where(c => !c.StartsWith("Get", StringComparison.Ordinal))];

    public VmSnapshot Vm(Guid id)
    {
        lock (_gate) { return _vms[id]; }
    }

    /// <summary>
    /// The next <paramref name="times"/> calls of this kind (for this VM, or any) fail with a host error; with
    /// <paramref name="leaves"/>, the failing call leaves the VM in that state (a shutdown the host goes on with, say).
    /// </summary>
    public void Fail(HostCall call, string message, HostErrorKind kind = HostErrorKind.HostRefused, int times = 1, Guid? vmId = null, VmState? leaves = null)
    {
        lock (_gate)
        {
            for (var i = 0; i < times; i++)
            {
                _failures.Add((call, vmId, kind, message, leaves));
            }
        }
    }

    /// <summary>The next call of this kind (for this VM, or any) waits until the returned gate is released.</summary>
    public CallGate Hold(HostCall call, Guid? vmId = null)
    {
        var gate = new CallGate();
        lock (_gate) { _holds.Add((call, vmId, gate)); }
        return gate;
    }

    public async Task<HostFacts> GetHostFactsAsync(CancellationToken cancellationToken = default)
    {
        await EnterAsync(HostCall.GetHostFacts, null, "GetHostFacts", cancellationToken);
        return facts;
    }

    public Task<HostInventory> GetInventoryAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public async Task<VmSnapshot> GetVmAsync(Guid vmId, CancellationToken cancellationToken = default)
    {
        await EnterAsync(HostCall.GetVm, vmId, "GetVm", cancellationToken);
        return Change(vmId, "Get-VM", vm => vm);
    }

    public async Task<VmSnapshot> SetNestedVirtualizationAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default)
    {
        await EnterAsync(HostCall.SetNested, vmId, $"SetNested {enabled}", cancellationToken);
        return Change(vmId, "Set-VMProcessor", vm => vm.State is VmState.Off
            ? vm with { ExposeVirtualizationExtensions = enabled }
            : throw Refused(HostErrorKind.InvalidVmState, "Set-VMProcessor", vm, "The operation cannot be performed while the virtual machine is in its current state."));
    }

    public async Task<VmSnapshot> StartVmAsync(Guid vmId, CancellationToken cancellationToken = default)
    {
        await EnterAsync(HostCall.Start, vmId, "Start", cancellationToken);
        return Change(vmId, "Start-VM", vm => vm.State is VmState.Off or VmState.Saved
            ? vm with { State = VmState.Running }
            : throw Refused(HostErrorKind.InvalidVmState, "Start-VM", vm, "The virtual machine is not in a state that allows starting."));
    }

    public async Task<VmSnapshot> StopVmAsync(Guid vmId, StopMode mode, CancellationToken cancellationToken = default)
    {
        await EnterAsync(HostCall.Stop, vmId, $"Stop {mode}", cancellationToken);
        return Change(vmId, "Stop-VM", vm => vm.State is VmState.Running
            ? vm with { State = mode is StopMode.Save ? VmState.Saved : VmState.Off }
            : throw Refused(HostErrorKind.InvalidVmState, "Stop-VM", vm, "The virtual machine is not running."));
    }

    public async Task<VmSnapshot> SetMacAddressSpoofingAsync(Guid vmId, string? adapterName, bool enabled, CancellationToken cancellationToken = default)
    {
        await EnterAsync(HostCall.SetMacSpoofing, vmId, $"SetMacSpoofing {adapterName ?? "*"} {enabled}", cancellationToken);
        return Change(vmId, "Set-VMNetworkAdapter", vm => vm with
        {
            NetworkAdapters = [.. vm.NetworkAdapters.Select(a => adapterName is null || a.Name == adapterName ? a with { MacAddressSpoofing = enabled } : a)],
        });
    }

    public Task<VmSnapshot> SuspendVmAsync(Guid vmId, CancellationToken cancellationToken = default) =>
        PowerAsync("Suspend", "Suspend-VM", vmId, VmState.Running, VmState.Paused, cancellationToken);

    public Task<VmSnapshot> ResumeVmAsync(Guid vmId, CancellationToken cancellationToken = default) =>
        PowerAsync("Resume", "Resume-VM", vmId, VmState.Paused, VmState.Running, cancellationToken);

    public Task<VmSnapshot> RestartVmAsync(Guid vmId, CancellationToken cancellationToken = default) =>
        PowerAsync("Restart", "Restart-VM", vmId, VmState.Running, VmState.Running, cancellationToken);

    public Task<VmSnapshot> RemoveSavedStateAsync(Guid vmId, CancellationToken cancellationToken = default) =>
        PowerAsync("RemoveSavedState", "Remove-VMSavedState", vmId, VmState.Saved, VmState.Off, cancellationToken);

    // A power change Hyper-V allows only from one state, refused in Hyper-V's words from any other.
    private async Task<VmSnapshot> PowerAsync(string record, string operation, Guid vmId, VmState from, VmState to, CancellationToken cancellationToken)
    {
        await EnterAsync(HostCall.Power, vmId, $"Power {record}", cancellationToken);
        return Change(vmId, operation, vm => vm.State == from
            ? vm with { State = to }
            : throw Refused(HostErrorKind.InvalidVmState, operation, vm, "The operation cannot be performed while the virtual machine is in its current state."));
    }

    public async Task<VmSnapshot> SetDynamicMemoryAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default)
    {
        await EnterAsync(HostCall.SetDynamicMemory, vmId, $"SetDynamicMemory {enabled}", cancellationToken);
        return Change(vmId, "Set-VMMemory", vm => vm.State is VmState.Off
            ? vm with { DynamicMemoryEnabled = enabled }
            : throw Refused(HostErrorKind.InvalidVmState, "Set-VMMemory", vm, "The operation cannot be performed while the virtual machine is in its current state."));
    }

    public Task<VmCheckpoints> GetCheckpointsAsync(Guid vmId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> CreateCheckpointAsync(Guid vmId, string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> ApplyCheckpointAsync(Guid vmId, Guid checkpointId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> RemoveCheckpointAsync(Guid vmId, Guid checkpointId, bool includeChildren, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task EnterAsync(HostCall call, Guid? vmId, string record, CancellationToken cancellationToken)
    {
        CallGate? hold;
        (HostCall Call, Guid? VmId, HostErrorKind Kind, string Message, VmState? Leaves)? failure;
        lock (_gate)
        {
            _calls.Add(record);
            var h = _holds.FindIndex(x => x.Call == call && (x.VmId is null || x.VmId == vmId));
            hold = h < 0 ? null : _holds[h].Gate;
            if (h >= 0)
            {
                _holds.RemoveAt(h);
            }

            var f = _failures.FindIndex(x => x.Call == call && (x.VmId is null || x.VmId == vmId));
            failure = f < 0 ? null : _failures[f];
            if (f >= 0)
            {
                _failures.RemoveAt(f);
            }
        }

        if (hold is not null)
        {
            await hold.PassAsync(cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (failure is { } fail)
        {
            if (fail.Leaves is { } state && vmId is { } id)
            {
                Change(id, call.ToString(), vm => vm with { State = state });
            }

            throw new HostOperationException(fail.Kind, Name, call.ToString(), fail.Message);
        }
    }

    private VmSnapshot Change(Guid vmId, string operation, Func<VmSnapshot, VmSnapshot> change)
    {
        lock (_gate)
        {
            if (!_vms.TryGetValue(vmId, out var vm))
            {
                throw new HostOperationException(HostErrorKind.VmNotFound, Name, operation, $"Hyper-V was unable to find a virtual machine with id \"{vmId}\".");
            }

            var changed = change(vm);
            _vms[vmId] = changed;
            return changed;
        }
    }

    private HostOperationException Refused(HostErrorKind kind, string operation, VmSnapshot vm, string message) =>
        new(kind, Name, operation, message, vm.Name);
}

/// <summary>Collects progress reports synchronously, in the order they were made (unlike Progress&lt;T&gt;, which posts).</summary>
internal sealed class RecordingProgress(Action<OperationStep>? onReport = null) : IProgress<OperationStep>
{
    private readonly Lock _gate = new();
    private readonly List<OperationStep> _reports = [];

    public IReadOnlyList<OperationStep> Reports
    {
        get { lock (_gate) { return [.. _reports]; } }
    }

    public void Report(OperationStep value)
    {
        lock (_gate) { _reports.Add(value); }
        onReport?.Invoke(value);
    }
}
