using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.Networking;

/// <summary>How moving a VM's adapter to another switch ended.</summary>
/// <param name="Outcome">Succeeded when the host made the change; Refused, Busy, Denied or Failed when it did not.</param>
/// <param name="Command">The command as the user would type it.</param>
/// <param name="Message">One line for the user, naming the host, the VM and the adapter.</param>
/// <param name="HostMessage">What the host said when it refused, verbatim.</param>
/// <param name="Vm">The VM as the host reported it afterwards, or null when the change failed.</param>
public sealed record AdapterSwitchResult(OperationOutcome Outcome, string Command, string Message, string? HostMessage, VmSnapshot? Vm)
    : ChangeResult(Outcome, Message, HostMessage);

/// <summary>
/// A host's switches and connecting one of its VMs' adapters to one (Connect-VMNetworkAdapter on that host): on an L1 added as
/// a host, its L2 VMs go on the VmNAT (internal) switch or the external one. Needs the Operator role, holds the VM's lock, is
/// stored in the audit trail before it runs, and writes the VM the host reports afterwards into the <see cref="InventoryStore"/>.
/// </summary>
public sealed class AdapterSwitchService(IHostLookup hosts, IAuditTrail audit, NestedVirtualizationOperations locks, InventoryStore? inventory = null)
{
    /// <summary>True when host <paramref name="hostName"/> can list its switches and connect adapters.</summary>
    public bool Supports(string hostName) => hosts.Find(hostName) is IVmSwitchConnections;

    /// <summary>The host an L1 added as a host runs on (its VMs are L2 VMs), or null for any other host.</summary>
    public string? ParentHostOf(string hostName) =>
        hosts is HostDirectory directory ? directory.Hosts.FirstOrDefault(h => string.Equals(h.Name, hostName, StringComparison.OrdinalIgnoreCase))?.Settings.ParentHost : null;

    /// <summary>The host's switches, or null when it cannot list them (the advice then says they were not read).</summary>
    public async Task<IReadOnlyList<L1Switch>?> GetSwitchesAsync(string hostName, CancellationToken cancellationToken = default) =>
        hosts.Find(hostName) is IVmSwitchConnections host ? await host.GetHostSwitchesAsync(cancellationToken) : null;

    /// <summary>The command shown for the change.</summary>
    public static string CommandText(string vmName, string adapterName, string switchName) =>
        new PlannedCommand("Connect-VMNetworkAdapter", [new("VMName", vmName), new("Name", adapterName), new("SwitchName", switchName)]).DisplayText;

    /// <summary>Connects <paramref name="adapterName"/> of <paramref name="vm"/> to <paramref name="switchName"/>. Never throws for a host's refusal.</summary>
    public async Task<AdapterSwitchResult> ConnectAsync(Actor actor, string hostName, VmSnapshot vm, string adapterName, string switchName, IProgress<OperationStep>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(vm);
        var command = CommandText(vm.Name, adapterName, switchName);
        var what = $"Connecting adapter '{adapterName}' of VM '{vm.Name}' on host '{hostName}' to switch '{switchName}'";
        using var held = locks.TryLock(hostName, vm.Id, vm.Name, out var busy);
        var change = new AuditedChange<AdapterSwitchResult>(
            new AuditStart(actor, "Connect adapter to switch", hostName, vm.Name, vm.Id, new { adapter = adapterName, switchName, command }, ChangeAudit.StateOf(vm)),
            what,
            refusal => new(held is null ? OperationOutcome.Busy : OperationOutcome.Refused, command, refusal, null, null),
            result => new AuditCompletion(ChangeAudit.ResultOf(result.Outcome), result.Message, result.Vm is null ? null : ChangeAudit.StateOf(result.Vm), result.HostMessage))
        {
            NeededRole = DashboardRoles.Operator,
            Denied = refusal => new(OperationOutcome.Denied, command, refusal, null, null),
            Invalid = busy,
        };
        return await audit.ChangeAsync(change, async id =>
        {
            var steps = new AuditProgress(audit, id, progress);
            var title = $"{command} (on host '{hostName}')";
            steps.Report(new(hostName, vm.Id, vm.Name, 0, OperationStepKind.ConnectAdapter, title, OperationStepStatus.Running));
            try
            {
                if (hosts.Find(hostName) is not IVmSwitchConnections host)
                {
                    throw new HostOperationException(HostErrorKind.Unreachable, hostName, "Connect-VMNetworkAdapter", $"The dashboard has no host named '{hostName}' that can connect adapters.", vm.Name);
                }

                var after = await host.ConnectVmAdapterAsync(vm.Id, adapterName, switchName);
                inventory?.ApplyVm(hostName, after);
                steps.Report(new(hostName, vm.Id, vm.Name, 0, OperationStepKind.ConnectAdapter, title, OperationStepStatus.Done));
                return new AdapterSwitchResult(OperationOutcome.Succeeded, command, $"Adapter '{adapterName}' of VM '{vm.Name}' on host '{hostName}' is on switch '{switchName}'.", null, after);
            }
            catch (HostOperationException ex)
            {
                steps.Report(new(hostName, vm.Id, vm.Name, 0, OperationStepKind.ConnectAdapter, title, OperationStepStatus.Failed, ex.HostMessage));
                return new AdapterSwitchResult(OperationOutcome.Failed, command, $"{what} failed at '{ex.Operation}'.", ex.HostMessage, null);
            }
        }, CancellationToken.None);
    }
}
