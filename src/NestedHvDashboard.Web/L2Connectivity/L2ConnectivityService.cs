using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.L2Connectivity;

/// <summary>
/// Applies L2 guests' addresses and tests their connectivity, inside the L2s over two PowerShell Direct hops from the L1's host
/// (<see cref="IL2Networking"/>). Applying is an audited change needing the Operator role, made under the L1's lock (no other
/// change to the L1 runs meanwhile), one live step per L2; each L2 is validated against a fresh read before anything runs in it,
/// and a failing step is undone in that L2. Testing changes nothing: it is audited as a read. The L1's credential comes from the
/// caller (the guest card's visit or the remembered one); each L2's from the caller or the remembered one, kept per host, L1
/// and L2 name (<see cref="GuestCredentialStore.L2Key"/>); a credential an L2 refuses is forgotten.
/// </summary>
public sealed class L2ConnectivityService(IHostLookup hosts, GuestCredentialStore credentials, IAuditTrail audit, NestedVirtualizationOperations locks)
{
    /// <summary>The audit trail's name for applying L2 addresses.</summary>
    public const string ApplyAction = "Apply L2 addresses";

    /// <summary>The audit trail's name for a connectivity test.</summary>
    public const string TestAction = "Test L2 connectivity";

    /// <summary>Whether a credential is remembered for the L2.</summary>
    public async Task<bool> IsRememberedAsync(string host, Guid l1VmId, string l2VmName) => await credentials.FindL2Async(host, l1VmId, l2VmName) is not null;

    /// <summary>Applies each item's address in its L2, in order, reporting one step per L2; a refused or failed L2 does not stop the others.</summary>
    public async Task<L2ApplyResult> ApplyAsync(
        Actor actor, string host, VmSnapshot l1, GuestCredential l1Credential, IReadOnlyList<L2AddressItem> items, IProgress<OperationStep>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(l1);
        ArgumentNullException.ThrowIfNull(items);
        var what = $"Applying the addresses of {Names(items)} inside VM '{l1.Name}' on host '{host}'";
        var parameters = items.Select(i => new
        {
            l2 = i.L2VmName,
            address = $"{i.Request.IpAddress}/{i.Request.PrefixLength}",
            gateway = i.Request.Gateway,
            dns = i.Request.DnsServer,
            commands = L2AddressCommands.For(host, l1.Name, i.L2VmName, i.Request, l1.Id).Select(c => $"{c.Where}: {c.Command.DisplayText}").ToList(),
        }).ToList();
        var change = new AuditedChange<L2ApplyResult>(
            new AuditStart(actor, ApplyAction, host, l1.Name, l1.Id, new { l2s = parameters }, ChangeAudit.StateOf(l1)),
            what,
            refusal => new(OperationOutcome.Refused, refusal, null, []),
            result => new AuditCompletion(ChangeAudit.ResultOf(result.Outcome), Summary(result), null, result.HostMessage))
        {
            NeededRole = DashboardRoles.Operator,
            Denied = refusal => new(OperationOutcome.Denied, refusal, null, []),
            Invalid = items.Count == 0 ? $"{what}: no L2 VM was chosen." : null,
            Escaped = ex => ex is OperationCanceledException
                ? new AuditCompletion(AuditResults.Canceled, $"{what}: canceled before the guests answered; test the L2s' connectivity to see where they are.")
                : null,
        };
        return await audit.ChangeAsync(change, async id =>
        {
            if (hosts.Find(host) is not IL2Networking networking)
            {
                return new L2ApplyResult(OperationOutcome.Refused, $"The dashboard has no host '{host}' that can reach the guests of VM '{l1.Name}'; nothing was changed.", null, []);
            }

            using var held = locks.TryLock(host, l1.Id, l1.Name, out var busy);
            if (held is null)
            {
                return new L2ApplyResult(OperationOutcome.Busy, busy!, null, []);
            }

            var steps = new AuditProgress(audit, id, progress);
            for (var i = 0; i < items.Count; i++)
            {
                steps.Report(Step(host, l1, i, items[i], OperationStepStatus.Pending));
            }

            var outcomes = new List<L2AddressOutcome>();
            for (var i = 0; i < items.Count; i++)
            {
                steps.Report(Step(host, l1, i, items[i], OperationStepStatus.Running));
                var outcome = await ApplyOneAsync(actor, host, l1, l1Credential, items[i], networking, cancellationToken);
                outcomes.Add(outcome);
                steps.Report(Step(host, l1, i, items[i], outcome.Outcome == OperationOutcome.Succeeded ? OperationStepStatus.Done : OperationStepStatus.Failed, Why(outcome)));
            }

            var failed = outcomes.Count(o => o.Outcome != OperationOutcome.Succeeded);
            var overall = failed == 0 ? OperationOutcome.Succeeded : outcomes.All(o => o.Outcome == OperationOutcome.Refused) ? OperationOutcome.Refused : OperationOutcome.Failed;
            var message = failed == 0
                ? $"The addresses of {Names(items)} inside VM '{l1.Name}' on host '{host}' were applied."
                : $"{what}: {outcomes.Count - failed} of {outcomes.Count} applied; {string.Join(" ", outcomes.Where(o => o.Outcome != OperationOutcome.Succeeded).Select(o => o.Message))}";
            return new L2ApplyResult(overall, message, outcomes.FirstOrDefault(o => o.HostMessage is not null)?.HostMessage, outcomes);
        }, CancellationToken.None);
    }

    /// <summary>Tests the L2's gateway, DNS server and <see cref="L2ConnectivityRequest.Name"/>. Audited as a read: any signed-in user may test.</summary>
    public async Task<L2TestResult> TestAsync(
        Actor actor, string host, VmSnapshot l1, GuestCredential l1Credential, string l2VmName, GuestCredential? l2Credential, bool remember, L2ConnectivityRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(l1);
        ArgumentNullException.ThrowIfNull(request);
        var what = $"Testing the connectivity of L2 VM '{l2VmName}' inside VM '{l1.Name}' on host '{host}'";
        var change = new AuditedChange<L2TestResult>(
            new AuditStart(actor, TestAction, host, l1.Name, l1.Id, new { l2 = l2VmName, gateway = request.Gateway, dns = request.DnsServer, name = request.Name, read = true }, ChangeAudit.StateOf(l1)),
            what,
            refusal => new(OperationOutcome.Refused, refusal, null, null),
            result => new AuditCompletion(ChangeAudit.ResultOf(result.Outcome), result.Report is { } r ? $"{result.Message} {string.Join(" ", r.Hops.Select(h => $"{h.Hop}: {h.Detail}"))}" : result.Message, null, result.HostMessage))
        {
            NeededRole = DashboardRoles.Viewer,
        };
        return await audit.ChangeAsync(change, async _ =>
        {
            if (hosts.Find(host) is not IL2Networking networking)
            {
                return new L2TestResult(OperationOutcome.Refused, $"The dashboard has no host '{host}' that can reach the guests of VM '{l1.Name}'.", null, null);
            }

            if ((l2Credential ?? await credentials.FindL2Async(host, l1.Id, l2VmName, cancellationToken)) is not { } credential)
            {
                return new L2TestResult(OperationOutcome.Canceled, $"{what}: no credential of '{l2VmName}' was given.", null, null);
            }

            try
            {
                var report = await networking.TestL2ConnectivityAsync(l1.Id, l1Credential, l2VmName, credential, request, cancellationToken);
                var kept = await KeepAsync(actor, host, l1, l2VmName, l2Credential, remember, cancellationToken);
                var passed = report.Succeeded;
                return new L2TestResult(
                    OperationOutcome.Succeeded,
                    passed ? $"Every hop from L2 VM '{l2VmName}' answers.{kept}" : $"{report.Hops.Count(h => !h.Succeeded)} of {report.Hops.Count} hops from L2 VM '{l2VmName}' fail.{kept}",
                    null,
                    report);
            }
            catch (HostOperationException ex)
            {
                return new L2TestResult(OperationOutcome.Failed, await FailureAsync(host, l1, l2VmName, ex, cancellationToken), ex.HostMessage, null);
            }
        }, CancellationToken.None);
    }

    private async Task<L2AddressOutcome> ApplyOneAsync(Actor actor, string host, VmSnapshot l1, GuestCredential l1Credential, L2AddressItem item, IL2Networking networking, CancellationToken cancellationToken)
    {
        var l2 = item.L2VmName;
        if ((item.Credential ?? await credentials.FindL2Async(host, l1.Id, l2, cancellationToken)) is not { } credential)
        {
            return new(l2, OperationOutcome.Canceled, $"'{l2}': no credential was given and none is remembered.", null, [], null);
        }

        try
        {
            var after = await networking.ApplyL2AddressAsync(l1.Id, l1Credential, l2, credential, item.Request, cancellationToken);
            var kept = await KeepAsync(actor, host, l1, l2, item.Credential, item.Remember, cancellationToken);
            return new(l2, OperationOutcome.Succeeded, $"'{l2}' has {item.Request.IpAddress}/{item.Request.PrefixLength}.{kept}", null, [], after);
        }
        catch (L2AddressRefusedException ex)
        {
            return new(l2, OperationOutcome.Refused, $"'{l2}': refused before anything ran.", null, ex.Problems, null);
        }
        catch (HostOperationException ex)
        {
            return new(l2, OperationOutcome.Failed, await FailureAsync(host, l1, l2, ex, cancellationToken), ex.HostMessage, [], null);
        }
    }

    // A refused L2 credential is forgotten, so the next try asks for it; anything else says where it stopped.
    private async Task<string> FailureAsync(string host, VmSnapshot l1, string l2, HostOperationException ex, CancellationToken cancellationToken)
    {
        if (ex.Kind == HostErrorKind.GuestAuthenticationFailed && string.Equals(ex.VmName, l2, StringComparison.OrdinalIgnoreCase))
        {
            await credentials.ForgetL2Async(host, l1.Id, l2, cancellationToken);
            return $"'{l2}' refused the user name or password; enter its credential again.";
        }

        return ex.Kind == HostErrorKind.GuestAuthenticationFailed
            ? $"VM '{l1.Name}' refused its credential; read the guest again on the guest networking card."
            : $"'{l2}' failed at: {ex.Operation}.";
    }

    private async Task<string> KeepAsync(Actor actor, string host, VmSnapshot l1, string l2, GuestCredential? typed, bool remember, CancellationToken cancellationToken)
    {
        if (!remember || typed is null)
        {
            return "";
        }

        if (!actor.CanAdminister)
        {
            return $" Its credential was not remembered: that needs the {DashboardRoles.Administrator} role.";
        }

        await credentials.RememberL2Async(host, l1.Id, l2, typed, cancellationToken);
        return "";
    }

    private static OperationStep Step(string host, VmSnapshot l1, int index, L2AddressItem item, OperationStepStatus status, string? said = null) =>
        new(host, l1.Id, l1.Name, index, OperationStepKind.ApplyL2Address,
            $"In {l1.Name} → in {item.L2VmName}: New-NetIPAddress -IPAddress {item.Request.IpAddress} -PrefixLength {item.Request.PrefixLength}", status, said);

    // What a failed step says beside its title: the guest's words, else why it was refused, else the outcome's line.
    private static string? Why(L2AddressOutcome outcome) =>
        outcome.Outcome == OperationOutcome.Succeeded ? null
        : outcome.HostMessage ?? (outcome.Problems.Count > 0 ? string.Join(" ", outcome.Problems.Select(p => p.Message)) : outcome.Message);

    private static string Names(IReadOnlyList<L2AddressItem> items) =>
        items.Count == 1 ? $"L2 VM '{items[0].L2VmName}'" : $"L2 VMs {string.Join(", ", items.Select(i => $"'{i.L2VmName}'"))}";

    private static string Summary(L2ApplyResult result) =>
        result.Items.Count == 0 ? result.Message
        : $"{result.Message} {string.Join(" ", result.Items.Where(i => i.Problems.Count > 0).Select(i => $"{i.L2VmName}: {string.Join(" ", i.Problems.Select(p => p.Message))}"))}".TrimEnd();
}
