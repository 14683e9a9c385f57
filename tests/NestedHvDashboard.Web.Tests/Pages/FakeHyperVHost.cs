using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Tests.Pages;

/// <summary>
/// A hand-written host for the page tests: VMs move between Off and Running as Hyper-V would allow, every call is
/// recorded, and the next call of a given name can be made to fail with a <see cref="HostOperationException"/>.
/// </summary>
internal sealed partial class FakeHyperVHost(string name, HostFacts facts, params VmSnapshot[] vms) : IHyperVHost
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, VmSnapshot> _vms = vms.ToDictionary(vm => vm.Id);
    private readonly List<string> _calls = [];
    private readonly Dictionary<string, (string Message, HostErrorKind Kind, VmState? Leaves)> _failNext = [];
    private readonly Dictionary<string, TaskCompletionSource> _holds = [];

    public string Name { get; } = name;

    /// <summary>Every call so far: "GetVm", "GetHostFacts", "Stop ShutDown", "SetNested True", "SetDynamicMemory False", "SetMacSpoofing True", "Start".</summary>
    public IReadOnlyList<string> Calls
    {
        get { lock (_gate) { return [.. _calls]; } }
    }

    public VmSnapshot Vm(Guid id)
    {
        lock (_gate) { return _vms[id]; }
    }

    /// <summary>The next call whose record starts with <paramref name="call"/> (e.g. "SetNested") fails with the host's <paramref name="message"/>.</summary>
    /// <remarks>With <paramref name="leaves"/> the failing call leaves the VM in that state (a shutdown the host goes on with).</remarks>
    public void FailNext(string call, string message, HostErrorKind kind = HostErrorKind.HostRefused, VmState? leaves = null)
    {
        lock (_gate) { _failNext[call] = (message, kind, leaves); }
    }

    /// <summary>The next call whose record starts with <paramref name="call"/> waits until the returned source is completed.</summary>
    public TaskCompletionSource HoldNext(string call)
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate) { _holds[call] = hold; }
        return hold;
    }

    public Task<HostFacts> GetHostFactsAsync(CancellationToken cancellationToken = default)
    {
        Enter("GetHostFacts", "Get-VMHost");
        return Task.FromResult(facts);
    }

    public Task<HostInventory> GetInventoryAsync(CancellationToken cancellationToken = default)
    {
        Enter("GetInventory", "Get-VM");
        lock (_gate) { return Task.FromResult(new HostInventory(facts, [.. _vms.Values], DateTimeOffset.UtcNow)); }
    }

    public async Task<VmSnapshot> GetVmAsync(Guid vmId, CancellationToken cancellationToken = default)
    {
        await EnterAsync("GetVm", "Get-VM", vmId, cancellationToken);
        return Change(vmId, vm => vm);
    }

    public async Task<VmSnapshot> SetNestedVirtualizationAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default)
    {
        await EnterAsync($"SetNested {enabled}", "Set-VMProcessor", vmId, cancellationToken);
        return (Change(vmId, vm => vm.State is VmState.Off
            ? vm with { ExposeVirtualizationExtensions = enabled }
            : throw new HostOperationException(HostErrorKind.InvalidVmState, Name, "Set-VMProcessor", "The operation cannot be performed while the virtual machine is in its current state.", vm.Name)));
    }

    public async Task<VmSnapshot> StartVmAsync(Guid vmId, CancellationToken cancellationToken = default)
    {
        await EnterAsync("Start", "Start-VM", vmId, cancellationToken);
        return (Change(vmId, vm => vm.State is VmState.Off or VmState.Saved or VmState.Paused
            ? vm with { State = VmState.Running }
            : throw new HostOperationException(HostErrorKind.InvalidVmState, Name, "Start-VM", "The virtual machine is already running.", vm.Name)));
    }

    public async Task<VmSnapshot> StopVmAsync(Guid vmId, StopMode mode, CancellationToken cancellationToken = default)
    {
        await EnterAsync($"Stop {mode}", "Stop-VM", vmId, cancellationToken);
        return (Change(vmId, vm => vm.State is VmState.Running || (vm.State is VmState.Paused && mode is not StopMode.ShutDown)
            ? vm with { State = mode is StopMode.Save ? VmState.Saved : VmState.Off }
            : throw new HostOperationException(HostErrorKind.InvalidVmState, Name, "Stop-VM", "The virtual machine is not running.", vm.Name)));
    }

    public async Task<VmSnapshot> SetMacAddressSpoofingAsync(Guid vmId, string? adapterName, bool enabled, CancellationToken cancellationToken = default)
    {
        await EnterAsync($"SetMacSpoofing {enabled}", "Set-VMNetworkAdapter", vmId, cancellationToken);
        return (Change(vmId, vm => vm with
        {
            NetworkAdapters = [.. vm.NetworkAdapters.Select(a => adapterName is null || a.Name == adapterName ? a with { MacAddressSpoofing = enabled } : a)],
        }));
    }

    public async Task<VmSnapshot> SetDynamicMemoryAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default)
    {
        await EnterAsync($"SetDynamicMemory {enabled}", "Set-VMMemory", vmId, cancellationToken);
        return (Change(vmId, vm => vm.State is VmState.Off
            ? vm with { DynamicMemoryEnabled = enabled }
            : throw new HostOperationException(HostErrorKind.InvalidVmState, Name, "Set-VMMemory", "The operation cannot be performed while the virtual machine is in its current state.", vm.Name)));
    }

    public Task<VmSnapshot> SuspendVmAsync(Guid vmId, CancellationToken cancellationToken = default) =>
        PowerAsync("Suspend", "Suspend-VM", vmId, VmState.Running, VmState.Paused, cancellationToken);

    public Task<VmSnapshot> ResumeVmAsync(Guid vmId, CancellationToken cancellationToken = default) =>
        PowerAsync("Resume", "Resume-VM", vmId, VmState.Paused, VmState.Running, cancellationToken);

    public Task<VmSnapshot> RestartVmAsync(Guid vmId, CancellationToken cancellationToken = default) =>
        PowerAsync("Restart", "Restart-VM", vmId, VmState.Running, VmState.Running, cancellationToken);

    public Task<VmSnapshot> RemoveSavedStateAsync(Guid vmId, CancellationToken cancellationToken = default) =>
        PowerAsync("RemoveSavedState", "Remove-VMSavedState", vmId, VmState.Saved, VmState.Off, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    // A power change Hyper-V allows only from one state, refused in Hyper-V's words from any other.
    private async Task<VmSnapshot> PowerAsync(string record, string operation, Guid vmId, VmState from, VmState to, CancellationToken cancellationToken)
    {
        await EnterAsync(record, operation, vmId, cancellationToken);
        return Change(vmId, vm => vm.State == from
            ? vm with { State = to }
            : throw new HostOperationException(HostErrorKind.InvalidVmState, Name, operation, "The operation cannot be performed while the virtual machine is in its current state.", vm.Name));
    }

    private async Task EnterAsync(string record, string operation, Guid? vmId = null, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource? hold;
        lock (_gate)
        {
            var key = _holds.Keys.FirstOrDefault(k => record.StartsWith(k, StringComparison.Ordinal));
            hold = key is null ? null : _holds[key];
            if (key is not null)
            {
                _holds.Remove(key);
            }
        }

        if (hold is not null)
        {
            // A held call ends when the caller stops waiting, as the engine's calls do.
            await hold.Task.WaitAsync(cancellationToken);
        }

        Enter(record, operation, vmId);
    }

    private void Enter(string record, string operation, Guid? vmId = null)
    {
        (string Message, HostErrorKind Kind, VmState? Leaves)? failure = null;
        lock (_gate)
        {
            _calls.Add(record);
            var key = _failNext.Keys.FirstOrDefault(k => record.StartsWith(k, StringComparison.Ordinal));
            if (key is not null)
            {
                failure = _failNext[key];
                _failNext.Remove(key);
            }
        }

        if (failure is { } fail)
        {
            if (fail.Leaves is { } state && vmId is { } id)
            {
                Change(id, vm => vm with { State = state });
            }

            throw new HostOperationException(fail.Kind, Name, operation, fail.Message);
        }
    }

    private VmSnapshot Change(Guid vmId, Func<VmSnapshot, VmSnapshot> change)
    {
        lock (_gate)
        {
            if (!_vms.TryGetValue(vmId, out var vm))
            {
                throw new HostOperationException(HostErrorKind.VmNotFound, Name, "Get-VM", $"Hyper-V was unable to find a virtual machine with id \"{vmId}\".");
            }

            var changed = change(vm);
            _vms[vmId] = changed;
            return changed;
        }
    }
}
