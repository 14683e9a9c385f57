using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Inventory;

/// <summary>How a <see cref="FakeHost"/> answers inventory reads.</summary>
internal enum FakeHostMode
{
    Healthy,

    /// <summary>Never answers and ignores cancellation, like a frozen remote shell.</summary>
    Hung,

    /// <summary>Refuses the connection at once.</summary>
    Down,

    /// <summary>Refuses the credentials.</summary>
    RejectsCredentials,
}

/// <summary>A host whose VMs and failures the test controls; every healthy read moves CPU load.</summary>
internal sealed class FakeHost(string name, params VmSnapshot[] vms) : IHyperVHost
{
    private readonly Lock _gate = new();
    private VmSnapshot[] _vms = vms;
    private FakeHostMode _mode;
    private int _reads;

    public string Name { get; } = name;

    public int Reads => Volatile.Read(ref _reads);

    public FakeHostMode Mode
    {
        get { lock (_gate) { return _mode; } }
        set { lock (_gate) { _mode = value; } }
    }

    public void SetVms(params VmSnapshot[] vms)
    {
        lock (_gate)
        {
            _vms = vms;
        }
    }

    public Task<HostInventory> GetInventoryAsync(CancellationToken cancellationToken = default)
    {
        var read = Interlocked.Increment(ref _reads);
        lock (_gate)
        {
            return _mode switch
            {
                FakeHostMode.Hung => new TaskCompletionSource<HostInventory>().Task,
                FakeHostMode.Down => Task.FromException<HostInventory>(
                    new HostOperationException(HostErrorKind.Unreachable, Name, "Read inventory", "Connection refused")),
                FakeHostMode.RejectsCredentials => Task.FromException<HostInventory>(
                    new HostOperationException(HostErrorKind.AuthenticationFailed, Name, "Read inventory", "Access is denied.")),
                _ => Task.FromResult(new HostInventory(
                    InventoryData.Facts(Name),
                    // Every read changes something real (memory assigned; CPU alone would be a metric, not a change).
                    [.. _vms.Select(vm => vm with { CpuUsagePercent = read % 100, MemoryAssignedBytes = (4L << 30) + ((read % 100) << 20) })],
                    DateTimeOffset.UtcNow)),
            };
        }
    }

    public Task<HostFacts> GetHostFactsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> GetVmAsync(Guid vmId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> SetNestedVirtualizationAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> StartVmAsync(Guid vmId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> StopVmAsync(Guid vmId, StopMode mode, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> SetMacAddressSpoofingAsync(Guid vmId, string? adapterName, bool enabled, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> SetDynamicMemoryAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default) => throw new NotSupportedException();


    public Task<VmSnapshot> SuspendVmAsync(Guid vmId, CancellationToken cancellationToken = default) => throw new NotSupportedException();


    public Task<VmSnapshot> ResumeVmAsync(Guid vmId, CancellationToken cancellationToken = default) => throw new NotSupportedException();


    public Task<VmSnapshot> RestartVmAsync(Guid vmId, CancellationToken cancellationToken = default) => throw new NotSupportedException();


    public Task<VmSnapshot> RemoveSavedStateAsync(Guid vmId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> UpdateVmVersionAsync(Guid vmId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> SetStartupMemoryAsync(Guid vmId, long startupBytes, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> SetProcessorCountAsync(Guid vmId, long count, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmCheckpoints> GetCheckpointsAsync(Guid vmId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> CreateCheckpointAsync(Guid vmId, string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> ApplyCheckpointAsync(Guid vmId, Guid checkpointId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> RemoveCheckpointAsync(Guid vmId, Guid checkpointId, bool includeChildren, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
