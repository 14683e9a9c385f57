using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.HyperV;

/// <summary>Get-VM's output (Microsoft.HyperV.PowerShell.VirtualMachine), the properties a caller reads.</summary>
public sealed class VirtualMachine
{
    public required string Name { get; init; }

    public Guid Id { get; init; }

    public Guid VMId => Id;

    public string VMName => Name;

    public VMState State { get; init; }

    public int CPUUsage { get; init; }

    public long MemoryAssigned { get; init; }

    public long MemoryDemand { get; init; }

    public long MemoryStartup { get; init; }

    public long MemoryMinimum { get; init; }

    public long MemoryMaximum { get; init; }

    public bool DynamicMemoryEnabled { get; init; }

    public TimeSpan Uptime { get; init; }

    public string Status { get; init; } = "Operating normally";

    public string Version { get; init; } = "";

    public int Generation { get; init; }

    public long ProcessorCount { get; init; }

    public Guid? ParentSnapshotId { get; init; }

    public string? ParentSnapshotName { get; init; }

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
            ComputerName = host.Name,
            Notes = vm.Notes,
            Path = $@"C:\ProgramData\Microsoft\Windows\Hyper-V\Virtual Machines\{vm.Id.ToString().ToUpperInvariant()}",
            CreationTime = vm.CreationTime.UtcDateTime,
            NetworkAdapters = vm.NetworkAdapters.Select(a => VMNetworkAdapter.From(a, vm, host)).ToArray(),
        };
    }

    public override string ToString() => $"VirtualMachine (Name = '{Name}') [Id = '{Id}']";
}
