using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Hosts;

/// <summary>A host and all its VMs, read in one round trip.</summary>
/// <param name="Facts">The host's facts.</param>
/// <param name="Vms">Every VM on the host.</param>
/// <param name="ReadAt">When the host answered (UTC).</param>
public sealed record HostInventory(HostFacts Facts, IReadOnlyList<VmSnapshot> Vms, DateTimeOffset ReadAt);
