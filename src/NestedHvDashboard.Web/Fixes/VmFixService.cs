using System.Globalization;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.Fixes;

/// <summary>
/// What the readiness list's one-click fixes and the API do to a VM's configuration: one audited change per fix (Operator
/// role, checked here; the entry stored before anything runs), through <see cref="VmFixOperations"/> and its per-VM lock.
/// The VM the host reads back is written into the <see cref="InventoryStore"/>: pages show the feed only.
/// </summary>
public sealed class VmFixService(IHostLookup hosts, VmFixOperations operations, IAuditTrail audit, InventoryStore? inventory = null)
{
    /// <summary>True while a change (fix, power or nested) runs on the VM.</summary>
    public bool IsRunning(string hostName, Guid vmId) => operations.IsRunning(hostName, vmId);

    /// <summary>The host's facts as the feed last read them, or null.</summary>
    public HostFacts? FactsOf(string hostName) => inventory?.GetSnapshot(hostName).Find(hostName)?.Facts;

    /// <summary>The VM's configuration as the audit trail records it before and after a fix, in one line.</summary>
    public static string StateOf(VmSnapshot? vm) => vm is null
        ? "unknown"
        : string.Create(CultureInfo.InvariantCulture,
            $"{ChangeAudit.StateOf(vm)}, startup memory {vm.MemoryStartupBytes / (1024 * 1024)} MB, configuration version {ConfigVersion.Format(vm.ConfigVersion)}, {vm.ProcessorCount} vCPUs");

    /// <summary>
    /// Makes <paramref name="fix"/> on <paramref name="vm"/> (the VM as the page or the API saw it, for the audit trail's
    /// "before"); a running VM is stopped first the way <paramref name="stopFirst"/> says and started again after, or refused
    /// when it is null. An actor without the Operator role, a host the dashboard does not know, a VM busy with another change,
    /// a state the fix does not allow, or an audit trail that cannot be written is a result, never an exception.
    /// </summary>
    public async Task<OperationResult> RunAsync(
        Actor actor, string hostName, VmSnapshot vm, VmFix fix, StopMode? stopFirst, IProgress<OperationStep>? progress = null, Guid? correlationId = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(hostName);
        ArgumentNullException.ThrowIfNull(vm);
        var facts = FactsOf(hostName);
        var what = $"{VmFixes.Title(fix)} on VM '{vm.Name}' on host '{hostName}'";
        var change = new AuditedChange<OperationResult>(
            new AuditStart(
                actor, VmFixes.Title(fix), hostName, vm.Name, vm.Id,
                new
                {
                    rule = VmFixes.RuleId(fix),
                    command = VmFixes.Command(fix, vm),
                    stopFirst = stopFirst?.ToString(),
                    version = fix is VmFix.UpdateVersion && VmFixes.TargetVersion(facts) is { } v ? ConfigVersion.Format(v) : null,
                },
                StateOf(vm), correlationId),
            what,
            message => Ended(OperationOutcome.Refused, hostName, vm, message),
            result =>
            {
                var completion = ChangeAudit.CompletionOf(result);
                return result.FinalVm is null ? completion : completion with { After = StateOf(result.FinalVm) };
            })
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
                return await operations.RunAsync(host, facts, vm.Id, vm.Name, fix, stopFirst, new AuditProgress(audit, id, progress), cancellationToken);
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
