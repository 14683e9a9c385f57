using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.Power;

/// <summary>
/// What the VM page's power bar, its readiness fixes, the bulk power run and the API do to a VM's power: one audited change
/// per action (Operator role, checked here; the entry stored before anything runs), through <see cref="VmPowerOperations"/>
/// and its per-VM lock. The VM the host reads back is written into the <see cref="InventoryStore"/>: pages show the feed only.
/// </summary>
public sealed class VmPowerService(IHostLookup hosts, VmPowerOperations operations, IAuditTrail audit, InventoryStore? inventory = null)
{
    /// <summary>True while a change (power or nested) runs on the VM.</summary>
    public bool IsRunning(string hostName, Guid vmId) => operations.IsRunning(hostName, vmId);

    /// <summary>The audit trail's action name ("Turn off VM").</summary>
    public static string ActionName(VmPowerAction action) => action switch
    {
        VmPowerAction.DeleteSavedState => "Delete saved state",
        _ => $"{VmPowerActions.Title(action)} VM",
    };

    /// <summary>
    /// Runs <paramref name="action"/> on <paramref name="vm"/> (the VM as the page or the API saw it, for the audit trail's
    /// "before"). An actor without the Operator role, a host the dashboard does not know, a VM busy with another change, a
    /// state the action does not apply to, or an audit trail that cannot be written is a result, never an exception.
    /// </summary>
    public async Task<OperationResult> RunAsync(
        Actor actor, string hostName, VmSnapshot vm, VmPowerAction action, IProgress<OperationStep>? progress = null, Guid? correlationId = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(hostName);
        ArgumentNullException.ThrowIfNull(vm);
        var what = $"{VmPowerActions.Doing(action)} VM '{vm.Name}' on host '{hostName}'";
        var change = new AuditedChange<OperationResult>(
            new AuditStart(
                actor, ActionName(action), hostName, vm.Name, vm.Id,
                new { action = action.ToString(), command = VmPowerActions.Command(action, vm.Name) },
                ChangeAudit.StateOf(vm), correlationId),
            what,
            message => Ended(OperationOutcome.Refused, hostName, vm, message),
            ChangeAudit.CompletionOf)
        {
            NeededRole = DashboardRoles.Operator,
            Denied = message => Ended(OperationOutcome.Denied, hostName, vm, message),
        };
        var result = await audit.ChangeAsync(change, async id =>
        {
            if (hosts.Find(hostName) is not { } host)
            {
                return Ended(OperationOutcome.Refused, hostName, vm, $"The dashboard has no host named '{hostName}'; nothing was changed.");
            }

            try
            {
                // Each step is noted in the entry as it begins, so a dashboard killed mid-way leaves an Interrupted entry naming it.
                return await operations.RunAsync(host, vm.Id, vm.Name, action, new AuditProgress(audit, id, progress), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Ended(OperationOutcome.Canceled, hostName, vm, $"{what} was canceled before the host was asked; nothing was changed.");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Ended(OperationOutcome.Failed, hostName, vm, $"{what} could not be run: {ex.Message}", ex.Message);
            }
        }, CancellationToken.None);
        if (result.FinalVm is { } final)
        {
            inventory?.ApplyVm(hostName, final);
        }

        return result;
    }

    private static OperationResult Ended(OperationOutcome outcome, string hostName, VmSnapshot vm, string message, string? hostMessage = null) =>
        new(outcome, hostName, vm.Id, vm.Name, message, [], null, hostMessage, null);
}
