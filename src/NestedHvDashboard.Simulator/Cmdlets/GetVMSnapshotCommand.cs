using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>
/// Get-VMSnapshot: a VM's checkpoints (by -VMName, -VM or the VM's -Id), the immediate parent of a VM or checkpoint
/// (-ParentOf) or the immediate children of a checkpoint (-ChildOf), optionally narrowed by -Name and -SnapshotType.
/// </summary>
[Cmdlet(VerbsCommon.Get, "VMSnapshot", DefaultParameterSetName = "VMName")]
[Alias("Get-VMCheckpoint")]
[OutputType(typeof(VMSnapshot))]
public sealed class GetVMSnapshotCommand : VmComponentCmdlet
{
    [Parameter(ParameterSetName = "Id", Position = 0, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public Guid Id { get; set; }

    /// <summary>A VM (its current checkpoint) or a checkpoint (its parent).</summary>
    [Parameter(ParameterSetName = "Parent", Mandatory = true)]
    [ValidateNotNull]
    public PSObject? ParentOf { get; set; }

    [Parameter(ParameterSetName = "Child", Mandatory = true)]
    [ValidateNotNull]
    public VMSnapshot? ChildOf { get; set; }

    [Parameter(ParameterSetName = "VMName", Position = 1)]
    [Parameter(ParameterSetName = "VMObject", Position = 1)]
    [Parameter(ParameterSetName = "Parent", Position = 1)]
    [Parameter(ParameterSetName = "Child", Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter(ParameterSetName = "VMName")]
    [Parameter(ParameterSetName = "VMObject")]
    [Parameter(ParameterSetName = "Parent")]
    [Parameter(ParameterSetName = "Child")]
    [Alias("VMRecoveryCheckpoint")]
    public SnapshotType? SnapshotType { get; set; }

    protected override void ProcessRecord()
    {
        var (targets, pick) = ParameterSetName switch
        {
            "Id" => (Sim.Read(h => h.Vms.Where(v => v.Id == Id).Select(v => new VmRef(v.Id, v.Name)).ToList()), (Func<SimulatedVm, SimulatedCheckpoint, bool>)((_, _) => true)),
            "Child" => ([new VmRef(ChildOf!.VMId, ChildOf.VMName)], (_, c) => c.ParentId == ChildOf!.Id),
            "Parent" => (ParentTarget(), ParentPick()),
            _ => (Targets(), (_, _) => true),
        };
        if (ParameterSetName == "Id" && targets.Count == 0)
        {
            WriteError(Error($"Hyper-V was unable to find a virtual machine with id \"{Id}\".", "InvalidParameter,GetVMSnapshotCommand", ErrorCategory.ObjectNotFound, Id));
            return;
        }

        EmitAll(
            ReadEach(targets, (vm, h) => vm.Checkpoints
                .Where(c => pick(vm, c) && (Name is null || NameMatches(Name, c.Name)) && (SnapshotType is null || c.SnapshotType == SnapshotType))
                .OrderBy(c => c.CreationTime)
                .Select(c => VMSnapshot.From(c, vm, h))),
            TypeNames.VMSnapshot);
    }

    private List<VmRef> ParentTarget() => ParentOf!.BaseObject switch
    {
        VMSnapshot snapshot => [new VmRef(snapshot.VMId, snapshot.VMName)],
        VirtualMachine vm => [new VmRef(vm.Id, vm.Name)],
        _ => [],
    };

    private Func<SimulatedVm, SimulatedCheckpoint, bool> ParentPick() => ParentOf!.BaseObject switch
    {
        VMSnapshot snapshot => (_, c) => c.Id == snapshot.ParentSnapshotId,
        _ => (vm, c) => c.Id == vm.ParentCheckpointId,
    };
}
