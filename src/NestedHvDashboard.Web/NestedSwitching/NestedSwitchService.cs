using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Operations;

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
    /// Runs <paramref name="request"/> on <paramref name="vm"/> now (the VM as the page or the API saw it, for the audit trail).
    /// Its power action is <see cref="PowerAction.None"/> for a VM that is Off; its companion fixes apply only when enabling.
    /// An actor without the Operator role, a host the dashboard does not know, or an audit trail that cannot be written
    /// is a Refused result, not an exception.
    /// </summary>
    public Task<OperationResult> RunAsync(
        Actor actor, VmSnapshot vm, NestedVirtualizationRequest request, IProgress<OperationStep>? progress, Guid? correlationId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentNullException.ThrowIfNull(request);
        var (hostName, enable) = (request.HostName, request.Enable);
        request = request with { VmId = vm.Id, EnableMacAddressSpoofing = request.EnableMacAddressSpoofing && enable, DisableDynamicMemory = request.DisableDynamicMemory && enable };
        var change = new AuditedChange<OperationResult>(
            new AuditStart(
                actor, ActionName(enable), hostName, vm.Name, vm.Id,
                new { enable, power = request.PowerAction.ToString(), enableMacAddressSpoofing = request.EnableMacAddressSpoofing, disableDynamicMemory = request.DisableDynamicMemory },
                ChangeAudit.StateOf(vm), correlationId),
            $"Turning nested virtualization {(enable ? "on" : "off")} on VM '{vm.Name}' on host '{hostName}'",
            message => Refused(hostName, vm, message),
            ChangeAudit.CompletionOf)
        {
            NeededRole = DashboardRoles.Operator,
        };
        return audit.ChangeAsync(change, id => ChangeAsync(vm, request, new AuditProgress(audit, id, progress), cancellationToken), CancellationToken.None);
    }

    private async Task<OperationResult> ChangeAsync(VmSnapshot vm, NestedVirtualizationRequest request, IProgress<OperationStep> progress, CancellationToken cancellationToken)
    {
        var hostName = request.HostName;
        if (hosts.Find(hostName) is not { } host)
        {
            return Refused(hostName, vm, $"The dashboard has no host named '{hostName}'; nothing was changed.");
        }

        try
        {
            // Only the user's own "Stop waiting" cancels (never the page closing): the plan stops before its next step,
            // compensates, and leaves the host to finish the step it was running.
            // Each step's start and end is noted in the entry before the host is asked, so a dashboard killed during the
            // change leaves an Interrupted entry that says which step it stopped at and whether the VM was left Off.
            return await operations.RunAsync(host, request, progress, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new OperationResult(OperationOutcome.Canceled, hostName, vm.Id, vm.Name,
                $"Canceled before anything was changed on VM '{vm.Name}' on host '{hostName}'.", [], null, null, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new OperationResult(OperationOutcome.Failed, hostName, vm.Id, vm.Name,
                $"Changing nested virtualization on VM '{vm.Name}' on host '{hostName}' failed: {ex.Message}", [], null, ex.Message, null);
        }
    }

    /// <summary>
    /// Leaves the change pending until the VM is seen Off (replacing one already pending); it is saved, so it survives a restart.
    /// <c>Change</c> is null when the actor may not (then <c>Refusal</c> says why).
    /// </summary>
    public async Task<(PendingNestedChange? Change, string? Refusal)> DeferAsync(Actor actor, string hostName, VmSnapshot vm, bool enable, bool enableMacAddressSpoofing, bool disableDynamicMemory)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(vm);
        var pendingChange = new PendingNestedChange(
            hostName, vm.Id, vm.Name, enable, enableMacAddressSpoofing && enable, time.GetUtcNow(), disableDynamicMemory && enable);
        var change = new AuditedChange<(PendingNestedChange? Change, string? Refusal)>(
            new AuditStart(
                actor, ActionName(enable) + " at next shutdown", hostName, vm.Name, vm.Id,
                new { enable, enableMacAddressSpoofing = pendingChange.EnableMacAddressSpoofing, disableDynamicMemory = pendingChange.DisableDynamicMemory },
                ChangeAudit.StateOf(vm)),
            $"Scheduling a nested virtualization change on VM '{vm.Name}' on host '{hostName}'",
            refusal => (null, refusal),
            _ => new AuditCompletion(AuditResults.Deferred,
                $"Nested virtualization will be turned {(enable ? "on" : "off")} on VM '{vm.Name}' on host '{hostName}' the next time the VM is seen Off.",
                "pending until the VM is Off"))
        {
            NeededRole = DashboardRoles.Operator,
            Escaped = ex => new AuditCompletion(AuditResults.Failed, $"The pending change could not be saved: {ex.Message}"),
        };
        return await audit.ChangeAsync<(PendingNestedChange?, string?)>(change, _ =>
        {
            pending.Add(pendingChange);
            return Task.FromResult<(PendingNestedChange?, string?)>((pendingChange, null));
        });
    }

    /// <summary>Cancels the VM's pending change; false when there was none, or the actor may not or it could not be recorded (then <c>Refusal</c> says why).</summary>
    public async Task<(bool Canceled, string? Refusal)> CancelPendingAsync(Actor actor, string hostName, Guid vmId)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (pending.Find(hostName, vmId) is not { } pendingChange)
        {
            return (false, null);
        }

        var vmName = pendingChange.VmName;
        var change = new AuditedChange<(bool Canceled, string? Refusal)>(
            new AuditStart(actor, "Cancel pending nested change", hostName, vmName, vmId, new { pendingChange.Enable }, "pending"),
            $"Canceling the pending change on VM '{vmName}' on host '{hostName}'",
            refusal => (false, refusal),
            result => result.Canceled
                ? new AuditCompletion(AuditResults.Succeeded, $"The pending nested virtualization change on VM '{vmName}' on host '{hostName}' was canceled; nothing was changed on the VM.", "no pending change")
                : new AuditCompletion(AuditResults.Refused, $"VM '{vmName}' on host '{hostName}' had no pending change any more (it was applied or canceled meanwhile)."))
        {
            NeededRole = DashboardRoles.Operator,
        };
        return await audit.ChangeAsync<(bool, string?)>(change, _ => Task.FromResult<(bool, string?)>((pending.Remove(hostName, vmId), null)));
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
