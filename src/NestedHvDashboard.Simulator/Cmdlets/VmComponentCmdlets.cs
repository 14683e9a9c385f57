using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>Shared parameters of the cmdlets that act on a part of a VM: -VMName or -VM from the pipeline (<see cref="VmPipelineCmdlet"/>).</summary>
public abstract class VmComponentCmdlet : VmPipelineCmdlet
{
    [Parameter(ParameterSetName = "VMName", Position = 0, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string[]? VMName { get; set; }

    internal List<VmRef> Targets() => ResolveVms(VMName, VM);

    /// <summary>The checkpoint's VM when one is given, else the VMs named or piped.</summary>
    internal List<VmRef> SnapshotOrTargets(VMSnapshot? snapshot) => snapshot is null ? Targets() : [new VmRef(snapshot.VMId, snapshot.VMName)];

    /// <summary><paramref name="vm"/> with the settings <paramref name="snapshot"/> holds (a copy), or <paramref name="vm"/> itself.</summary>
    internal static SimulatedVm AsOf(SimulatedVm vm, VMSnapshot? snapshot)
    {
        if (snapshot is null || vm.Checkpoints.Find(c => c.Id == snapshot.Id)?.Settings is not { } settings)
        {
            return vm;
        }

        var copy = vm.Clone();
        settings.ApplyTo(copy);
        return copy;
    }

    /// <summary>Reads one object per target VM.</summary>
    internal List<T> ReadEach<T>(IEnumerable<VmRef> targets, Func<SimulatedVm, SimulatedHost, IEnumerable<T>> read) =>
        Sim.Read(h => targets.Select(t => h.Vms.Find(v => v.Id == t.Id)).OfType<SimulatedVm>().SelectMany(v => read(v, h)).ToList());
}

/// <summary>Get-VMProcessor.</summary>
[Cmdlet(VerbsCommon.Get, "VMProcessor", DefaultParameterSetName = "VMName")]
[OutputType(typeof(VMProcessor))]
public sealed class GetVMProcessorCommand : VmComponentCmdlet
{
    /// <summary>A checkpoint: the processor settings it holds.</summary>
    [Parameter(ParameterSetName = "VMSnapshot", Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [Alias("VMCheckpoint")]
    [ValidateNotNull]
    public VMSnapshot? VMSnapshot { get; set; }

    protected override void ProcessRecord() =>
        EmitAll(ReadEach<VMProcessor>(SnapshotOrTargets(VMSnapshot), (vm, h) => [VMProcessor.From(AsOf(vm, VMSnapshot), h)]), TypeNames.VMProcessor);
}

/// <summary>Set-VMProcessor: -Count and -ExposeVirtualizationExtensions need the VM Off.</summary>
[Cmdlet(VerbsCommon.Set, "VMProcessor", DefaultParameterSetName = "VMName", SupportsShouldProcess = true)]
[OutputType(typeof(VMProcessor))]
public sealed partial class SetVMProcessorCommand : VmComponentCmdlet
{
    /// <summary>Hyper-V's per-VM ceiling for generation 2 VMs.</summary>
    private const long MaxProcessorsGeneration2 = 240;

    [Parameter(ParameterSetName = "VMProcessor", Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public VMProcessor[]? VMProcessor { get; set; }

    [Parameter]
    public long? Count { get; set; }

    [Parameter]
    public bool? ExposeVirtualizationExtensions { get; set; }

    [Parameter]
    public bool? CompatibilityForMigrationEnabled { get; set; }

    [Parameter]
    public SwitchParameter Passthru { get; set; }

    protected override void ProcessRecord()
    {
        var targets = VMProcessor is null ? Targets() : VMProcessor.Select(p => new VmRef(p.VMId, p.VMName)).ToList();
        foreach (var target in targets)
        {
            if (!ShouldProcess(target.Name, "Set-VMProcessor"))
            {
                continue;
            }

            var outcome = ChangeVm(target, (vm, host, now) =>
            {
                var state = vm.StateAt(now);
                if (DocumentedRefusal(vm, state) is { } refused)
                {
                    return refused;
                }

                var changesHardware = (Count is { } c && c != vm.ProcessorCount) ||
                    (ExposeVirtualizationExtensions is { } e && e != vm.ExposeVirtualizationExtensions) ||
                    CompatibilityForMigrationEnabled is not null;
                if (changesHardware && state != VMState.Off)
                {
                    return VmStateError<HyperV.VMProcessor>(vm, "modify device 'Processor'", state);
                }

                if (Count is { } count)
                {
                    var ceiling = Math.Min(host.Profile.LogicalProcessors, vm.Generation == 2 ? MaxProcessorsGeneration2 : 64);
                    if (count < 1 || count > ceiling)
                    {
                        return VmOutcome<HyperV.VMProcessor>.Fail(Error(
                            $"'{vm.Name}' failed to modify device 'Processor'. The number of virtual processors ({count}) must be between 1 and {ceiling} on this host.",
                            "InvalidParameter,SetVMProcessorCommand",
                            ErrorCategory.InvalidArgument,
                            vm.Name));
                    }

                    vm.ProcessorCount = count;
                }

                if (ExposeVirtualizationExtensions is { } expose)
                {
                    vm.ExposeVirtualizationExtensions = expose;
                }

                StoreDocumented(vm);
                return VmOutcome<HyperV.VMProcessor>.Ok(HyperV.VMProcessor.From(vm, host));
            });
            if (Passthru && outcome.Value is { } processor)
            {
                Emit(processor, TypeNames.VMProcessor);
            }
        }
    }
}

/// <summary>Get-VMMemory.</summary>
[Cmdlet(VerbsCommon.Get, "VMMemory", DefaultParameterSetName = "VMName")]
[OutputType(typeof(VMMemory))]
public sealed class GetVMMemoryCommand : VmComponentCmdlet
{
    /// <summary>A checkpoint: the memory settings it holds.</summary>
    [Parameter(ParameterSetName = "VMSnapshot", Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [Alias("VMCheckpoint")]
    [ValidateNotNull]
    public VMSnapshot? VMSnapshot { get; set; }

    protected override void ProcessRecord() =>
        EmitAll(ReadEach<VMMemory>(SnapshotOrTargets(VMSnapshot), (vm, h) => [VMMemory.From(AsOf(vm, VMSnapshot), h)]), TypeNames.VMMemory);
}

/// <summary>Set-VMMemory: dynamic memory needs the VM Off; startup memory of a running VM only without dynamic memory.</summary>
[Cmdlet(VerbsCommon.Set, "VMMemory", DefaultParameterSetName = "VMName", SupportsShouldProcess = true)]
[OutputType(typeof(VMMemory))]
public sealed partial class SetVMMemoryCommand : VmComponentCmdlet
{
    private const long TwoMegabytes = 2 * 1024 * 1024;

    [Parameter(ParameterSetName = "ResourceObject", Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public VMMemory[]? VMMemory { get; set; }

    [Parameter]
    public bool? DynamicMemoryEnabled { get; set; }

    [Parameter]
    public long? StartupBytes { get; set; }

    [Parameter]
    public long? MinimumBytes { get; set; }

    [Parameter]
    public long? MaximumBytes { get; set; }

    [Parameter]
    public SwitchParameter Passthru { get; set; }

    protected override void ProcessRecord()
    {
        var targets = VMMemory is null ? Targets() : VMMemory.Select(m => new VmRef(m.VMId, m.VMName)).ToList();
        foreach (var target in targets)
        {
            if (!ShouldProcess(target.Name, "Set-VMMemory"))
            {
                continue;
            }

            var outcome = ChangeVm(target, (vm, host, now) =>
            {
                var state = vm.StateAt(now);
                if (DocumentedRefusal(vm, state) is { } refused)
                {
                    return refused;
                }

                var dynamic = DynamicMemoryEnabled ?? vm.DynamicMemoryEnabled;
                if (state != VMState.Off &&
                    ((DynamicMemoryEnabled is { } d && d != vm.DynamicMemoryEnabled) || (StartupBytes is not null && dynamic) || MinimumBytes is not null))
                {
                    return VmStateError<HyperV.VMMemory>(vm, "modify device 'Memory'", state);
                }

                foreach (var bytes in new[] { StartupBytes, MinimumBytes, MaximumBytes })
                {
                    if (bytes is { } b && (b <= 0 || b % TwoMegabytes != 0 || b > host.Profile.MemoryBytes * 4))
                    {
                        return VmOutcome<HyperV.VMMemory>.Fail(Error(
                            $"'{vm.Name}' failed to modify device 'Memory'. The memory value {b} must be a positive multiple of 2 MB.",
                            "InvalidParameter,SetVMMemoryCommand",
                            ErrorCategory.InvalidArgument,
                            vm.Name));
                    }
                }

                var startup = StartupBytes ?? vm.MemoryStartupBytes;
                var minimum = MinimumBytes ?? vm.MemoryMinimumBytes;
                var maximum = MaximumBytes ?? vm.MemoryMaximumBytes;
                if (dynamic && (minimum > startup || startup > maximum))
                {
                    return VmOutcome<HyperV.VMMemory>.Fail(Error(
                        $"'{vm.Name}' failed to modify device 'Memory'. With dynamic memory, minimum ({minimum}) <= startup ({startup}) <= maximum ({maximum}) must hold.",
                        "InvalidParameter,SetVMMemoryCommand",
                        ErrorCategory.InvalidArgument,
                        vm.Name));
                }

                vm.DynamicMemoryEnabled = dynamic;
                vm.MemoryStartupBytes = startup;
                vm.MemoryMinimumBytes = minimum;
                vm.MemoryMaximumBytes = maximum;
                StoreDocumented(vm);
                return VmOutcome<HyperV.VMMemory>.Ok(HyperV.VMMemory.From(vm, host));
            });
            if (Passthru && outcome.Value is { } memory)
            {
                Emit(memory, TypeNames.VMMemory);
            }
        }
    }
}
