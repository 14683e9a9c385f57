using NestedHvDashboard.Core.Operations;

namespace NestedHvDashboard.Web.Audit;

/// <summary>
/// The result a run over many VMs (a bulk change) stores in its own audit entry: <see cref="AuditResults.Succeeded"/> only when
/// no VM was refused, busy, failed or canceled; <see cref="AuditResults.Partial"/> when some VMs were changed (or needed no
/// change, or were left pending) and others were not; otherwise the worst way the VMs ended.
/// </summary>
public static class RunResult
{
    /// <summary>The run's result from its VMs' outcomes.</summary>
    public static string Of(IEnumerable<OperationOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var list = outcomes.ToList();
        var good = list.Count(o => o is OperationOutcome.Succeeded or OperationOutcome.NoChange or OperationOutcome.Deferred);
        // A step left running on the host is neither done nor failed.
        var bad = list.Count(o => o is not (OperationOutcome.Succeeded or OperationOutcome.NoChange or OperationOutcome.Deferred or OperationOutcome.StillRunning));
        if (bad == 0)
        {
            return good == 0 && list.Count > 0 ? AuditResults.StillRunning : AuditResults.Succeeded;
        }

        if (good > 0)
        {
            return AuditResults.Partial;
        }

        return list.Contains(OperationOutcome.Failed) ? AuditResults.Failed
            : list.Exists(o => o is OperationOutcome.Refused or OperationOutcome.Busy) ? AuditResults.Refused
            : list.Contains(OperationOutcome.Denied) ? AuditResults.Denied
            : AuditResults.Canceled;
    }
}
