using System.Collections.Concurrent;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.NestedSwitching;

/// <summary>
/// The cascade behind the nested switch's dialog: a nested virtualization change on a running L1 with its running L2 VMs shut
/// down first inside the guest and started again after (or left off, with the reason, when nested virtualization is turned off).
/// Needs the Operator role (checked here); stored in the audit trail before it runs as one entry whose action names the cascade,
/// noting each step of the tree as it goes. Keeps each L1's last reading of its guest for the nesting tree.
/// </summary>
public sealed class NestedCascadeService(
    IHostLookup hosts, NestedCascadeOperations cascade, NestedGuestReader reader, IAuditTrail audit, InventoryStore? inventory = null)
{
    private readonly ConcurrentDictionary<(string Host, Guid VmId), NestedGuestReading> _readings = new();

    /// <summary>Raised when an L1's last reading changes (a read or a cascade), for the nesting tree.</summary>
    public event Action<string, Guid>? ReadingChanged;

    /// <summary>The audit action of a cascade: it contains "cascade", so the notification bell lists it.</summary>
    public static string ActionName(bool enable) => enable ? "Enable nested (cascade with L2 VMs)" : "Disable nested (cascade with L2 VMs)";

    /// <summary>The L1's last reading of its guest, from this dashboard (a read or a cascade), or null.</summary>
    public NestedGuestReading? LastReading(string host, Guid vmId) =>
        reader.FromInventory(host, vmId) ?? (_readings.TryGetValue((host.ToUpperInvariant(), vmId), out var r) ? r : null);

    /// <summary>Reads the L1's guest (see <see cref="NestedGuestReader"/>) and keeps the reading for the nesting tree.</summary>
    public async Task<NestedGuestReading> ReadAsync(Actor actor, string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var reading = await reader.ReadAsync(actor, host, vm, known, ask, cancellationToken);
        if (reading.Read)
        {
            Keep(host, vm.Id, reading);
        }

        return reading;
    }

    /// <summary>
    /// Runs the cascade for <paramref name="request"/> on L1 <paramref name="vm"/> (as the page saw it, for the audit trail).
    /// The guest credential comes from <paramref name="known"/>, the remembered store or <paramref name="ask"/>; without one
    /// nothing runs. Every step of the tree goes to <paramref name="progress"/> and into the audit entry as it changes.
    /// </summary>
    public async Task<NestedCascadeResult> RunAsync(
        Actor actor, VmSnapshot vm, NestedVirtualizationRequest request, GuestCredential? known, GuestCredentialPrompt ask, IProgress<OperationStep>? progress,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentNullException.ThrowIfNull(request);
        var (hostName, enable) = (request.HostName, request.Enable);
        request = request with { VmId = vm.Id, PowerAction = PowerAction.ShutDown, EnableMacAddressSpoofing = request.EnableMacAddressSpoofing && enable, DisableDynamicMemory = request.DisableDynamicMemory && enable };
        var cascadeRun = new CascadeRun(
            ActionName(enable),
            $"Turning nested virtualization {(enable ? "on" : "off")} on VM '{vm.Name}' on host '{hostName}' with its L2 VMs",
            new { enable, power = PowerAction.ShutDown.ToString(), cascade = true, request.EnableMacAddressSpoofing, request.DisableDynamicMemory },
            (host, guest, credential, steps) => cascade.RunAsync(host, guest, credential, request, steps, cancellationToken));
        return await RecordAsync(actor, hostName, vm, known, ask, cascadeRun, progress, cancellationToken);
    }

    /// <summary>
    /// Restarts running L1 <paramref name="vm"/> as a cascade (its running L2 VMs shut down inside the guest first and started
    /// again after), audited as "Restart VM (cascade with L2 VMs)"; the credential flow and the role check as for <see cref="RunAsync"/>.
    /// </summary>
    public async Task<NestedCascadeResult> RestartAsync(
        Actor actor, string hostName, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, IProgress<OperationStep>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(vm);
        var cascadeRun = new CascadeRun(
            RestartActionName,
            $"Restarting VM '{vm.Name}' on host '{hostName}' with its L2 VMs",
            new { action = "Restart", cascade = true },
            (host, guest, credential, steps) => cascade.RestartAsync(host, guest, credential, hostName, vm.Id, steps, cancellationToken));
        return await RecordAsync(actor, hostName, vm, known, ask, cascadeRun, progress, cancellationToken);
    }

    /// <summary>The audit action of a restart cascade (it contains "cascade", so the bell lists it).</summary>
    public const string RestartActionName = "Restart VM (cascade with L2 VMs)";

    // One cascade as the audit trail records it: its action, its words, its parameters, and how it runs once a credential is known.
    private sealed record CascadeRun(
        string Action, string What, object Parameters, Func<IHyperVHost, IGuestVms, GuestCredential, IProgress<OperationStep>, Task<NestedCascadeResult>> Run);

    private async Task<NestedCascadeResult> RecordAsync(
        Actor actor, string hostName, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, CascadeRun run, IProgress<OperationStep>? progress, CancellationToken cancellationToken)
    {
        // The role is checked (and a denial recorded) before any credential is asked for.
        GuestCredential? credential = null;
        string? problem = null;
        if (actor.CanOperate)
        {
            (credential, problem) = await reader.CredentialAsync(actor, hostName, vm, known, ask, cancellationToken);
        }

        var prefix = run.What;
        var change = new AuditedChange<NestedCascadeResult>(
            new AuditStart(actor, run.Action, hostName, vm.Name, vm.Id, run.Parameters, ChangeAudit.StateOf(vm)),
            prefix,
            message => Ended(OperationOutcome.Refused, hostName, vm, message),
            CompletionOf)
        {
            NeededRole = DashboardRoles.Operator,
            Denied = message => Ended(OperationOutcome.Denied, hostName, vm, message),
            Invalid = credential is null && actor.CanOperate ? $"{prefix}: refused, nothing was changed. {problem ?? "No guest credentials."}" : null,
        };
        var result = await audit.ChangeAsync(change, async id =>
        {
            if (hosts.Find(hostName) is not { } host || host is not IGuestVms guest)
            {
                return Ended(OperationOutcome.Refused, hostName, vm, $"The dashboard has no host named '{hostName}' that can reach its guests; nothing was changed.");
            }

            try
            {
                return await run.Run(host, guest, credential!, new AuditProgress(audit, id, progress));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Ended(OperationOutcome.Canceled, hostName, vm, $"Canceled before anything was changed on VM '{vm.Name}' on host '{hostName}' or its L2 VMs.");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Ended(OperationOutcome.Failed, hostName, vm, $"{prefix} failed: {ex.Message}", ex.Message);
            }
        }, CancellationToken.None);
        if (result.Result.FinalVm is { } final)
        {
            inventory?.ApplyVm(hostName, final);
        }

        if (result.NestedVms.Count > 0)
        {
            Keep(hostName, vm.Id, new NestedGuestReading(true, true, result.NestedVms, "as the cascade left them", null, credential));
        }

        return result;
    }

    /// <summary>
    /// The cascade's completion: the outcome and message as for any nested change, and in After every level's state and every
    /// step of the tree with how it ended, so the Activity entry shows the whole cascade.
    /// </summary>
    public static AuditCompletion CompletionOf(NestedCascadeResult cascadeResult)
    {
        ArgumentNullException.ThrowIfNull(cascadeResult);
        var (result, nested) = (cascadeResult.Result, cascadeResult.NestedVms);
        var plain = ChangeAudit.CompletionOf(result);
        if (result.Steps.Count == 0)
        {
            return plain;
        }

        var l2 = nested.Count == 0 ? "" : $"\nL2: {string.Join(", ", nested.Select(v => $"{v.Name} {v.State}"))}";
        var steps = string.Join("\n", result.Steps.Select(s => $"{s.Index + 1}. {s.Title} — {s.Status}{(s.HostMessage is { } said ? $" ({said})" : "")}"));
        return plain with { After = $"L1: {ChangeAudit.StateOf(result.FinalVm)}{l2}\nSteps:\n{steps}" };
    }

    private void Keep(string host, Guid vmId, NestedGuestReading reading)
    {
        _readings[(host.ToUpperInvariant(), vmId)] = reading with { Credential = null };
        ReadingChanged?.Invoke(host, vmId);
    }

    private static NestedCascadeResult Ended(OperationOutcome outcome, string hostName, VmSnapshot vm, string message, string? hostMessage = null) =>
        new(new OperationResult(outcome, hostName, vm.Id, vm.Name, message, [], null, hostMessage, null), []);
}
