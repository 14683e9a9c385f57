using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Networking;

/// <summary>
/// The L2 VMs inside an L1 guest, read and powered over PowerShell Direct from the L1's Hyper-V host (Get-VM, Stop-VM and
/// Start-VM run inside the guest). Kept apart from <see cref="INestedNetworking"/> so the cascade's guest script stays its own.
/// Failures are HostOperationExceptions naming the host, the L1, what was tried and what the guest said.
/// </summary>
public interface IGuestVms
{
    /// <summary>Whether Hyper-V runs inside the guest of L1 <paramref name="vmId"/>, and its VMs with their states.</summary>
    Task<GuestVmsReading> GetGuestVmsAsync(Guid vmId, GuestCredential credential, CancellationToken cancellationToken = default);

    /// <summary>Shuts L2 VM <paramref name="nestedVmId"/> down inside the guest (Stop-VM -Force: the L2 guest's own shutdown); returns it as left.</summary>
    Task<GuestVm> StopGuestVmAsync(Guid vmId, GuestCredential credential, Guid nestedVmId, CancellationToken cancellationToken = default);

    /// <summary>Starts L2 VM <paramref name="nestedVmId"/> inside the guest (Start-VM); returns it as left.</summary>
    Task<GuestVm> StartGuestVmAsync(Guid vmId, GuestCredential credential, Guid nestedVmId, CancellationToken cancellationToken = default);
}

/// <summary>One L2 VM inside an L1 guest, as the guest's Get-VM says.</summary>
/// <param name="Id">Its id in the guest's Hyper-V.</param>
/// <param name="Name">Its name.</param>
/// <param name="State">Its power state.</param>
public sealed record GuestVm(Guid Id, string Name, VmState State)
{
    /// <summary>True when the L2 VM runs (and so would stop working when its L1 stops).</summary>
    public bool IsRunning => State is VmState.Running or VmState.Starting or VmState.Paused or VmState.RunningCritical;
}

/// <summary>What an L1 guest's own Hyper-V has.</summary>
/// <param name="HyperVRuns">True when Hyper-V is installed and answers inside the guest.</param>
/// <param name="Vms">The guest's VMs (empty when Hyper-V does not run).</param>
public sealed record GuestVmsReading(bool HyperVRuns, IReadOnlyList<GuestVm> Vms)
{
    /// <summary>The guest's VMs that run now, in the guest's order.</summary>
    public IReadOnlyList<GuestVm> Running => [.. Vms.Where(v => v.IsRunning)];
}
