using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.Networking;

/// <summary>How a change to the switches inside an L1 ended.</summary>
/// <param name="Outcome">Succeeded, Refused (nothing ran), Busy, Denied, Failed or Canceled (no credentials given).</param>
/// <param name="Message">One line for the user naming the host and the VM.</param>
/// <param name="HostMessage">What the host or the guest said, verbatim, when it failed.</param>
/// <param name="Reading">The guest's switches afterwards, when they were read.</param>
/// <param name="Credential">The credential the guest accepted, for the page to reuse during this visit.</param>
/// <param name="Problems">Why the request was refused before anything ran.</param>
public sealed record L1SwitchResult(
    OperationOutcome Outcome,
    string Message,
    string? HostMessage,
    L1SwitchesReading? Reading,
    GuestCredential? Credential,
    IReadOnlyList<NatNetworkProblem> Problems) : ChangeResult(Outcome, Message, HostMessage);

/// <summary>
/// The switches inside an L1 over PowerShell Direct: read them, create or remove the external switch bound to the L1's adapter,
/// connect an L2 VM's adapters to a switch. Changes need the Operator role, hold the L1's per-VM lock (the one nested, power and
/// fix changes take), are stored in the audit trail before they run with their step noted live, and never record a credential.
/// The credential comes from this visit, the remembered store or the user; one the guest refuses is forgotten and asked again.
/// </summary>
public sealed class L1SwitchService(IHostLookup hosts, GuestCredentialStore credentials, IAuditTrail audit, NestedVirtualizationOperations locks)
{
    /// <summary>Reads the guest's adapters, switches and L2 adapters. Not audited: it changes nothing.</summary>
    public Task<L1SwitchResult> ReadAsync(Actor actor, string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(vm);
        return WithCredentialAsync(actor, host, vm, known, ask, $"Read the switches in VM '{vm.Name}' on host '{host}'", (h, c) => h.GetL1SwitchesAsync(vm.Id, c, cancellationToken));
    }

    /// <summary>Creates the external switch the request describes, bound to the L1's adapter (validated against fresh reads first).</summary>
    public Task<L1SwitchResult> CreateExternalAsync(
        Actor actor, string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, ExternalSwitchRequest request, IProgress<OperationStep>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var command = L1SwitchPlan.CreateExternal(request).DisplayText;
        return ChangeAsync(actor, host, vm, known, ask, "Create external switch in guest", command, progress,
            (h, c) => h.CreateExternalSwitchAsync(vm.Id, c, request, cancellationToken));
    }

    /// <summary>Removes switch <paramref name="switchName"/> from the L1 (refused while L2 adapters are connected to it).</summary>
    public Task<L1SwitchResult> RemoveSwitchAsync(
        Actor actor, string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, string switchName, IProgress<OperationStep>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(switchName);
        return ChangeAsync(actor, host, vm, known, ask, "Remove switch in guest", L1SwitchPlan.RemoveSwitch(switchName).DisplayText, progress,
            (h, c) => h.RemoveExternalSwitchAsync(vm.Id, c, switchName, cancellationToken));
    }

    /// <summary>Connects every adapter of L2 VM <paramref name="l2VmName"/> to switch <paramref name="switchName"/> inside the L1.</summary>
    public Task<L1SwitchResult> ConnectL2Async(
        Actor actor, string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, string l2VmName, string switchName, IProgress<OperationStep>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(l2VmName);
        ArgumentNullException.ThrowIfNull(switchName);
        return ChangeAsync(actor, host, vm, known, ask, "Connect L2 adapter in guest", L1SwitchPlan.Connect(l2VmName, switchName).DisplayText, progress,
            (h, c) => h.ConnectL2AdapterAsync(vm.Id, c, l2VmName, switchName, cancellationToken));
    }

    private async Task<L1SwitchResult> ChangeAsync(
        Actor actor, string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, string action, string command, IProgress<OperationStep>? progress,
        Func<IL1Hypervisor, GuestCredential, Task<L1SwitchesReading>> work)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(vm);
        var what = $"{command} in VM '{vm.Name}' on host '{host}'";

        // The lock is taken before the entry is written, so a busy VM is recorded as refused and nothing runs.
        using var held = locks.TryLock(host, vm.Id, vm.Name, out var busy);
        var change = new AuditedChange<L1SwitchResult>(
            new AuditStart(actor, action, host, vm.Name, vm.Id, new { command }, ChangeAudit.StateOf(vm)),
            what,
            refusal => new(held is null ? OperationOutcome.Busy : OperationOutcome.Refused, refusal, null, null, known, []),
            Completion)
        {
            NeededRole = DashboardRoles.Operator,
            Denied = refusal => new(OperationOutcome.Denied, refusal, null, null, known, []),
            Invalid = busy,

            // The page closed mid-way: the entry still ends, so it never stays "Started".
            Escaped = ex => ex is OperationCanceledException
                ? new AuditCompletion(AuditResults.Canceled, $"{what}: canceled before it ended; the guest may still finish it, read the guest again.")
                : null,
        };
        return await audit.ChangeAsync(change, async id =>
        {
            var steps = new AuditProgress(audit, id, progress);
            steps.Report(Step(host, vm, command, OperationStepStatus.Running));
            var result = await WithCredentialAsync(actor, host, vm, known, ask, what, work);
            steps.Report(Step(host, vm, command, result.Outcome switch
            {
                OperationOutcome.Succeeded => OperationStepStatus.Done,
                OperationOutcome.Failed => OperationStepStatus.Failed,
                _ => OperationStepStatus.Skipped,
            }, result.HostMessage ?? (result.Problems.Count > 0 ? string.Join(" ", result.Problems.Select(p => p.Message)) : null)));
            return result;
        }, CancellationToken.None);
    }

    private static OperationStep Step(string host, VmSnapshot vm, string command, OperationStepStatus status, string? said = null) =>
        new(host, vm.Id, vm.Name, 0, OperationStepKind.ChangeGuestSwitch, $"{command} (inside the guest, over PowerShell Direct)", status, said);

    private async Task<L1SwitchResult> WithCredentialAsync(
        Actor actor, string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, string what, Func<IL1Hypervisor, GuestCredential, Task<L1SwitchesReading>> work)
    {
        ArgumentNullException.ThrowIfNull(ask);
        if (hosts.Find(host) is not IL1Hypervisor hypervisor)
        {
            return new(OperationOutcome.Failed, $"{what}: the dashboard has no host '{host}' that can reach its guests.", null, null, null, []);
        }

        var credential = known ?? await credentials.FindAsync(host, vm.Id);
        var remember = false;
        string? problem = null;
        try
        {
            while (true)
            {
                if (credential is null)
                {
                    if (await ask(problem) is not { } answer)
                    {
                        return new(OperationOutcome.Canceled, $"{what}: canceled, no guest credentials were given.", null, null, null, []);
                    }

                    (credential, remember) = (answer.Credential, answer.Remember);
                }

                try
                {
                    var reading = await work(hypervisor, credential);
                    await KeepAsync(actor, host, vm, credential, remember);
                    return new(OperationOutcome.Succeeded, $"{what}: done.", null, reading, credential, []);
                }
                catch (HostOperationException ex) when (ex.Kind == HostErrorKind.GuestAuthenticationFailed)
                {
                    await credentials.ForgetAsync(host, vm.Id);
                    credential = null;
                    problem = $"VM '{vm.Name}' on host '{host}' refused the user name or password. The guest said: {GuestSetup.GuestWords(ex.HostMessage)}";
                }
                catch (L1SwitchRefusedException ex)
                {
                    await KeepAsync(actor, host, vm, credential, remember);
                    return new(OperationOutcome.Refused, $"{what}: refused before anything ran.", null, null, credential, ex.Problems);
                }
                catch (HostOperationException ex)
                {
                    return new(OperationOutcome.Failed, $"{what} failed at: {ex.Operation}.", ex.HostMessage, null, credential, []);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new(OperationOutcome.Failed, $"{what} could not be run.", ex.Message, null, credential, []);
        }
    }

    // Remembering a guest credential is an Administrator's (as in GuestSetup); anyone else's is used for this visit only.
    private async Task KeepAsync(Actor actor, string host, VmSnapshot vm, GuestCredential credential, bool remember)
    {
        if (remember && actor.CanAdminister)
        {
            await credentials.RememberAsync(host, vm.Id, credential);
        }
    }

    private static AuditCompletion Completion(L1SwitchResult result)
    {
        var message = result.Problems.Count == 0 ? result.Message : $"{result.Message} {string.Join(" ", result.Problems.Select(p => p.Message))}";
        return new AuditCompletion(ChangeAudit.ResultOf(result.Outcome), message, null, result.HostMessage);
    }
}
