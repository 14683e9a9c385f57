using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Networking;

/// <summary>
/// Setting up an L1 guest for nested VMs, from its Hyper-V host: reading and changing the guest's networking
/// and installing Hyper-V inside it over PowerShell Direct, and creating a VM ready for nesting. Kept apart
/// from IHyperVHost so hosts and fakes that only watch VMs need not implement it. Failures are
/// HostOperationExceptions naming the host, the VM, what was tried and what the host or guest said.
/// </summary>
public interface INestedNetworking
{
    /// <summary>The guest's switches, NAT networks, IPv4 addresses, OS edition and Hyper-V state, read inside the running VM.</summary>
    Task<GuestNetworkState> GetGuestNetworkStateAsync(Guid vmId, GuestCredential credential, CancellationToken cancellationToken = default);

    /// <summary>
    /// Validates <paramref name="request"/> against a fresh read of the guest (nothing runs when it is refused:
    /// <see cref="NatNetworkRefusedException"/>), then creates the internal switch, the gateway address and the
    /// NAT in the guest; a failing step undoes the earlier ones. Returns the guest's state afterwards.
    /// </summary>
    Task<GuestNetworkState> CreateNatNetworkAsync(Guid vmId, GuestCredential credential, NatNetworkRequest request, CancellationToken cancellationToken = default);

    /// <summary>Removes the NAT <paramref name="natName"/> and the switch <paramref name="switchName"/> (either may be null) from the guest.</summary>
    Task<GuestNetworkState> RemoveNatNetworkAsync(Guid vmId, GuestCredential credential, string? natName, string? switchName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Installs Hyper-V in the guest (Server: Install-WindowsFeature -Restart; client: Enable-WindowsOptionalFeature,
    /// then a restart of the VM from the host) and returns once the guest answers with Hyper-V installed.
    /// Reports <see cref="HyperVInstallProgress"/> steps. Refused when nested virtualization is off.
    /// </summary>
    Task<GuestNetworkState> InstallHyperVAsync(Guid vmId, GuestCredential credential, IProgress<string>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a generation 2 VM ready for nesting (see <see cref="NewVmPlan"/>); a refused request throws
    /// <see cref="NewVmRefusedException"/> before anything runs, and a failing step removes the half-created VM.
    /// Reports <see cref="NewVmPlan.Steps"/> to <paramref name="progress"/>: each Pending once the request is accepted, then
    /// Running as the host begins it (before its cmdlet runs) and Done once the host goes past it, or Failed when it failed.
    /// </summary>
    Task<VmSnapshot> CreateVmAsync(NewVmRequest request, IProgress<OperationStep>? progress = null, CancellationToken cancellationToken = default);
}

/// <summary>The steps <see cref="INestedNetworking.InstallHyperVAsync"/> reports, in order.</summary>
public static class HyperVInstallProgress
{
    public const string Installing = "installing";
    public const string Restarting = "restarting";
    public const string WaitingForGuest = "waiting for the guest";
    public const string StillRunning = "still running on the host — checking";
    public const string Installed = "installed";

    /// <summary>A client's host-side restart (its cmdlet cannot restart over PowerShell Direct): the host shuts the VM down.</summary>
    public const string ShuttingDown = "shutting the VM down for the restart (Stop-VM)";

    /// <summary>A client's host-side restart: the VM was shut down, the host starts it again.</summary>
    public const string StartingAgain = "starting the VM again (Start-VM)";

    /// <summary>How a step of a client's host-side restart is named in results and in the audit trail.</summary>
    public static string RestartStepTitle(string command) => $"Restart the VM to finish installing Hyper-V ({command})";
}

/// <summary>A NAT request the validator refused; nothing ran in the guest.</summary>
public sealed class NatNetworkRefusedException(string hostName, string vmName, IReadOnlyList<NatNetworkProblem> problems)
    : Exception($"Create NAT network in VM '{vmName}' on host '{hostName}': refused before anything ran: {string.Join(" ", problems.Select(p => p.ToString()))}")
{
    public IReadOnlyList<NatNetworkProblem> Problems { get; } = problems;
}

/// <summary>A new-VM request the validator refused; nothing ran on the host.</summary>
public sealed class NewVmRefusedException(string hostName, IReadOnlyList<NewVmProblem> problems)
    : Exception($"New-VM on host '{hostName}': refused before anything ran: {string.Join(" ", problems.Select(p => p.ToString()))}")
{
    public IReadOnlyList<NewVmProblem> Problems { get; } = problems;
}
