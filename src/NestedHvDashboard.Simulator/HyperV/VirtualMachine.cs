using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.HyperV;

/// <summary>Get-VM's output (Microsoft.HyperV.PowerShell.VirtualMachine), the properties a caller reads.</summary>
/// <remarks>
/// ProcessorCount, DynamicMemoryEnabled and the Memory* settings go back to WMI per VM on real
/// Hyper-V; with a cost model on the host, the first read of each on an object is charged
/// (<see cref="SimulatedHostCost.WmiPropertyRead"/>).
/// </remarks>
public sealed class VirtualMachine
{
    private readonly long _memoryStartup;
    private readonly long _memoryMinimum;
    private readonly long _memoryMaximum;
    private readonly bool _dynamicMemoryEnabled;
    private readonly long _processorCount;
    private int _read;

    internal SimulatedHostCost? Cost { get; init; }

    public required string Name { get; init; }

    public Guid Id { get; init; }

    public Guid VMId => Id;

    public string VMName => Name;

    public VMState State { get; init; }

    public int CPUUsage { get; init; }

    public long MemoryAssigned { get; init; }

    public long MemoryDemand { get; init; }

    public long MemoryStartup { get => Lazy(1, _memoryStartup); init => _memoryStartup = value; }

    public long MemoryMinimum { get => Lazy(2, _memoryMinimum); init => _memoryMinimum = value; }

    public long MemoryMaximum { get => Lazy(4, _memoryMaximum); init => _memoryMaximum = value; }

    public bool DynamicMemoryEnabled { get => Lazy(8, _dynamicMemoryEnabled); init => _dynamicMemoryEnabled = value; }

    public TimeSpan Uptime { get; init; }

    public string Status { get; init; } = "Operating normally";

    public string Version { get; init; } = "";

    public int Generation { get; init; }

    public long ProcessorCount { get => Lazy(16, _processorCount); init => _processorCount = value; }

    public Guid? ParentSnapshotId { get; init; }

    public string? ParentSnapshotName { get; init; }

    public CheckpointType CheckpointType { get; init; } = CheckpointType.Production;

    public required string ComputerName { get; init; }

    public bool IsClustered { get; init; }

    public string Notes { get; init; } = "";

    public string Path { get; init; } = "";

    public string ConfigurationLocation => Path;

    public DateTime CreationTime { get; init; }

    public VMNetworkAdapter[] NetworkAdapters { get; init; } = [];

    internal static VirtualMachine From(SimulatedVm vm, SimulatedHost host, DateTimeOffset now)
    {
        var parent = vm.ParentCheckpointId is { } id ? vm.Checkpoints.Find(c => c.Id == id) : null;
        var assigned = VmMetrics.MemoryAssigned(vm, now);
        return new VirtualMachine
        {
            Name = vm.Name,
            Id = vm.Id,
            State = vm.StateAt(now),
            CPUUsage = VmMetrics.CpuUsage(vm, now),
            MemoryAssigned = assigned,
            MemoryDemand = vm.DynamicMemoryEnabled ? assigned * 9 / 10 : 0,
            MemoryStartup = vm.MemoryStartupBytes,
            MemoryMinimum = vm.MemoryMinimumBytes,
            MemoryMaximum = vm.MemoryMaximumBytes,
            DynamicMemoryEnabled = vm.DynamicMemoryEnabled,
            Uptime = VmMetrics.Uptime(vm, now),
            Version = vm.Version,
            Generation = vm.Generation,
            ProcessorCount = vm.ProcessorCount,
            ParentSnapshotId = parent?.Id,
            ParentSnapshotName = parent?.Name,
            CheckpointType = vm.CheckpointType,
            ComputerName = host.Name,
            Cost = host.Cost,
            IsClustered = vm.IsClustered,
            Notes = vm.Notes,
            Path = $@"C:\ProgramData\Microsoft\Windows\Hyper-V\Virtual Machines\{vm.Id.ToString().ToUpperInvariant()}",
            CreationTime = vm.CreationTime.UtcDateTime,
            NetworkAdapters = vm.NetworkAdapters.Select(a => VMNetworkAdapter.From(a, vm, host)).ToArray(),
        };
    }

    // The first read of a lazy property on this object is charged to the host's cost model.
    private T Lazy<T>(int bit, T value)
    {
        if (Cost is { } cost && (Interlocked.Or(ref _read, bit) & bit) == 0)
        {
            cost.ChargePropertyRead();
        }

        return value;
    }

    public override string ToString() => $"VirtualMachine (Name = '{Name}') [Id = '{Id}']";
}
