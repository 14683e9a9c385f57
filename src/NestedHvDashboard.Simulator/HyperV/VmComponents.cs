using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.HyperV;

/// <summary>Get-VMProcessor's output (Microsoft.HyperV.PowerShell.VMProcessor).</summary>
public sealed class VMProcessor
{
    public required string VMName { get; init; }

    public Guid VMId { get; init; }

    public required string ComputerName { get; init; }

    public string Name { get; init; } = "Processor";

    public long Count { get; init; }

    public bool ExposeVirtualizationExtensions { get; init; }

    public bool CompatibilityForMigrationEnabled { get; init; }

    public long Maximum { get; init; } = 100;

    public long Reserve { get; init; }

    public int RelativeWeight { get; init; } = 100;

    public long? HwThreadCountPerCore { get; init; } = 1;

    internal static VMProcessor From(SimulatedVm vm, SimulatedHost host) => new()
    {
        VMName = vm.Name,
        VMId = vm.Id,
        ComputerName = host.Name,
        Count = vm.ProcessorCount,
        ExposeVirtualizationExtensions = vm.ExposeVirtualizationExtensions,
        CompatibilityForMigrationEnabled = vm.StoredSettings.Flag("Processor.CompatibilityForMigrationEnabled", false),
        Maximum = vm.StoredSettings.Number("Processor.Maximum", 100),
        Reserve = vm.StoredSettings.Number("Processor.Reserve", 0),
        RelativeWeight = (int)vm.StoredSettings.Number("Processor.RelativeWeight", 100),
        HwThreadCountPerCore = vm.StoredSettings.Number("Processor.HwThreadCountPerCore", 1),
    };
}

/// <summary>Get-VMMemory's output (Microsoft.HyperV.PowerShell.VMMemory).</summary>
public sealed class VMMemory
{
    public required string VMName { get; init; }

    public Guid VMId { get; init; }

    public required string ComputerName { get; init; }

    public string Name { get; init; } = "Memory";

    public bool DynamicMemoryEnabled { get; init; }

    public long Startup { get; init; }

    public long Minimum { get; init; }

    public long Maximum { get; init; }

    public int Buffer { get; init; } = 20;

    public int Priority { get; init; } = 50;

    internal static VMMemory From(SimulatedVm vm, SimulatedHost host) => new()
    {
        VMName = vm.Name,
        VMId = vm.Id,
        ComputerName = host.Name,
        DynamicMemoryEnabled = vm.DynamicMemoryEnabled,
        Startup = vm.MemoryStartupBytes,
        Minimum = vm.MemoryMinimumBytes,
        Maximum = vm.MemoryMaximumBytes,
        Buffer = (int)vm.StoredSettings.Number("Memory.Buffer", 20),
        Priority = (int)vm.StoredSettings.Number("Memory.Priority", 50),
    };
}

/// <summary>Get-VMNetworkAdapter's output (Microsoft.HyperV.PowerShell.VMNetworkAdapter).</summary>
public sealed class VMNetworkAdapter
{
    public required string Name { get; init; }

    public required string Id { get; init; }

    public required string VMName { get; init; }

    public Guid VMId { get; init; }

    public string? SwitchName { get; init; }

    public required string MacAddress { get; init; }

    public bool DynamicMacAddressEnabled { get; init; } = true;

    public OnOffState MacAddressSpoofing { get; init; }

    public string[] IPAddresses { get; init; } = [];

    public bool IsManagementOs { get; init; }

    public required string ComputerName { get; init; }

    public string Status { get; init; } = "Ok";

    internal static VMNetworkAdapter From(SimulatedVmNetworkAdapter adapter, SimulatedVm vm, SimulatedHost host) => new()
    {
        Name = adapter.Name,
        Id = $@"Microsoft:{vm.Id.ToString().ToUpperInvariant()}\{adapter.Id.ToString().ToUpperInvariant()}",
        VMName = vm.Name,
        VMId = vm.Id,
        SwitchName = adapter.SwitchName,
        MacAddress = adapter.MacAddress,
        DynamicMacAddressEnabled = adapter.StoredSettings.Flag("DynamicMacAddressEnabled", true),
        MacAddressSpoofing = adapter.MacAddressSpoofing ? OnOffState.On : OnOffState.Off,
        IPAddresses = vm.StateAt(DateTimeOffset.UtcNow) == VMState.Running ? [.. adapter.IPAddresses] : [],
        ComputerName = host.Name,
    };

    public override string ToString() => $"VMNetworkAdapter (Name = '{Name}', VMName = '{VMName}') [VMId = '{VMId}']";
}

/// <summary>Get-VMSnapshot's output (Microsoft.HyperV.PowerShell.VMSnapshot).</summary>
public sealed class VMSnapshot
{
    public required string Name { get; init; }

    public Guid Id { get; init; }

    public required string VMName { get; init; }

    public Guid VMId { get; init; }

    public SnapshotType SnapshotType { get; init; }

    public DateTime CreationTime { get; init; }

    public Guid? ParentSnapshotId { get; init; }

    public string? ParentSnapshotName { get; init; }

    public VMState State { get; init; } = VMState.Off;

    public required string ComputerName { get; init; }

    internal static VMSnapshot From(SimulatedCheckpoint checkpoint, SimulatedVm vm, SimulatedHost host) => new()
    {
        Name = checkpoint.Name,
        Id = checkpoint.Id,
        VMName = vm.Name,
        VMId = vm.Id,
        SnapshotType = checkpoint.SnapshotType,
        CreationTime = checkpoint.CreationTime.UtcDateTime,
        ParentSnapshotId = checkpoint.ParentId,
        ParentSnapshotName = checkpoint.ParentId is { } p ? vm.Checkpoints.Find(c => c.Id == p)?.Name : null,
        ComputerName = host.Name,
    };
}
