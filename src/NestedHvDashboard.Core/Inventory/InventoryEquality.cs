using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Inventory;

/// <summary>
/// Value equality for snapshots whose list members records compare by reference.
/// </summary>
public static class InventoryEquality
{
    /// <summary>True when both snapshots say the same, adapters compared one by one.</summary>
    public static bool SameAs(this VmSnapshot left, VmSnapshot right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return left with { NetworkAdapters = right.NetworkAdapters } == right
            && left.NetworkAdapters.SequenceEqual(right.NetworkAdapters);
    }

    /// <summary>True when both say the same, supported versions compared one by one.</summary>
    public static bool SameAs(this HostFacts? left, HostFacts? right)
    {
        if (left is null || right is null)
        {
            return left is null && right is null;
        }

        return left with { SupportedConfigVersions = right.SupportedConfigVersions } == right
            && left.SupportedConfigVersions.SequenceEqual(right.SupportedConfigVersions);
    }
}
