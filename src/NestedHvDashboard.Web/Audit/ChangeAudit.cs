using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Audit;

/// <summary>How the services describe a VM and an operation's end in the audit trail.</summary>
public static class ChangeAudit
{
    /// <summary>The VM's state as far as nested virtualization is concerned, in one line.</summary>
    public static string StateOf(VmSnapshot? vm)
    {
        if (vm is null)
        {
            return "unknown";
        }

        var adapters = vm.NetworkAdapters.Count == 0
            ? "no network adapter"
            : "MAC spoofing " + string.Join(", ", vm.NetworkAdapters.Select(a => $"{a.Name}={(a.MacAddressSpoofing ? "On" : "Off")}"));
        return $"{vm.State}, nested {(vm.ExposeVirtualizationExtensions ? "on" : "off")}, dynamic memory {(vm.DynamicMemoryEnabled ? "on" : "off")}, {adapters}";
    }

    /// <summary>The audit result for an operation's outcome.</summary>
    public static string ResultOf(OperationOutcome outcome) => outcome switch
    {
        OperationOutcome.Succeeded or OperationOutcome.NoChange => AuditResults.Succeeded,
        OperationOutcome.Refused or OperationOutcome.Busy => AuditResults.Refused,
        OperationOutcome.Canceled => AuditResults.Canceled,
        OperationOutcome.StillRunning => AuditResults.StillRunning,
        OperationOutcome.Deferred => AuditResults.Deferred,
        OperationOutcome.Denied => AuditResults.Denied,
        _ => AuditResults.Failed,
    };

    /// <summary>The completion of a one-VM nested virtualization change.</summary>
    public static AuditCompletion CompletionOf(OperationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var failedStep = result.FailedStep is { } step ? $" (failed step: {step.Kind})" : "";
        return new AuditCompletion(
            ResultOf(result.Outcome),
            $"{result.Outcome}: {result.Message}{failedStep}",
            result.FinalVm is null ? null : StateOf(result.FinalVm),
            result.HostMessage);
    }

    /// <summary>
    /// The message a change gets when its audit entry could not be written: the change did not run. A database error is
    /// given in the database's own words ("the database cannot be written: database or disk is full"), not EF Core's wrapper.
    /// </summary>
    public static string NotRecorded(string what, Exception problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var reason = Data.DatabaseSaveException.IsDatabaseError(problem) ? $"the database cannot be written: {problem.GetBaseException().Message}" : problem.Message;
        return $"{what} was not started: the audit trail could not record it ({reason}). Nothing was changed.";
    }
}
