using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Readiness;

/// <summary>
/// Failover clustering and nested virtualization: live migration of a VM that hosts VMs fails, so a node drain or a
/// failover cannot move such a VM live. Warnings, not blocks: the VM runs nested fine where it is.
/// </summary>
public static class ClusterRules
{
    private const string LiveMigrationFails = "live migration of a VM with nested virtualization on (a VM that hosts VMs) fails";

    /// <summary>host.cluster: warns when the host is a failover cluster node.</summary>
    public static ReadinessCheck Host(HostFacts host)
    {
        ArgumentNullException.ThrowIfNull(host);
        const string id = ReadinessRuleIds.HostCluster;
        const string title = "Failover cluster: VMs that host VMs cannot live-migrate";
        if (!host.InFailoverCluster)
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Pass, "The host is not a failover cluster node.", null);
        }

        var cluster = string.IsNullOrWhiteSpace(host.ClusterName) ? "a failover cluster" : $"failover cluster {host.ClusterName.Trim()}";
        return new ReadinessCheck(id, title, ReadinessStatus.Warn,
            $"{host.Name} is a node of {cluster}: {LiveMigrationFails}, so draining this node or a failover cannot move such VMs live.",
            "Before draining the node, shut down the VMs that run nested VMs (or move them while Off); keep them out of live migration.");
    }

    /// <summary>vm.clustered: warns when the VM is a clustered role, which the cluster moves by live migration.</summary>
    public static ReadinessCheck Vm(VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        const string id = ReadinessRuleIds.VmClustered;
        const string title = "Not a clustered VM (live migration)";
        if (!vm.IsClustered)
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Pass, "The VM is not a clustered role.", null);
        }

        var when = vm.ExposeVirtualizationExtensions ? "now that nested virtualization is on" : "once nested virtualization is on";
        return new ReadinessCheck(id, title, ReadinessStatus.Warn,
            $"The VM is a clustered role: {LiveMigrationFails}, so a node drain or failover cannot move it live {when}.",
            "Move it only while it is Off, or remove it from the cluster's roles (Failover Cluster Manager) if the nested lab need not be highly available.");
    }
}
