using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Guests;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.Networking;

/// <summary>What the user typed in the credential dialog.</summary>
/// <param name="Credential">The guest account.</param>
/// <param name="Remember">True to keep it (encrypted) for this VM once the guest accepted it.</param>
public sealed record GuestCredentialAnswer(GuestCredential Credential, bool Remember);

/// <summary>Asks the user for the guest's credentials; <paramref name="problem"/> says why again (null the first time). Null when the user cancels.</summary>
public delegate Task<GuestCredentialAnswer?> GuestCredentialPrompt(string? problem);

/// <summary>How a guest action ended.</summary>
/// <param name="Outcome">Succeeded, Refused (nothing ran), Failed or Canceled (no credentials given).</param>
/// <param name="Message">One line for the user naming the host and the VM.</param>
/// <param name="HostMessage">What the host or guest said, verbatim, when it failed.</param>
/// <param name="State">The guest's state afterwards, when it was read.</param>
/// <param name="Credential">The credential the guest accepted, for the page to reuse during this visit; null when none was.</param>
/// <param name="Problems">Why a NAT request was refused.</param>
public sealed record GuestActionResult(
    OperationOutcome Outcome,
    string Message,
    string? HostMessage,
    GuestNetworkState? State,
    GuestCredential? Credential,
    IReadOnlyList<NatNetworkProblem> Problems) : ChangeResult(Outcome, Message, HostMessage);

/// <summary>
/// Guest actions over PowerShell Direct (read the guest's networking, create or remove its NAT, install Hyper-V), with the
/// credential taken from this visit, the remembered store or the user; a credential the guest refuses is forgotten and asked
/// for again. Changes need the Operator role (checked here); remembering or forgetting a credential needs Administrator.
/// Every change is stored in the audit trail before it runs and completed after, never with a credential. Every state the guest
/// returns (a read, the fresh read after a NAT change or Hyper-V's install) is kept with the VM in <see cref="GuestFactsStore"/>.
/// </summary>
public sealed class GuestSetup(IHostLookup hosts, GuestCredentialStore credentials, IAuditTrail audit, GuestFactsStore? facts = null)
{
    /// <summary>Reads the guest's switches, NAT, addresses and OS. Not audited: it changes nothing.</summary>
    public Task<GuestActionResult> ReadStateAsync(Actor actor, string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, CancellationToken cancellationToken = default) =>
        RunAsync(actor, host, vm, known, ask, null, "Read the guest's networking", (n, c) => n.GetGuestNetworkStateAsync(vm.Id, c, cancellationToken), auditToken: CancellationToken.None);

    /// <summary>Creates the NAT network the request describes (the engine validates it against a fresh read first).</summary>
    public Task<GuestActionResult> CreateNatAsync(Actor actor, string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, NatNetworkRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(actor, host, vm, known, ask, "Create guest NAT", $"Create NAT '{request.NatName}' ({request.Prefix}, gateway {request.Gateway}) on switch '{request.SwitchName}'",
            (n, c) => n.CreateNatNetworkAsync(vm.Id, c, request, cancellationToken), auditToken: CancellationToken.None);
    }

    /// <summary>Removes the NAT and the switch (either may be null).</summary>
    public Task<GuestActionResult> RemoveNatAsync(Actor actor, string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, string? natName, string? switchName, CancellationToken cancellationToken = default) =>
        RunAsync(actor, host, vm, known, ask, "Remove guest NAT", $"Remove NAT '{natName ?? "(none)"}' and switch '{switchName ?? "(none)"}'",
            (n, c) => n.RemoveNatNetworkAsync(vm.Id, c, natName, switchName, cancellationToken), auditToken: CancellationToken.None);

    /// <summary>The audit trail's name for a Hyper-V install in a guest.</summary>
    public const string InstallAction = "Install Hyper-V in guest";

    /// <summary>
    /// Installs Hyper-V in the guest, reporting the engine's progress words; refused at once when nested virtualization is off.
    /// <paramref name="begun"/> is given the audit entry's id once it is stored (for a link to it).
    /// </summary>
    public async Task<GuestActionResult> InstallHyperVAsync(
        Actor actor, string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, IProgress<string>? progress, Action<long>? begun = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(vm);

        // Each progress word is noted in the entry as it comes (before the host is asked for that step), so a dashboard killed
        // during the install leaves an Interrupted entry that says where it stopped and whether the VM may be left Off.
        var noted = new InstallProgressNotes(audit, progress);
        var nestedOff = vm.ExposeVirtualizationExtensions
            ? null
            : $"Install Hyper-V in VM '{vm.Name}' on host '{host}': refused, nested virtualization is off for this VM; turn it on first (the VM must be Off for that).";
        return await RunAsync(
            actor, host, vm, known, ask, InstallAction, "Install Hyper-V", (n, c) => n.InstallHyperVAsync(vm.Id, c, noted, cancellationToken), id =>
            {
                noted.Id = id;
                begun?.Invoke(id);
            },
            nestedOff, cancellationToken);
    }

    /// <summary>The install's progress words, passed on to the card and noted in its Started audit entry in the user's words.</summary>
    private sealed class InstallProgressNotes(IAuditTrail audit, IProgress<string>? inner) : IProgress<string>
    {
        public long? Id { get; set; }

        public void Report(string value)
        {
            if (Id is { } id && NoteOf(value) is { } note)
            {
                audit.NoteProgress(id, note);
            }

            inner?.Report(value);
        }

        /// <summary>Where the install is, as the Interrupted entry will say it; null for a word that changes nothing to say.</summary>
        public static string? NoteOf(string word) => word switch
        {
            HyperVInstallProgress.Installing =>
                "It was at 'Install Hyper-V' in the guest (running in the guest). Read the guest again: Hyper-V may be installed, waiting for a restart, or not installed.",
            HyperVInstallProgress.Restarting =>
                "Hyper-V was installed in the guest and the VM was restarting to finish it. Read the guest again; if Hyper-V still waits for a restart, restart the VM.",
            HyperVInstallProgress.ShuttingDown =>
                $"It was at '{HyperVInstallProgress.RestartStepTitle("Stop-VM")}' (running on the host). Hyper-V is installed in the guest and waits for this restart. " +
                "The VM was being shut down by this change: it may be left Off; start it if it should run (that also finishes the install).",
            HyperVInstallProgress.StartingAgain =>
                $"It was at '{HyperVInstallProgress.RestartStepTitle("Start-VM")}' (running on the host). Hyper-V is installed in the guest and waits for this restart. " +
                "This change had shut down the VM and was starting it again: the VM may be left Off; start it if it should run (that also finishes the install).",
            HyperVInstallProgress.WaitingForGuest =>
                "The VM was restarted to finish installing Hyper-V; it was waiting for the guest to answer. Read the guest again.",
            HyperVInstallProgress.StillRunning =>
                "Installing Hyper-V outlasted its time limit and was left to finish in the guest. Read the guest again.",
            _ => null,
        };
    }

    /// <summary>Forgets the VM's remembered credential (Administrator only); the result says what happened.</summary>
    public async Task<GuestActionResult> ForgetCredentialAsync(Actor actor, string host, VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(vm);
        var change = new AuditedChange<GuestActionResult>(
            Start(actor, host, vm, "Forget guest credentials", "Forget the remembered guest credentials"),
            $"Forgetting the guest credentials of VM '{vm.Name}' on host '{host}'",
            refusal => new(OperationOutcome.Refused, refusal, null, null, null, []),
            Completion)
        {
            NeededRole = DashboardRoles.Administrator,
        };
        return await audit.ChangeAsync(change, async _ =>
        {
            var forgotten = await credentials.ForgetAsync(host, vm.Id);
            return new GuestActionResult(
                forgotten ? OperationOutcome.Succeeded : OperationOutcome.Refused,
                forgotten ? $"The guest credentials of VM '{vm.Name}' on host '{host}' were forgotten." : $"No guest credentials were remembered for VM '{vm.Name}' on host '{host}'.",
                null, null, null, []);
        });
    }

    private async Task<GuestActionResult> RunAsync(
        Actor actor, string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, string? action, string what, Func<INestedNetworking, GuestCredential, Task<GuestNetworkState>> work,
        Action<long>? begun = null, string? invalid = null, CancellationToken auditToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentNullException.ThrowIfNull(ask);
        var prefix = $"{what} in VM '{vm.Name}' on host '{host}'";
        if (action is null)
        {
            // A read changes nothing: not audited.
            return await RunOnGuestAsync(actor, host, vm, known, ask, prefix, work, changes: false);
        }

        var change = new AuditedChange<GuestActionResult>(
            Start(actor, host, vm, action, what), prefix, refusal => new(OperationOutcome.Refused, refusal, null, null, known, []), Completion)
        {
            NeededRole = DashboardRoles.Operator,
            Invalid = invalid,

            // The page closed mid-way: the entry still ends, so it never stays "Started".
            Escaped = ex => ex is OperationCanceledException
                ? new AuditCompletion(AuditResults.Canceled, $"{prefix}: canceled before it ended (the page was closed or stopped waiting); the guest may still finish it, check the guest.")
                : null,
        };
        return await audit.ChangeAsync(change, id =>
        {
            begun?.Invoke(id);
            return RunOnGuestAsync(actor, host, vm, known, ask, prefix, work, changes: true);
        }, auditToken);
    }

    private async Task<GuestActionResult> RunOnGuestAsync(
        Actor actor, string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, string prefix, Func<INestedNetworking, GuestCredential, Task<GuestNetworkState>> work, bool changes)
    {
        try
        {
            return hosts.Find(host) is not INestedNetworking networking
                ? new(OperationOutcome.Failed, $"{prefix}: the dashboard has no host '{host}' that can reach its guests.", null, null, null, [])
                : await WithCredentialAsync(actor, host, vm, known, ask, prefix, networking, work, changes);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new(OperationOutcome.Failed, $"{prefix} could not be run.", ex.Message, null, null, []);
        }
    }

    private async Task<GuestActionResult> WithCredentialAsync(
        Actor actor, string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, string prefix, INestedNetworking networking, Func<INestedNetworking, GuestCredential, Task<GuestNetworkState>> work, bool changes)
    {
        var credential = known ?? await credentials.FindAsync(host, vm.Id);
        var remember = false;
        string? problem = null;
        while (true)
        {
            if (credential is null)
            {
                if (await ask(problem) is not { } answer)
                {
                    return new(OperationOutcome.Canceled, $"{prefix}: canceled, no guest credentials were given.", null, null, null, []);
                }

                (credential, remember) = (answer.Credential, answer.Remember);
            }

            try
            {
                var state = await work(networking, credential);
                facts?.Record(host, vm.Id, state);
                var kept = await KeepAsync(actor, host, vm, credential, remember);
                return new(OperationOutcome.Succeeded, $"{prefix}: done.{kept}", null, state, credential, []);
            }
            catch (HostOperationException ex) when (ex.Kind == HostErrorKind.GuestAuthenticationFailed)
            {
                // A refused credential is never kept: forget any remembered one and ask again, saying why.
                await credentials.ForgetAsync(host, vm.Id);
                credential = null;
                problem = $"VM '{vm.Name}' on host '{host}' refused the user name or password. The guest said: {GuestWords(ex.HostMessage)}";
            }
            catch (NatNetworkRefusedException ex)
            {
                var kept = await KeepAsync(actor, host, vm, credential, remember);
                return new(OperationOutcome.Refused, $"{prefix}: refused before anything ran.{kept}", null, null, credential, ex.Problems);
            }
            catch (HostOperationException ex)
            {
                return new(OperationOutcome.Failed, $"{prefix} failed at: {ex.Operation}.{(changes ? LostMidway(ex) : "")}", ex.HostMessage, null, credential, []);
            }
        }
    }

    /// <summary>
    /// PowerShell Direct's own words from the engine's message, which already says "the guest refused the user name or
    /// password": the dialog says that once, then what the guest said.
    /// </summary>
    internal static string GuestWords(string? hostMessage)
    {
        const string Marker = "PowerShell Direct said: ";
        var message = hostMessage ?? "";
        var at = message.IndexOf(Marker, StringComparison.Ordinal);
        return at < 0 ? message : message[(at + Marker.Length)..].TrimEnd(')');
    }

    /// <summary>
    /// For a change whose host was lost or stopped answering while it ran: a sentence saying the guest may be half-done, since the
    /// guest's own undo (which runs when a step fails) cannot run on a host that is gone. Empty for any other failure.
    /// </summary>
    private static string LostMidway(HostOperationException ex) => ex.Kind is HostErrorKind.Unreachable or HostErrorKind.Timeout
        ? " The host was lost while it ran, so how far the guest got is not known: the guest may be left with some of these steps done and not undone. Read the guest state again (the card's Read again) before retrying."
        : "";

    /// <summary>Remembers the credential when asked and allowed; returns a sentence when it was asked but not allowed.</summary>
    private async Task<string> KeepAsync(Actor actor, string host, VmSnapshot vm, GuestCredential credential, bool remember)
    {
        if (!remember)
        {
            return "";
        }

        if (!actor.CanAdminister)
        {
            return $" The credentials were not remembered: remembering guest credentials needs the {DashboardRoles.Administrator} role.";
        }

        await credentials.RememberAsync(host, vm.Id, credential);
        return "";
    }

    private static AuditStart Start(Actor actor, string host, VmSnapshot vm, string action, string what) =>
        new(actor, action, host, vm.Name, vm.Id, new { command = what }, ChangeAudit.StateOf(vm));

    private static AuditCompletion Completion(GuestActionResult result)
    {
        var message = result.Problems.Count == 0 ? result.Message : $"{result.Message} {string.Join(" ", result.Problems.Select(p => p.Message))}";
        return new AuditCompletion(ChangeAudit.ResultOf(result.Outcome), message, null, result.HostMessage);
    }
}
