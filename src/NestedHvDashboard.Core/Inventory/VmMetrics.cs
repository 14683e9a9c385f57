using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Inventory;

/// <summary>The moving numbers of one VM: not a change of the VM, a reading.</summary>
/// <param name="VmId">The VM's id.</param>
/// <param name="CpuUsagePercent">CPU usage now, 0-100.</param>
/// <param name="Uptime">Time since the VM last started.</param>
public readonly record struct VmMetric(Guid VmId, int CpuUsagePercent, TimeSpan Uptime);

/// <summary>
/// A compact metric update for one host: only the VMs whose CPU or uptime moved since the
/// subscriber's last update. Never counted as a change: change batches, Activity and
/// pending-change triggers see only <see cref="InventoryChange"/>s.
/// </summary>
/// <param name="Host">The host's name.</param>
/// <param name="Vms">The VMs whose metrics moved.</param>
public sealed record HostMetrics(string Host, IReadOnlyList<VmMetric> Vms);

/// <summary>What a VM's CPU and uptime are (metrics) as opposed to what it is (a change).</summary>
public static class VmMetricFields
{
    /// <summary>The VM's metrics as a reading.</summary>
    public static VmMetric MetricOf(this VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        return new VmMetric(vm.Id, vm.CpuUsagePercent, vm.Uptime);
    }

    /// <summary>The VM with these metrics in place of its own.</summary>
    public static VmSnapshot WithMetric(this VmSnapshot vm, VmMetric metric)
    {
        ArgumentNullException.ThrowIfNull(vm);
        return vm with { CpuUsagePercent = metric.CpuUsagePercent, Uptime = metric.Uptime };
    }

    /// <summary>True when both say the same apart from CPU usage and uptime.</summary>
    public static bool SameApartFromMetrics(this VmSnapshot left, VmSnapshot right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return left.WithMetric(right.MetricOf()).SameAs(right);
    }
}
