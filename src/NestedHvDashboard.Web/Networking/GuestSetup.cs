using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;
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
    GuestActionOutcome Outcome,
    string Message,
    string? HostMessage,
    GuestNetworkState? State,
    GuestCredential? Credential,
    IReadOnlyList<NatNetworkProblem> Problems)
{
    public bool Succeeded => Outcome == GuestActionOutcome.Succeeded;
}

/// <summary>How a guest action ended.</summary>
public enum GuestActionOutcome
{
    Succeeded,
    Refused,
    Failed,
    Canceled,
}

/// <summary>
/// Guest actions over PowerShell Direct (read the guest's networking, create or remove its NAT, install Hyper-V), with the
/// credential taken from this visit, the remembered store or the user; a credential the guest refuses is forgotten and asked
/// for again. Every change is recorded in the <see cref="ActivityLog"/>, never with a credential.
/// </summary>
public sealed class GuestSetup(IHostLookup hosts, GuestCredentialStore credentials, ActivityLog activity, TimeProvider time)
{
    /// <summary>Reads the guest's switches, NAT, addresses and OS. Not recorded: it changes nothing.</summary>
    public Task<GuestActionResult> ReadStateAsync(string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, CancellationToken cancellationToken = default) =>
        RunAsync(host, vm, known, ask, null, "Read the guest's networking", (n, c) => n.GetGuestNetworkStateAsync(vm.Id, c, cancellationToken));

    /// <summary>Creates the NAT network the request describes (the engine validates it against a fresh read first).</summary>
    public Task<GuestActionResult> CreateNatAsync(string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, NatNetworkRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(host, vm, known, ask, "Create guest NAT", $"Create NAT '{request.NatName}' ({request.Prefix}, gateway {request.Gateway}) on switch '{request.SwitchName}'",
            (n, c) => n.CreateNatNetworkAsync(vm.Id, c, request, cancellationToken));
    }

    /// <summary>Removes the NAT and the switch (either may be null).</summary>
    public Task<GuestActionResult> RemoveNatAsync(string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, string? natName, string? switchName, CancellationToken cancellationToken = default) =>
        RunAsync(host, vm, known, ask, "Remove guest NAT", $"Remove NAT '{natName ?? "(none)"}' and switch '{switchName ?? "(none)"}'",
            (n, c) => n.RemoveNatNetworkAsync(vm.Id, c, natName, switchName, cancellationToken));

    /// <summary>Installs Hyper-V in the guest, reporting the engine's progress words; refused at once when nested virtualization is off.</summary>
    public Task<GuestActionResult> InstallHyperVAsync(string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, IProgress<string>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vm);
        if (!vm.ExposeVirtualizationExtensions)
        {
            var refused = new GuestActionResult(
                GuestActionOutcome.Refused,
                $"Install Hyper-V in VM '{vm.Name}' on host '{host}': refused, nested virtualization is off for this VM; turn it on first (the VM must be Off for that).",
                null, null, known, []);
            Record(host, vm, "Install Hyper-V in guest", refused);
            return Task.FromResult(refused);
        }

        return RunAsync(host, vm, known, ask, "Install Hyper-V in guest", "Install Hyper-V", (n, c) => n.InstallHyperVAsync(vm.Id, c, progress, cancellationToken));
    }

    private async Task<GuestActionResult> RunAsync(
        string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, string? action, string what, Func<INestedNetworking, GuestCredential, Task<GuestNetworkState>> work)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentNullException.ThrowIfNull(ask);
        var prefix = $"{what} in VM '{vm.Name}' on host '{host}'";
        GuestActionResult result;
        try
        {
            if (hosts.Find(host) is not INestedNetworking networking)
            {
                result = new(GuestActionOutcome.Failed, $"{prefix}: the dashboard has no host '{host}' that can reach its guests.", null, null, null, []);
            }
            else
            {
                result = await WithCredentialAsync(host, vm, known, ask, prefix, networking, work);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            result = new(GuestActionOutcome.Failed, $"{prefix} could not be run.", ex.Message, null, null, []);
        }

        if (action is not null && result.Outcome != GuestActionOutcome.Canceled)
        {
            Record(host, vm, action, result);
        }

        return result;
    }

    private async Task<GuestActionResult> WithCredentialAsync(
        string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, string prefix, INestedNetworking networking, Func<INestedNetworking, GuestCredential, Task<GuestNetworkState>> work)
    {
        var credential = known ?? credentials.Find(host, vm.Id);
        var remember = false;
        string? problem = null;
        while (true)
        {
            if (credential is null)
            {
                if (await ask(problem) is not { } answer)
                {
                    return new(GuestActionOutcome.Canceled, $"{prefix}: canceled, no guest credentials were given.", null, null, null, []);
                }

                (credential, remember) = (answer.Credential, answer.Remember);
            }

            try
            {
                var state = await work(networking, credential);
                Keep(host, vm, credential, remember);
                return new(GuestActionOutcome.Succeeded, $"{prefix}: done.", null, state, credential, []);
            }
            catch (HostOperationException ex) when (ex.Kind == HostErrorKind.GuestAuthenticationFailed)
            {
                // A refused credential is never kept: forget any remembered one and ask again, saying why.
                credentials.Forget(host, vm.Id);
                credential = null;
                problem = $"VM '{vm.Name}' on host '{host}' refused the user name or password. The guest said: {ex.HostMessage}";
            }
            catch (NatNetworkRefusedException ex)
            {
                Keep(host, vm, credential, remember);
                return new(GuestActionOutcome.Refused, $"{prefix}: refused before anything ran.", null, null, credential, ex.Problems);
            }
            catch (HostOperationException ex)
            {
                return new(GuestActionOutcome.Failed, $"{prefix} failed.", ex.HostMessage, null, credential, []);
            }
        }
    }

    private void Keep(string host, VmSnapshot vm, GuestCredential credential, bool remember)
    {
        if (remember)
        {
            credentials.Remember(host, vm.Id, credential);
        }
    }

    private void Record(string host, VmSnapshot vm, string action, GuestActionResult result)
    {
        var message = result.Problems.Count == 0 ? result.Message : $"{result.Message} {string.Join(" ", result.Problems.Select(p => p.Message))}";
        activity.Append(new ActivityEntry(time.GetUtcNow(), host, vm.Name, vm.Id, action, result.Outcome.ToString(), message, result.HostMessage));
    }
}
