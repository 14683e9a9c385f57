using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Operations;

/// <summary>How a nested virtualization change ended.</summary>
public enum OperationOutcome
{
    /// <summary>Every step was done; the VM is in the power state it had.</summary>
    Succeeded,

    /// <summary>The VM already had the requested setting; nothing was run.</summary>
    NoChange,

    /// <summary>Validation refused the request before anything was changed (state, readiness, host mismatch).</summary>
    Refused,

    /// <summary>Another change was already running on the same VM; nothing was run (not queued).</summary>
    Busy,

    /// <summary>A step failed; the VM was brought back to its power state where possible.</summary>
    Failed,

    /// <summary>Canceled between steps; the VM was brought back to its power state where possible.</summary>
    Canceled,

    /// <summary>
    /// A step's own limit ran out and the host was still working on it (a long shutdown, say): the host was left to
    /// finish, nothing after it ran and the VM was not started again; <see cref="OperationResult.FinalVm"/> is what a
    /// fresh read found.
    /// </summary>
    StillRunning,

    /// <summary>The VM was running: the change was left pending until it is seen Off; nothing was changed yet.</summary>
    Deferred,

    /// <summary>The user may not make the change (their role is too low); nothing was run.</summary>
    Denied,
}

/// <summary>The end of a nested virtualization change.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="HostName">The host.</param>
/// <param name="VmId">The VM's id.</param>
/// <param name="VmName">The VM's name, or null when the VM could not be read.</param>
/// <param name="Message">One line for the user: host, VM, what was tried and what the host said.</param>
/// <param name="Steps">Every step in plan order, then the compensating step if one ran.</param>
/// <param name="FailedStep">The step that failed, if one did.</param>
/// <param name="HostMessage">What the host said about the failure (the failed step's, or the failed read's), verbatim.</param>
/// <param name="FinalVm">The VM as last seen from the host, or null when it could not be read.</param>
public sealed record OperationResult(
    OperationOutcome Outcome,
    string HostName,
    Guid VmId,
    string? VmName,
    string Message,
    IReadOnlyList<OperationStep> Steps,
    OperationStep? FailedStep,
    string? HostMessage,
    VmSnapshot? FinalVm)
{
    /// <summary>True for <see cref="OperationOutcome.Succeeded"/> and <see cref="OperationOutcome.NoChange"/>.</summary>
    public bool IsSuccess => Outcome is OperationOutcome.Succeeded or OperationOutcome.NoChange;

    /// <summary>True when a compensating start ran and brought the VM back to Running.</summary>
    public bool Restored => Steps.Any(s => s.Kind is OperationStepKind.CompensatingStart && s.Status is OperationStepStatus.Done);
}
