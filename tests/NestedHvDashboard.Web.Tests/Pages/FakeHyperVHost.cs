using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Tests.Pages;

/// <summary>
/// A hand-written host for the page tests: VMs move between Off and Running as Hyper-V would allow, every call is
/// recorded, and the next call of a given name can be made to fail with a <see cref="HostOperationException"/>.
/// </summary>
internal sealed class FakeHyperVHost(string name, HostFacts facts, params VmSnapshot[] vms) : IHyperVHost
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, VmSnapshot> _vms = vms.ToDictionary(vm => vm.Id);
    private readonly List<string> _calls = [];
    private readonly Dictionary<string, string> _failNext = [];
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
    public void FailNext(string call, string message)
    {
        lock (_gate) { _failNext[call] = message; }
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

    public Task<VmSnapshot> GetVmAsync(Guid vmId, CancellationToken cancellationToken = default)
    {
        Enter("GetVm", "Get-VM");
        return Task.FromResult(Change(vmId, vm => vm));
    }

    public async Task<VmSnapshot> SetNestedVirtualizationAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default)
    {
        await EnterAsync($"SetNested {enabled}", "Set-VMProcessor");
        return (Change(vmId, vm => vm.State is VmState.Off
            ? vm with { ExposeVirtualizationExtensions = enabled }
            : throw new HostOperationException(HostErrorKind.InvalidVmState, Name, "Set-VMProcessor", "The operation cannot be performed while the virtual machine is in its current state.", vm.Name)));
    }

    public async Task<VmSnapshot> StartVmAsync(Guid vmId, CancellationToken cancellationToken = default)
    {
        await EnterAsync("Start", "Start-VM");
        return (Change(vmId, vm => vm.State is VmState.Off
            ? vm with { State = VmState.Running }
            : throw new HostOperationException(HostErrorKind.InvalidVmState, Name, "Start-VM", "The virtual machine is already running.", vm.Name)));
    }

    public async Task<VmSnapshot> StopVmAsync(Guid vmId, StopMode mode, CancellationToken cancellationToken = default)
    {
        await EnterAsync($"Stop {mode}", "Stop-VM");
        return (Change(vmId, vm => vm.State is VmState.Running
            ? vm with { State = VmState.Off }
            : throw new HostOperationException(HostErrorKind.InvalidVmState, Name, "Stop-VM", "The virtual machine is not running.", vm.Name)));
    }

    public async Task<VmSnapshot> SetMacAddressSpoofingAsync(Guid vmId, string? adapterName, bool enabled, CancellationToken cancellationToken = default)
    {
        await EnterAsync($"SetMacSpoofing {enabled}", "Set-VMNetworkAdapter");
        return (Change(vmId, vm => vm with
        {
            NetworkAdapters = [.. vm.NetworkAdapters.Select(a => adapterName is null || a.Name == adapterName ? a with { MacAddressSpoofing = enabled } : a)],
        }));
    }

    public async Task<VmSnapshot> SetDynamicMemoryAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default)
    {
        await EnterAsync($"SetDynamicMemory {enabled}", "Set-VMMemory");
        return (Change(vmId, vm => vm.State is VmState.Off
            ? vm with { DynamicMemoryEnabled = enabled }
            : throw new HostOperationException(HostErrorKind.InvalidVmState, Name, "Set-VMMemory", "The operation cannot be performed while the virtual machine is in its current state.", vm.Name)));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task EnterAsync(string record, string operation)
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
            await hold.Task;
        }

        Enter(record, operation);
    }

    private void Enter(string record, string operation)
    {
        string? message = null;
        lock (_gate)
        {
            _calls.Add(record);
            var key = _failNext.Keys.FirstOrDefault(k => record.StartsWith(k, StringComparison.Ordinal));
            if (key is not null)
            {
                message = _failNext[key];
                _failNext.Remove(key);
            }
        }

        if (message is not null)
        {
            throw new HostOperationException(HostErrorKind.HostRefused, Name, operation, message);
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
