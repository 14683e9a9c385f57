using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Networking;

/// <summary>
/// A host's own virtual switches and connecting its VMs' adapters to one (Connect-VMNetworkAdapter on that host). An L1 added
/// to the dashboard as a host offers it for its L2 VMs: the VmNAT (internal) or the external switch inside the L1.
/// Failures are HostOperationExceptions naming the host, the VM, what was tried and what the host said.
/// </summary>
public interface IVmSwitchConnections
{
    /// <summary>The host's virtual switches with their types (Get-VMSwitch).</summary>
    Task<IReadOnlyList<L1Switch>> GetHostSwitchesAsync(CancellationToken cancellationToken = default);

    /// <summary>Connects adapter <paramref name="adapterName"/> (every adapter when null) of VM <paramref name="vmId"/> to <paramref name="switchName"/>; returns the VM afterwards.</summary>
    Task<VmSnapshot> ConnectVmAdapterAsync(Guid vmId, string? adapterName, string switchName, CancellationToken cancellationToken = default);
}
