using NestedHvDashboard.Core.Inventory;
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
/// The VM a change reads back is written into the <see cref="InventoryStore"/>: pages show the feed only.
/// </summary>
public sealed class NestedSwitchService(
    IHostLookup hosts,
    NestedVirtualizationOperations operations,
    PendingNestedChanges pending,
    IAuditTrail audit,
    TimeProvider time,
    InventoryStore? inventory = null)
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
    public async Task<OperationResult> RunAsync(
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
            Denied = message => Ended(OperationOutcome.Denied, hostName, vm.Id, vm.Name, message),
        };
        var result = await audit.ChangeAsync(change, id => ChangeAsync(vm, request, new AuditProgress(audit, id, progress), cancellationToken), CancellationToken.None);
        if (result.FinalVm is { } final)
        {
            inventory?.ApplyVm(hostName, final);
        }

        return result;
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
    /// The result is <see cref="OperationOutcome.Deferred"/>, or <see cref="OperationOutcome.Denied"/> when the actor may not,
    /// or <see cref="OperationOutcome.Refused"/> when the audit trail could not record it.
    /// </summary>
    public Task<OperationResult> DeferAsync(Actor actor, string hostName, VmSnapshot vm, bool enable, bool enableMacAddressSpoofing, bool disableDynamicMemory)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(vm);
        var pendingChange = new PendingNestedChange(
            hostName, vm.Id, vm.Name, enable, enableMacAddressSpoofing && enable, time.GetUtcNow(), disableDynamicMemory && enable);
        var change = new AuditedChange<OperationResult>(
            new AuditStart(
                actor, ActionName(enable) + " at next shutdown", hostName, vm.Name, vm.Id,
                new { enable, enableMacAddressSpoofing = pendingChange.EnableMacAddressSpoofing, disableDynamicMemory = pendingChange.DisableDynamicMemory },
                ChangeAudit.StateOf(vm)),
            $"Scheduling a nested virtualization change on VM '{vm.Name}' on host '{hostName}'",
            message => Refused(hostName, vm, message),
            result => new AuditCompletion(AuditResults.Deferred, result.Message, "pending until the VM is Off"))
        {
            NeededRole = DashboardRoles.Operator,
            Denied = message => Ended(OperationOutcome.Denied, hostName, vm.Id, vm.Name, message),
            Escaped = ex => new AuditCompletion(AuditResults.Failed, $"The pending change could not be saved: {ex.Message}"),
        };
        return audit.ChangeAsync(change, async _ =>
        {
            await pending.AddAsync(pendingChange);
            return Ended(
                OperationOutcome.Deferred, hostName, vm.Id, vm.Name,
                $"Nested virtualization will be turned {(enable ? "on" : "off")} on VM '{vm.Name}' on host '{hostName}' the next time the VM is seen Off.");
        });
    }

    /// <summary>
    /// Cancels the VM's pending change: <see cref="OperationOutcome.Succeeded"/> when it was canceled, <see cref="OperationOutcome.NoChange"/>
    /// when there was none (or it was applied or canceled meanwhile), <see cref="OperationOutcome.Denied"/> when the actor may not,
    /// <see cref="OperationOutcome.Refused"/> when the audit trail could not record it.
    /// </summary>
    public async Task<OperationResult> CancelPendingAsync(Actor actor, string hostName, Guid vmId)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (pending.Find(hostName, vmId) is not { } pendingChange)
        {
            return Ended(OperationOutcome.NoChange, hostName, vmId, null, $"VM {vmId} on host '{hostName}' has no pending change.");
        }

        var vmName = pendingChange.VmName;
        var change = new AuditedChange<OperationResult>(
            new AuditStart(actor, "Cancel pending nested change", hostName, vmName, vmId, new { pendingChange.Enable }, "pending"),
            $"Canceling the pending change on VM '{vmName}' on host '{hostName}'",
            message => Ended(OperationOutcome.Refused, hostName, vmId, vmName, message),
            result => result.Outcome is OperationOutcome.Succeeded
                ? new AuditCompletion(AuditResults.Succeeded, result.Message, "no pending change")
                : new AuditCompletion(AuditResults.Refused, result.Message))
        {
            NeededRole = DashboardRoles.Operator,
            Denied = message => Ended(OperationOutcome.Denied, hostName, vmId, vmName, message),
        };
        return await audit.ChangeAsync(change, async _ => await pending.RemoveAsync(hostName, vmId)
            ? Ended(OperationOutcome.Succeeded, hostName, vmId, vmName,
                $"The pending nested virtualization change on VM '{vmName}' on host '{hostName}' was canceled; nothing was changed on the VM.")
            : Ended(OperationOutcome.NoChange, hostName, vmId, vmName,
                $"VM '{vmName}' on host '{hostName}' had no pending change any more (it was applied or canceled meanwhile)."));
    }

    /// <summary>The power action for a dialog choice, or null for "apply at next shutdown".</summary>
    public static PowerAction? PowerActionOf(NestedSwitchChoice choice) => choice switch
    {
        NestedSwitchChoice.ShutDown => PowerAction.ShutDown,
        NestedSwitchChoice.TurnOff => PowerAction.TurnOff,
        _ => null,
    };

    private static string ActionName(bool enable) => enable ? "Enable nested" : "Disable nested";

    private static OperationResult Refused(string hostName, VmSnapshot vm, string message) => Ended(OperationOutcome.Refused, hostName, vm.Id, vm.Name, message);

    // A result that ran no step on the host.
    private static OperationResult Ended(OperationOutcome outcome, string hostName, Guid vmId, string? vmName, string message) =>
        new(outcome, hostName, vmId, vmName, message, [], null, null, null);
}
