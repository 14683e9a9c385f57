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

/// <summary>How creating a VM ended: the VM, or the problems or the host's words that stopped it.</summary>
/// <param name="Outcome">Succeeded; Refused (nothing ran: the form's problems, or no audit); Denied; Failed.</param>
/// <param name="Message">One line for the user naming the host and the VM.</param>
/// <param name="HostMessage">What the host said, verbatim, when it failed.</param>
/// <param name="Vm">The VM created, or null.</param>
/// <param name="Problems">Why the form was refused.</param>
public sealed record NewVmResult(OperationOutcome Outcome, string Message, string? HostMessage, VmSnapshot? Vm, IReadOnlyList<NewVmProblem> Problems)
    : ChangeResult(Outcome, Message, HostMessage);

/// <summary>
/// Creates VMs ready for nesting (<see cref="INestedNetworking.CreateVmAsync"/>); needs the Operator role (checked here)
/// and stores each attempt in the audit trail before it runs. The VM created is written into the
/// <see cref="InventoryStore"/>: the grid and its page show it from the feed at once.
/// </summary>
public sealed class NewVmService(IHostLookup hosts, IAuditTrail audit, InventoryStore? inventory = null)
{
    /// <summary>
    /// The problems to show while the form is filled: <see cref="NewVmPlan"/>'s, except an unknown switch, since the inventory
    /// knows only switches that VMs use; the host checks its own switches when the VM is created.
    /// </summary>
    public static IReadOnlyList<NewVmProblem> Check(NewVmRequest request, HostFacts facts, IReadOnlyCollection<string> knownSwitches)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = NewVmPlan.Create(request, facts, knownSwitches).Problems;
        var switchGiven = !string.IsNullOrWhiteSpace(request.SwitchName);
        return [.. problems.Where(p => p.Field != NewVmField.SwitchName || !switchGiven)];
    }

    /// <summary>
    /// Creates the VM on <paramref name="hostName"/>; never throws for a refusal or a host's error. Each step the host begins is
    /// noted in the Started audit entry (see <see cref="AuditProgress"/>) and passed on to <paramref name="progress"/>.
    /// </summary>
    public Task<NewVmResult> CreateAsync(Actor actor, string hostName, NewVmRequest request, IProgress<OperationStep>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(hostName);
        ArgumentNullException.ThrowIfNull(request);
        var what = $"New VM '{request.Name}' on host '{hostName}'";
        var change = new AuditedChange<NewVmResult>(
            new AuditStart(actor, "New nested-ready VM", hostName, request.Name, null, request, "no such VM"),
            what,
            refusal => new(OperationOutcome.Refused, refusal, null, null, []),
            Completion)
        {
            NeededRole = DashboardRoles.Operator,
            Denied = refusal => new(OperationOutcome.Denied, refusal, null, null, []),

            // The dialog closed mid-way: the entry still ends, so it never stays "Started".
            Escaped = ex => ex is OperationCanceledException
                ? new AuditCompletion(AuditResults.Canceled, $"{what}: canceled before it ended; check the host for a half-made VM.")
                : null,
        };
        return audit.ChangeAsync(change, id => CreateOnHostAsync(hostName, request, what, new AuditProgress(audit, id, progress), cancellationToken), cancellationToken);
    }

    private async Task<NewVmResult> CreateOnHostAsync(string hostName, NewVmRequest request, string what, IProgress<OperationStep> progress, CancellationToken cancellationToken)
    {
        try
        {
            if (hosts.Find(hostName) is not INestedNetworking networking)
            {
                return new(OperationOutcome.Failed, $"{what}: the dashboard has no host '{hostName}' that can create VMs.", null, null, []);
            }

            // The script's steps are noted in the entry as the host begins each (before its cmdlet runs), so a dashboard killed
            // while it creates the VM leaves an Interrupted entry that says which step it stopped at and what was done before it.
            var vm = await networking.CreateVmAsync(request, progress, cancellationToken);
            inventory?.ApplyVm(hostName, vm);
            return new(OperationOutcome.Succeeded, $"{what}: created (generation {vm.Generation}, configuration {vm.ConfigVersion}, nested virtualization {(vm.ExposeVirtualizationExtensions ? "on" : "off")}).", null, vm, []);
        }
        catch (NewVmRefusedException ex)
        {
            return new(OperationOutcome.Refused, $"{what}: refused before anything ran.", null, null, ex.Problems);
        }
        catch (HostOperationException ex) when (ex.Kind is HostErrorKind.Unreachable or HostErrorKind.Timeout)
        {
            // The script's own rollback runs on the host: a host lost mid-way may keep the VM it had begun (fault matrix).
            return new(OperationOutcome.Failed, $"{what} failed: the host stopped answering before it ended; check it for a half-made VM '{request.Name}' and remove it (Remove-VM -Force).", ex.HostMessage, null, []);
        }
        catch (HostOperationException ex) when (ex.Kind is HostErrorKind.StillRunning)
        {
            // Past its limit the script may still finish, roll back, or stop half-way on a host that then stopped answering.
            return new(OperationOutcome.Failed, $"{what} failed: it did not end within its time limit and may still be running on the host; check the host for a half-made VM '{request.Name}' and remove it (Remove-VM -Force) once the host answers.", ex.HostMessage, null, []);
        }
        catch (HostOperationException ex)
        {
            return new(OperationOutcome.Failed, $"{what} failed.", ex.HostMessage, null, []);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new(OperationOutcome.Failed, $"{what} could not be run.", ex.Message, null, []);
        }
    }

    private static AuditCompletion Completion(NewVmResult result)
    {
        var message = result.Problems.Count == 0 ? result.Message : $"{result.Message} {string.Join(" ", result.Problems.Select(p => p.Message))}";
        return new AuditCompletion(
            result.Succeeded ? AuditResults.Succeeded : result.Problems.Count > 0 ? AuditResults.Refused : AuditResults.Failed,
            message,
            result.Vm is null ? null : ChangeAudit.StateOf(result.Vm),
            result.HostMessage);
    }
}
