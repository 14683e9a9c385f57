using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>
/// Set-VMProcessor's documented parameters beyond -Count and -ExposeVirtualizationExtensions: kept in the VM's
/// StoredSettings ("Processor.Reserve", ...) and shown by Get-VMProcessor where its output has the property. Like Hyper-V,
/// the resource controls (-Reserve, -Maximum, -RelativeWeight, -ResourcePoolName) change a running VM, the rest only an Off one.
/// </summary>
public sealed partial class SetVMProcessorCommand
{
    private static readonly string[] Unmodelled =
    [
        "CompatibilityForMigrationEnabled", "CompatibilityForOlderOperatingSystemsEnabled", "HwThreadCountPerCore", "Maximum", "Reserve",
        "RelativeWeight", "MaximumCountPerNumaNode", "MaximumCountPerNumaSocket", "ResourcePoolName", "Perfmon", "EnableHostResourceProtection",
    ];

    private static readonly string[] OffOnly =
    [
        "CompatibilityForOlderOperatingSystemsEnabled", "HwThreadCountPerCore", "MaximumCountPerNumaNode", "MaximumCountPerNumaSocket",
        "Perfmon", "EnableHostResourceProtection",
    ];

    [Parameter]
    public bool? CompatibilityForOlderOperatingSystemsEnabled { get; set; }

    [Parameter]
    [ValidateRange(0, 8)]
    public long? HwThreadCountPerCore { get; set; }

    /// <summary>The limit, in percent of the VM's processors.</summary>
    [Parameter]
    [ValidateRange(0, 100)]
    public long? Maximum { get; set; }

    /// <summary>The reserve, in percent of the VM's processors.</summary>
    [Parameter]
    [ValidateRange(0, 100)]
    public long? Reserve { get; set; }

    [Parameter]
    [ValidateRange(1, 10000)]
    public int? RelativeWeight { get; set; }

    [Parameter]
    public int? MaximumCountPerNumaNode { get; set; }

    [Parameter]
    public int? MaximumCountPerNumaSocket { get; set; }

    [Parameter]
    public string? ResourcePoolName { get; set; }

    /// <summary>
    /// The performance-monitoring hardware to expose: pmu, pebs, lbr, ipt. Documented as a String, but its own example
    /// (-Perfmon pmu,pebs,lbr) passes a list, so a list (or comma-separated text) is accepted.
    /// </summary>
    [Parameter]
    public string[]? Perfmon { get; set; }

    [Parameter]
    public bool? EnableHostResourceProtection { get; set; }

    /// <summary>Hyper-V's refusal of the documented settings: hardware settings of a VM that is not Off, a reserve above the limit.</summary>
    private VmOutcome<HyperV.VMProcessor>? DocumentedRefusal(SimulatedVm vm, VMState state)
    {
        if (state != VMState.Off && OffOnly.Any(p => Changes(vm, p)))
        {
            return VmStateError<HyperV.VMProcessor>(vm, "modify device 'Processor'", state);
        }

        var reserve = Reserve ?? vm.StoredSettings.Number("Processor.Reserve", 0);
        var maximum = Maximum ?? vm.StoredSettings.Number("Processor.Maximum", 100);
        if (reserve > maximum)
        {
            return VmOutcome<HyperV.VMProcessor>.Fail(Error(
                $"'{vm.Name}' failed to modify device 'Processor'. The virtual machine reserve ({reserve}%) cannot be greater than the virtual machine limit ({maximum}%).",
                "InvalidParameter,SetVMProcessorCommand",
                ErrorCategory.InvalidArgument,
                vm.Name));
        }

        if (Perfmon is { } perfmon && perfmon.SelectMany(p => p.Split(',', StringSplitOptions.TrimEntries)).FirstOrDefault(f => f is not ("pmu" or "pebs" or "lbr" or "ipt")) is { } unknown)
        {
            return VmOutcome<HyperV.VMProcessor>.Fail(Error(
                $"'{vm.Name}' failed to modify device 'Processor'. '{unknown}' is not a performance-monitoring feature (pmu, pebs, lbr, ipt).",
                "InvalidParameter,SetVMProcessorCommand",
                ErrorCategory.InvalidArgument,
                vm.Name));
        }

        return null;
    }

    private bool Changes(SimulatedVm vm, string parameter) =>
        MyInvocation.BoundParameters.TryGetValue(parameter, out var value) &&
        !(vm.StoredSettings.TryGetValue("Processor." + parameter, out var stored) && stored == Invariant(value));

    private void StoreDocumented(SimulatedVm vm) => StoreBound(vm.StoredSettings, "Processor.", Unmodelled);
}

/// <summary>
/// Set-VMMemory's documented parameters beyond startup, minimum, maximum and dynamic memory: kept in the VM's
/// StoredSettings ("Memory.Buffer", ...) and shown by Get-VMMemory (Buffer, Priority). -Buffer and -Priority change a
/// running VM; -MaximumAmountPerNumaNodeBytes needs it Off.
/// </summary>
public sealed partial class SetVMMemoryCommand
{
    private static readonly string[] Unmodelled = ["Buffer", "Priority", "MaximumAmountPerNumaNodeBytes", "ResourcePoolName"];

    /// <summary>The memory buffer, in percent.</summary>
    [Parameter]
    [ValidateRange(5, 2000)]
    public int? Buffer { get; set; }

    [Parameter]
    [ValidateRange(0, 100)]
    public int? Priority { get; set; }

    [Parameter]
    public long? MaximumAmountPerNumaNodeBytes { get; set; }

    [Parameter]
    public string? ResourcePoolName { get; set; }

    private VmOutcome<HyperV.VMMemory>? DocumentedRefusal(SimulatedVm vm, VMState state)
    {
        if (state != VMState.Off && MaximumAmountPerNumaNodeBytes is { } perNode &&
            vm.StoredSettings.Number("Memory.MaximumAmountPerNumaNodeBytes", -1) != perNode)
        {
            return VmStateError<HyperV.VMMemory>(vm, "modify device 'Memory'", state);
        }

        return null;
    }

    private void StoreDocumented(SimulatedVm vm) => StoreBound(vm.StoredSettings, "Memory.", Unmodelled);
}
