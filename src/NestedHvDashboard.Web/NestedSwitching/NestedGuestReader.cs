using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Networking;

namespace NestedHvDashboard.Web.NestedSwitching;

/// <summary>What an L1's guest was found running, for the nested switch's dialog and the nesting tree.</summary>
/// <param name="Read">True when the guest (or the L1's own host entry) answered.</param>
/// <param name="HyperVRuns">True when Hyper-V runs in the guest.</param>
/// <param name="Vms">The guest's VMs (the L2 VMs) with their states.</param>
/// <param name="Source">Where it was read, in the user's words.</param>
/// <param name="Problem">Why it could not be read, when it could not; null otherwise.</param>
/// <param name="Credential">The credential the guest accepted (kept for this visit), or null when none was used.</param>
public sealed record NestedGuestReading(bool Read, bool HyperVRuns, IReadOnlyList<GuestVm> Vms, string Source, string? Problem, GuestCredential? Credential)
{
    /// <summary>The L2 VMs that run now: they stop working when the L1 stops.</summary>
    public IReadOnlyList<GuestVm> Running => [.. Vms.Where(v => v.IsRunning)];

    /// <summary>A guest that could not be read, saying why.</summary>
    public static NestedGuestReading Unread(string problem, string source) => new(false, false, [], source, problem, null);
}

/// <summary>
/// Reads an L1 guest's L2 VMs before its nested setting or power changes: from the dashboard's own inventory of the L1 when it
/// was added as a host, else inside the guest over PowerShell Direct with the guest credential flow (this visit's credential,
/// the remembered one, or the user's; a refused one is forgotten and asked for again). Reading changes nothing: not audited.
/// The credential store is resolved only when a guest is read over PowerShell Direct, so pages that show the nesting tree
/// need no database until then.
/// </summary>
public sealed class NestedGuestReader(IHostLookup hosts, IServiceProvider services, InventoryStore? inventory = null)
{
    private GuestCredentialStore Credentials => services.GetRequiredService<GuestCredentialStore>();

    /// <summary>The source named for a reading over PowerShell Direct.</summary>
    public const string PowerShellDirect = "read inside the guest over PowerShell Direct (Get-VM)";

    /// <summary>Reads the guest of L1 <paramref name="vm"/> on <paramref name="host"/>.</summary>
    public async Task<NestedGuestReading> ReadAsync(Actor actor, string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(vm);
        if (FromInventory(host, vm.Id) is { } listed)
        {
            return listed;
        }

        var (reading, credential, problem) = await WithCredentialAsync(actor, host, vm, known, ask, cancellationToken);
        return reading is null
            ? NestedGuestReading.Unread(problem!, PowerShellDirect)
            : new NestedGuestReading(true, reading.HyperVRuns, reading.Vms, PowerShellDirect, null, credential);
    }

    /// <summary>
    /// A credential the guest accepts, checked by reading it (the cascade's first step needs one even when the L1's host entry
    /// listed the L2 VMs); null with why not when none was given or the guest could not be reached.
    /// </summary>
    public async Task<(GuestCredential? Credential, string? Problem)> CredentialAsync(Actor actor, string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, CancellationToken cancellationToken = default)
    {
        var (_, credential, problem) = await WithCredentialAsync(actor, host, vm, known, ask, cancellationToken);
        return (credential, problem);
    }

    /// <summary>The L2 VMs from the inventory of the host the L1 was added as, when the dashboard has read it; else null.</summary>
    public NestedGuestReading? FromInventory(string host, Guid vmId)
    {
        if (hosts is not HostDirectory directory || inventory is null || directory.NestedHostNamed(host, vmId) is not { } added
            || inventory.GetSnapshot(added).Find(added) is not { ReadAt: not null } state)
        {
            return null;
        }

        var vms = state.Vms.Select(v => new GuestVm(v.Id, v.Name, v.State)).ToList();
        return new NestedGuestReading(true, true, vms, $"listed by host '{added}' (this VM added as a host)", null, null);
    }

    private async Task<(GuestVmsReading? Reading, GuestCredential? Credential, string? Problem)> WithCredentialAsync(
        Actor actor, string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(ask);
        var target = $"VM '{vm.Name}' on host '{host}'";
        if (hosts.Find(host) is not IGuestVms guest)
        {
            return (null, null, $"The dashboard has no host '{host}' that can reach the guest of {target}.");
        }

        var credential = known ?? await Credentials.FindAsync(host, vm.Id, cancellationToken);
        var remember = false;
        string? problem = null;
        while (true)
        {
            if (credential is null)
            {
                if (await ask(problem) is not { } answer)
                {
                    return (null, null, $"The guest of {target} was not read: no guest credentials were given.");
                }

                (credential, remember) = (answer.Credential, answer.Remember);
            }

            try
            {
                var reading = await guest.GetGuestVmsAsync(vm.Id, credential, cancellationToken);
                if (remember && actor.CanAdminister)
                {
                    await Credentials.RememberAsync(host, vm.Id, credential, cancellationToken);
                }

                return (reading, credential, null);
            }
            catch (HostOperationException ex) when (ex.Kind == HostErrorKind.GuestAuthenticationFailed)
            {
                await Credentials.ForgetAsync(host, vm.Id, cancellationToken);
                credential = null;
                problem = $"VM '{vm.Name}' on host '{host}' refused the user name or password. The guest said: {GuestSetup.GuestWords(ex.HostMessage)}";
            }
            catch (HostOperationException ex)
            {
                return (null, null, $"The guest of {target} could not be read: {ex.HostMessage ?? ex.Message}");
            }
        }
    }
}
