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

/// <summary>How a MAC address spoofing change ended.</summary>
/// <param name="Outcome">Succeeded when the host made the change; Failed, Refused or Denied when it did not.</param>
/// <param name="Command">The command as the user would type it (the reference document's pipeline for all adapters).</param>
/// <param name="Message">One line for the user, naming the host, the VM and the adapter.</param>
/// <param name="HostMessage">What the host said when it refused, verbatim.</param>
/// <param name="Vm">The VM as the host reported it afterwards, or null when the change failed.</param>
public sealed record MacSpoofingResult(OperationOutcome Outcome, string Command, string Message, string? HostMessage, VmSnapshot? Vm)
    : ChangeResult(Outcome, Message, HostMessage);

/// <summary>
/// Turns MAC address spoofing on or off for one adapter or every adapter of a VM (running or not, Hyper-V allows both),
/// needs the Operator role (checked here) and stores each attempt in the audit trail before it runs. It holds the VM's lock
/// (<paramref name="locks"/>: this instance's and, in a cluster, the others') while it runs, so it never races a nested
/// switch, which sets MAC spoofing too, nor another click; a second one is refused "busy" and audited so. The VM the host
/// reports afterwards is written into the <see cref="InventoryStore"/>: pages show the feed only.
/// </summary>
public sealed class MacSpoofingService(IHostLookup hosts, IAuditTrail audit, InventoryStore? inventory = null, NestedVirtualizationOperations? locks = null)
{
    /// <summary>The command shown for the change; for every adapter it is the reference document's pipeline.</summary>
    public static string CommandText(string vmName, string? adapterName, bool enabled)
    {
        ArgumentNullException.ThrowIfNull(vmName);
        List<PlannedParameter> select = adapterName is null ? [new("VMName", vmName)] : [new("VMName", vmName), new("Name", adapterName)];
        var get = new PlannedCommand("Get-VMNetworkAdapter", select);
        var set = new PlannedCommand("Set-VMNetworkAdapter", [new("MacAddressSpoofing", enabled ? "On" : "Off")]);
        return $"{get.DisplayText} | {set.DisplayText}";
    }

    /// <summary>
    /// Sets MAC address spoofing on <paramref name="adapterName"/> (or every adapter when null) of <paramref name="vm"/>.
    /// Never throws for a host's refusal: the result says what the host said.
    /// </summary>
    public async Task<MacSpoofingResult> SetAsync(Actor actor, string hostName, VmSnapshot vm, string? adapterName, bool enabled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(hostName);
        ArgumentNullException.ThrowIfNull(vm);
        var command = CommandText(vm.Name, adapterName, enabled);
        var target = adapterName is null ? "every adapter" : $"adapter '{adapterName}'";
        var action = $"MAC spoofing {(enabled ? "on" : "off")}";
        var what = $"Turning MAC address spoofing {(enabled ? "On" : "Off")} for {target} of VM '{vm.Name}' on host '{hostName}'";
        string? busy = null;
        using var held = locks?.TryLock(hostName, vm.Id, vm.Name, out busy);
        var change = new AuditedChange<MacSpoofingResult>(
            new AuditStart(actor, action, hostName, vm.Name, vm.Id, new { adapter = adapterName, enabled, command }, ChangeAudit.StateOf(vm)),
            what,
            refusal => new(busy is not null ? OperationOutcome.Busy : OperationOutcome.Refused, command, refusal, null, null),
            result => new AuditCompletion(
                result.Succeeded ? AuditResults.Succeeded : AuditResults.Failed, result.Message, result.Vm is null ? null : ChangeAudit.StateOf(result.Vm), result.HostMessage))
        {
            NeededRole = DashboardRoles.Operator,
            Denied = refusal => new(OperationOutcome.Denied, command, refusal, null, null),
            Invalid = busy,

            // The page closed mid-way: the entry still ends, so it never stays "Started".
            Escaped = ex => ex is OperationCanceledException
                ? new AuditCompletion(AuditResults.Canceled, $"{what}: canceled before the host answered; check the adapter.")
                : null,
        };
        return await audit.ChangeAsync(change, async _ =>
        {
            try
            {
                var host = hosts.Find(hostName)
                    ?? throw new HostOperationException(HostErrorKind.Unreachable, hostName, "Set-VMNetworkAdapter", $"The dashboard has no host named '{hostName}'.", vm.Name);
                var after = await host.SetMacAddressSpoofingAsync(vm.Id, adapterName, enabled, cancellationToken);
                inventory?.ApplyVm(hostName, after);
                return new MacSpoofingResult(OperationOutcome.Succeeded, command, $"MAC address spoofing is {(enabled ? "On" : "Off")} for {target} of VM '{vm.Name}' on host '{hostName}'.", null, after);
            }
            catch (HostOperationException ex)
            {
                // The step and why it stopped, also when the connection broke mid-call and the host's words are only the transport's.
                return new MacSpoofingResult(OperationOutcome.Failed, command, $"{what} failed at '{ex.Operation}': {Why(ex.Kind)}", ex.HostMessage, null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return new MacSpoofingResult(OperationOutcome.Failed, command, $"{what} could not be run.", ex.Message, null);
            }
        }, cancellationToken);
    }

    // Why the step stopped, in the user's terms; the host's own words follow in the result's host message.
    private static string Why(HostErrorKind kind) => kind switch
    {
        HostErrorKind.Unreachable => "the host could not be reached, or the connection broke before it answered; read the VM again to see whether the adapter changed.",
        HostErrorKind.Timeout => "the host did not answer in time; read the VM again to see whether the adapter changed.",
        HostErrorKind.VmNotFound => "the host no longer has this VM.",
        HostErrorKind.AuthenticationFailed => "the host refused the dashboard's credentials.",
        _ => "the host refused it.",
    };
}
