using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.NestedSwitching;

/// <summary>
/// What the VM page's nested switch (and the API) does: run the change now, or leave it pending until the VM is seen Off.
/// Every method checks the actor's role itself and stores the attempt in the audit trail before it runs.
/// </summary>
public sealed class NestedSwitchService(
    IHostLookup hosts,
    NestedVirtualizationOperations operations,
    PendingNestedChanges pending,
    IAuditTrail audit,
    TimeProvider time)
{
    /// <summary>True while a change runs on the VM (from this page or another).</summary>
    public bool IsRunning(string hostName, Guid vmId) => operations.IsRunning(hostName, vmId);

    /// <summary>The VM's pending change, or null.</summary>
    public PendingNestedChange? FindPending(string hostName, Guid vmId) => pending.Find(hostName, vmId);

    /// <summary>
    /// Runs the change now. <paramref name="power"/> is <see cref="PowerAction.None"/> for a VM that is Off.
    /// The companion fixes (<paramref name="enableMacAddressSpoofing"/>, <paramref name="disableDynamicMemory"/>) apply only when enabling.
    /// An actor without the Operator role, a host the dashboard does not know, or an audit trail that cannot be written
    /// is a Refused result, not an exception.
    /// </summary>
    public async Task<OperationResult> RunAsync(
        Actor actor, string hostName, VmSnapshot vm, bool enable, PowerAction power, bool enableMacAddressSpoofing, bool disableDynamicMemory,
        IProgress<OperationStep>? progress, Guid? correlationId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(vm);
        var mac = enableMacAddressSpoofing && enable;
        var staticMemory = disableDynamicMemory && enable;
        var start = new AuditStart(
            actor, ActionName(enable), hostName, vm.Name, vm.Id,
            new { enable, power = power.ToString(), enableMacAddressSpoofing = mac, disableDynamicMemory = staticMemory },
            ChangeAudit.StateOf(vm), correlationId);
        if (!actor.CanOperate)
        {
            var refusal = actor.Refusal($"Turning nested virtualization {(enable ? "on" : "off")} on VM '{vm.Name}' on host '{hostName}'", DashboardRoles.Operator);
            await audit.RecordAsync(start, new AuditCompletion(AuditResults.Denied, refusal), CancellationToken.None);
            return Refused(hostName, vm, refusal);
        }

        long id;
        try
        {
            id = await audit.BeginAsync(start, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Refused(hostName, vm, ChangeAudit.NotRecorded($"Turning nested virtualization {(enable ? "on" : "off")} on VM '{vm.Name}' on host '{hostName}'", ex));
        }

        OperationResult result;
        if (hosts.Find(hostName) is not { } host)
        {
            result = Refused(hostName, vm, $"The dashboard has no host named '{hostName}'; nothing was changed.");
        }
        else
        {
            try
            {
                // Only the user's own "Stop waiting" cancels (never the page closing): the plan stops before its next step,
                // compensates, and leaves the host to finish the step it was running.
                // Each step's start and end is noted in the entry before the host is asked, so a dashboard killed during the
                // change leaves an Interrupted entry that says which step it stopped at and whether the VM was left Off.
                result = await operations.RunAsync(
                    host, new NestedVirtualizationRequest(hostName, vm.Id, enable, power, mac, staticMemory), new AuditProgress(audit, id, progress), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                result = new OperationResult(OperationOutcome.Canceled, hostName, vm.Id, vm.Name,
                    $"Canceled before anything was changed on VM '{vm.Name}' on host '{hostName}'.", [], null, null, null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                result = new OperationResult(OperationOutcome.Failed, hostName, vm.Id, vm.Name,
                    $"Changing nested virtualization on VM '{vm.Name}' on host '{hostName}' failed: {ex.Message}", [], null, ex.Message, null);
            }
        }

        await audit.CompleteAsync(id, ChangeAudit.CompletionOf(result), CancellationToken.None);
        return result;
    }

    /// <summary>
    /// Leaves the change pending until the VM is seen Off (replacing one already pending); it is saved, so it survives a restart.
    /// <c>Change</c> is null when the actor may not (then <c>Refusal</c> says why).
    /// </summary>
    public async Task<(PendingNestedChange? Change, string? Refusal)> DeferAsync(Actor actor, string hostName, VmSnapshot vm, bool enable, bool enableMacAddressSpoofing, bool disableDynamicMemory)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(vm);
        var change = new PendingNestedChange(
            hostName, vm.Id, vm.Name, enable, enableMacAddressSpoofing && enable, time.GetUtcNow(), disableDynamicMemory && enable);
        var start = new AuditStart(
            actor, ActionName(enable) + " at next shutdown", hostName, vm.Name, vm.Id,
            new { enable, enableMacAddressSpoofing = change.EnableMacAddressSpoofing, disableDynamicMemory = change.DisableDynamicMemory },
            ChangeAudit.StateOf(vm));
        if (!actor.CanOperate)
        {
            var refusal = actor.Refusal($"Scheduling a nested virtualization change on VM '{vm.Name}' on host '{hostName}'", DashboardRoles.Operator);
            await audit.RecordAsync(start, new AuditCompletion(AuditResults.Denied, refusal));
            return (null, refusal);
        }

        long id;
        try
        {
            id = await audit.BeginAsync(start);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, ChangeAudit.NotRecorded($"Scheduling a nested virtualization change on VM '{vm.Name}' on host '{hostName}'", ex));
        }

        try
        {
            await pending.AddAsync(change);
        }
        catch (Exception ex)
        {
            await audit.CompleteAsync(id, new AuditCompletion(AuditResults.Failed, $"The pending change could not be saved: {ex.Message}"));
            throw;
        }

        await audit.CompleteAsync(id, new AuditCompletion(AuditResults.Deferred,
            $"Nested virtualization will be turned {(enable ? "on" : "off")} on VM '{vm.Name}' on host '{hostName}' the next time the VM is seen Off.",
            "pending until the VM is Off"));
        return (change, null);
    }

    /// <summary>Cancels the VM's pending change; false when there was none, or the actor may not or it could not be recorded (then <c>Refusal</c> says why).</summary>
    public async Task<(bool Canceled, string? Refusal)> CancelPendingAsync(Actor actor, string hostName, Guid vmId)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var change = pending.Find(hostName, vmId);
        if (change is null)
        {
            return (false, null);
        }

        var start = new AuditStart(actor, "Cancel pending nested change", hostName, change.VmName, vmId, new { change.Enable }, "pending");
        if (!actor.CanOperate)
        {
            var refusal = actor.Refusal($"Canceling the pending change on VM '{change.VmName}' on host '{hostName}'", DashboardRoles.Operator);
            await audit.RecordAsync(start, new AuditCompletion(AuditResults.Denied, refusal));
            return (false, refusal);
        }

        long id;
        try
        {
            id = await audit.BeginAsync(start);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (false, ChangeAudit.NotRecorded($"Canceling the pending change on VM '{change.VmName}' on host '{hostName}'", ex));
        }

        var removed = await pending.RemoveAsync(hostName, vmId);
        await audit.CompleteAsync(id, removed
            ? new AuditCompletion(AuditResults.Succeeded, $"The pending nested virtualization change on VM '{change.VmName}' on host '{hostName}' was canceled; nothing was changed on the VM.", "no pending change")
            : new AuditCompletion(AuditResults.Refused, $"VM '{change.VmName}' on host '{hostName}' had no pending change any more (it was applied or canceled meanwhile)."));
        return (removed, null);
    }

    /// <summary>The power action for a dialog choice, or null for "apply at next shutdown".</summary>
    public static PowerAction? PowerActionOf(NestedSwitchChoice choice) => choice switch
    {
        NestedSwitchChoice.ShutDown => PowerAction.ShutDown,
        NestedSwitchChoice.TurnOff => PowerAction.TurnOff,
        _ => null,
    };

    /// <summary>True when a compensating start ran and brought the VM back to Running.</summary>
    public static bool WasRestored(OperationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Steps.Any(s => s.Kind is OperationStepKind.CompensatingStart && s.Status is OperationStepStatus.Done);
    }

    private static string ActionName(bool enable) => enable ? "Enable nested" : "Disable nested";

    private static OperationResult Refused(string hostName, VmSnapshot vm, string message) =>
        new(OperationOutcome.Refused, hostName, vm.Id, vm.Name, message, [], null, null, null);
}
