using System.Globalization;
using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>
/// Checkpoint-VM: a checkpoint of the VM's disks (and memory, for a standard checkpoint of a running, paused or saved VM), under
/// the checkpoint the VM runs from, which it then runs from. Its type follows the VM's CheckpointType: Production uses the guest's
/// backup service, which needs a running guest with integration services or a VM that is Off, and falls back to Standard
/// otherwise; ProductionOnly fails instead; Disabled refuses.
/// </summary>
[Cmdlet("Checkpoint", "VM", DefaultParameterSetName = "Name", SupportsShouldProcess = true)]
[OutputType(typeof(VMSnapshot))]
public sealed class CheckpointVMCommand : VmTargetCmdlet
{
    [Parameter(Position = 1)]
    [Alias("CheckpointName")]
    public string? SnapshotName { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var target in Targets())
        {
            if (!ShouldProcess(target.Name, "Checkpoint-VM"))
            {
                continue;
            }

            var outcome = ChangeVm(target, (vm, host, now) => Take(vm, host, now));
            if (Passthru && outcome.Value is { } snapshot)
            {
                Emit(snapshot, TypeNames.VMSnapshot);
            }
        }
    }

    private VmOutcome<VMSnapshot> Take(SimulatedVm vm, SimulatedHost host, DateTimeOffset now)
    {
        var state = vm.StateAt(now);
        if (state is not (VMState.Running or VMState.Off or VMState.Saved or VMState.Paused))
        {
            return VmStateError<VMSnapshot>(vm, "create checkpoint", state);
        }

        if (vm.CheckpointType is CheckpointType.Disabled)
        {
            return VmOutcome<VMSnapshot>.Fail(Error(
                $"Checkpoint operation failed for '{vm.Name}'. Checkpoints are disabled for '{vm.Name}'. (Virtual machine ID {Id(vm)})",
                "OperationFailed,CheckpointVMCommand", ErrorCategory.InvalidOperation, vm.Name));
        }

        // The guest's backup (VSS) integration answers only in a running guest that has integration services; an Off VM's disks need no guest.
        var productionPossible = state is VMState.Off || (state is VMState.Running && vm.GuestShutdownIntegration && vm.GuestOsName is not null);
        var production = vm.CheckpointType is CheckpointType.Production or CheckpointType.ProductionOnly && productionPossible;
        if (vm.CheckpointType is CheckpointType.ProductionOnly && !production)
        {
            return VmOutcome<VMSnapshot>.Fail(Error(
                $"Checkpoint operation failed for '{vm.Name}'. Production checkpoints cannot be created for '{vm.Name}'. (Virtual machine ID {Id(vm)}) The guest's backup integration service is not available in the state {state}.",
                "OperationFailed,CheckpointVMCommand", ErrorCategory.InvalidOperation, vm.Name));
        }

        var checkpoint = new SimulatedCheckpoint
        {
            Id = Guid.NewGuid(),
            Name = string.IsNullOrEmpty(SnapshotName)
                ? $"{vm.Name} - ({now.ToLocalTime().ToString("M/d/yyyy - h:mm:ss tt", CultureInfo.InvariantCulture)})"
                : SnapshotName,
            ParentId = vm.ParentCheckpointId,
            SnapshotType = production ? SnapshotType.Production : SnapshotType.Standard,
            CreationTime = now,
            HoldsMemory = !production && state is not VMState.Off,
            Settings = CheckpointSettings.Of(vm),
        };
        vm.Checkpoints.Add(checkpoint);
        vm.ParentCheckpointId = checkpoint.Id;
        return VmOutcome<VMSnapshot>.Ok(VMSnapshot.From(checkpoint, vm, host));
    }

    internal static string Id(SimulatedVm vm) => vm.Id.ToString().ToUpperInvariant();
}

/// <summary>
/// Restore-VMSnapshot: the VM's current state is discarded (Hyper-V stops a running or paused VM first) and it comes back as the
/// checkpoint left it — Saved when the checkpoint holds memory, Off otherwise — with the checkpoint's settings, running from it.
/// Refused while the VM is between states.
/// </summary>
[Cmdlet(VerbsData.Restore, "VMSnapshot", DefaultParameterSetName = "SnapshotName", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[Alias("Restore-VMCheckpoint")]
[OutputType(typeof(VMSnapshot))]
public sealed class RestoreVMSnapshotCommand : SimulatorCmdlet
{
    [Parameter(ParameterSetName = "SnapshotName", Position = 0, Mandatory = true)]
    [Parameter(ParameterSetName = "VM", Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter(ParameterSetName = "SnapshotName", Position = 1, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? VMName { get; set; }

    [Parameter(ParameterSetName = "SnapshotObject", Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [Alias("VMCheckpoint")]
    public VMSnapshot? VMSnapshot { get; set; }

    [Parameter(ParameterSetName = "VM", Position = 0, Mandatory = true, ValueFromPipeline = true)]
    public VirtualMachine? VM { get; set; }

    [Parameter(ParameterSetName = "SnapshotName")]
    public string[]? ComputerName { get; set; }

    [Parameter(ParameterSetName = "SnapshotName")]
    public PSCredential[]? Credential { get; set; }

    /// <summary>A CIM session (or a computer name): like -ComputerName, it may only name this host.</summary>
    [Parameter(ParameterSetName = "SnapshotName")]
    public object[]? CimSession { get; set; }

    /// <summary>Runs the change, then returns a finished job holding what -Passthru writes.</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    [Parameter]
    public SwitchParameter Passthru { get; set; }

    protected override void ProcessRecord()
    {
        var (target, checkpointName, checkpointId) = VMSnapshot is { } snapshot
            ? (new VmRef(snapshot.VMId, snapshot.VMName), snapshot.Name, (Guid?)snapshot.Id)
            : (ResolveVms(VM is null ? [VMName!] : null, VM is null ? null : [VM]).FirstOrDefault(), Name!, null);
        if (target == default || !ShouldProcess(checkpointName, $"Restore-VMSnapshot will restore checkpoint \"{checkpointName}\""))
        {
            return;
        }

        var outcome = ChangeVm(target, (vm, host, now) =>
        {
            var matches = vm.Checkpoints.Where(c => checkpointId is { } id ? c.Id == id : string.Equals(c.Name, checkpointName, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count != 1)
            {
                return VmOutcome<VMSnapshot>.Fail(Error(
                    matches.Count == 0
                        ? $"Hyper-V was unable to find a checkpoint named \"{checkpointName}\" for virtual machine '{vm.Name}'."
                        : $"'{vm.Name}' has more than one checkpoint named \"{checkpointName}\"; pass the checkpoint object (Get-VMSnapshot) instead.",
                    "InvalidParameter,RestoreVMSnapshotCommand", ErrorCategory.InvalidArgument, checkpointName));
            }

            var state = vm.StateAt(now);
            if (state is not (VMState.Running or VMState.Off or VMState.Saved or VMState.Paused))
            {
                return VmStateError<VMSnapshot>(vm, "apply checkpoint", state);
            }

            var checkpoint = matches[0];
            checkpoint.Settings?.ApplyTo(vm);
            vm.ParentCheckpointId = checkpoint.Id;
            var end = checkpoint.HoldsMemory ? VMState.Saved : VMState.Off;
            if (state is VMState.Running or VMState.Paused)
            {
                // Hyper-V stops the running VM (its state is discarded) before it applies the checkpoint.
                vm.BeginTransition(VMState.Stopping, end, now, host.Timing.StopDuration / 4);
            }
            else
            {
                vm.SettleIn(end);
                vm.RunningSince = null;
            }

            return new VmOutcome<VMSnapshot>(VMSnapshot.From(checkpoint, vm, host), WaitUntil: vm.TransitionEndsAt);
        });
        if (outcome.WaitUntil is { } until)
        {
            WaitUntil(until);
        }

        if (Passthru && outcome.Value is { } restored)
        {
            Emit(restored, TypeNames.VMSnapshot);
        }
    }
}

/// <summary>
/// Remove-VMSnapshot: deletes checkpoints in any power state (Hyper-V merges their disks live). One checkpoint's children move up
/// to its parent, and a VM that ran from it runs from its parent; with -IncludeAllChildSnapshots every checkpoint under it goes too.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "VMSnapshot", DefaultParameterSetName = "SnapshotName", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[Alias("Remove-VMCheckpoint")]
[OutputType(typeof(VirtualMachine))]
public sealed class RemoveVMSnapshotCommand : SimulatorCmdlet
{
    [Parameter(ParameterSetName = "SnapshotName", Position = 0, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string[]? VMName { get; set; }

    [Parameter(ParameterSetName = "VMObject", Position = 0, Mandatory = true, ValueFromPipeline = true)]
    public VirtualMachine[]? VM { get; set; }

    [Parameter(ParameterSetName = "SnapshotName", Position = 1)]
    [Parameter(ParameterSetName = "VMObject", Position = 1)]
    public string[]? Name { get; set; }

    [Parameter(ParameterSetName = "SnapshotObject", Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [Alias("VMCheckpoint")]
    public VMSnapshot[]? VMSnapshot { get; set; }

    [Parameter]
    [Alias("IncludeAllChildCheckpoints")]
    public SwitchParameter IncludeAllChildSnapshots { get; set; }

    [Parameter(ParameterSetName = "SnapshotName")]
    public string[]? ComputerName { get; set; }

    [Parameter(ParameterSetName = "SnapshotName")]
    public PSCredential[]? Credential { get; set; }

    /// <summary>A CIM session (or a computer name): like -ComputerName, it may only name this host.</summary>
    [Parameter(ParameterSetName = "SnapshotName")]
    public object[]? CimSession { get; set; }

    /// <summary>Runs the change, then returns a finished job holding what -Passthru writes.</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    [Parameter]
    public SwitchParameter Passthru { get; set; }

    protected override void ProcessRecord()
    {
        var picks = VMSnapshot is { } snapshots
            ? snapshots.Select(s => (Vm: new VmRef(s.VMId, s.VMName), Id: (Guid?)s.Id, Label: s.Name)).ToList()
            : ResolveVms(VMName, VM).Select(vm => (Vm: vm, Id: (Guid?)null, Label: Name is null ? "*" : string.Join(", ", Name))).ToList();
        foreach (var (vmRef, id, label) in picks)
        {
            if (!ShouldProcess(label, "Remove-VMSnapshot"))
            {
                continue;
            }

            var outcome = ChangeVm(vmRef, (vm, host, now) =>
            {
                var chosen = id is { } one
                    ? vm.Checkpoints.Where(c => c.Id == one).ToList()
                    : vm.Checkpoints.Where(c => Name is null || Name.Any(n => NameMatches(n, c.Name))).ToList();
                if (chosen.Count == 0 && (id is not null || Name?.Any(n => !IsWildcard(n)) == true))
                {
                    return VmOutcome<VirtualMachine>.Fail(Error(
                        $"Hyper-V was unable to find a checkpoint named \"{label}\" for virtual machine '{vm.Name}'.",
                        "InvalidParameter,RemoveVMSnapshotCommand", ErrorCategory.ObjectNotFound, label));
                }

                foreach (var checkpoint in chosen.Where(c => vm.Checkpoints.Contains(c)))
                {
                    Remove(vm, checkpoint, IncludeAllChildSnapshots);
                }

                return VmOutcome<VirtualMachine>.Ok(VirtualMachine.From(vm, host, now));
            });
            if (Passthru && outcome.Value is { } machine)
            {
                Emit(machine, TypeNames.VirtualMachine);
            }
        }
    }

    private static void Remove(SimulatedVm vm, SimulatedCheckpoint checkpoint, bool withChildren)
    {
        var gone = new HashSet<Guid> { checkpoint.Id };
        if (withChildren)
        {
            for (var grew = true; grew;)
            {
                grew = false;
                foreach (var child in vm.Checkpoints.Where(c => c.ParentId is { } p && gone.Contains(p) && !gone.Contains(c.Id)).ToList())
                {
                    grew = gone.Add(child.Id);
                }
            }
        }
        else
        {
            // Its children now hang from its parent: their disks were merged with it.
            foreach (var child in vm.Checkpoints.Where(c => c.ParentId == checkpoint.Id))
            {
                child.ParentId = checkpoint.ParentId;
            }
        }

        if (vm.ParentCheckpointId is { } current && gone.Contains(current))
        {
            vm.ParentCheckpointId = checkpoint.ParentId;
        }

        vm.Checkpoints.RemoveAll(c => gone.Contains(c.Id));
    }
}
