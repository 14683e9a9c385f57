using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.Checkpoints;

/// <summary>How a checkpoint change ended.</summary>
/// <param name="Outcome">Succeeded when every step was done; Failed, Refused, Busy or Denied when not.</param>
/// <param name="Message">One line for the user, naming the host, the VM and the checkpoint.</param>
/// <param name="HostMessage">What the host said when it refused, verbatim.</param>
/// <param name="Vm">The VM as the host reported it last, or null when no step answered.</param>
/// <param name="Steps">Every step in order, with how far it got.</param>
public sealed record CheckpointResult(OperationOutcome Outcome, string Message, string? HostMessage, VmSnapshot? Vm, IReadOnlyList<OperationStep> Steps)
    : ChangeResult(Outcome, Message, HostMessage);

/// <summary>What applying a checkpoint does besides Restore-VMSnapshot.</summary>
/// <param name="CheckpointFirst">The name of a checkpoint of the current state to take first (so it is not lost), or null to take none.</param>
/// <param name="StartAfterwards">True to start the VM once the checkpoint is applied (it ends Saved or Off).</param>
public sealed record ApplyCheckpointOptions(string? CheckpointFirst, bool StartAfterwards);
