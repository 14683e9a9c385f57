using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Readiness;

/// <summary>Failover clustering (live migration of a VM that hosts VMs fails), the guest OS, and memory resize while nested.</summary>
public class ClusterAndGuestRulesTests
{
    [Fact]
    public void A_cluster_node_warns_with_the_clusters_name_and_a_lone_host_passes()
    {
        var node = ClusterRules.Host(Lab.Host() with { InFailoverCluster = true, ClusterName = "HV-CLUSTER-01" });
        var nameless = ClusterRules.Host(Lab.Host() with { InFailoverCluster = true });
        var alone = ClusterRules.Host(Lab.Host());

        Assert.Equal(("host.cluster", ReadinessStatus.Warn), (node.RuleId, node.Status));
        Assert.Contains("HV01 is a node of failover cluster HV-CLUSTER-01", node.Reason, StringComparison.Ordinal);
        Assert.Contains("live migration", node.Reason, StringComparison.Ordinal);
        Assert.Contains("a failover cluster", nameless.Reason, StringComparison.Ordinal);
        Assert.Equal(ReadinessStatus.Pass, alone.Status);
        Assert.False(ReadinessRuleIds.IsBlocking(ReadinessRuleIds.HostCluster));
    }

    [Theory]
    [InlineData(true, true, ReadinessStatus.Warn, "now that nested virtualization is on")]
    [InlineData(true, false, ReadinessStatus.Warn, "once nested virtualization is on")]
    [InlineData(false, true, ReadinessStatus.Pass, "not a clustered role")]
    public void A_clustered_vm_warns_that_it_cannot_live_migrate(bool clustered, bool nested, ReadinessStatus expected, string reason)
    {
        var check = ClusterRules.Vm(Lab.Vm(nested: nested) with { IsClustered = clustered });

        Assert.Equal("vm.clustered", check.RuleId);
        Assert.Equal(expected, check.Status);
        Assert.Contains(reason, check.Reason, StringComparison.Ordinal);
        Assert.True(ReadinessEvaluator.CanEnableNested(Lab.Host(), Lab.Vm() with { IsClustered = clustered }));
    }

    public static TheoryData<string?, string?, VmState, ReadinessStatus, string> Guests() => new()
    {
        { "Windows Server 2016 Datacenter", "10.0.14393", VmState.Running, ReadinessStatus.Pass, "Windows Server 2016" },
        { "Windows Server 2025 Datacenter", "10.0.26100", VmState.Running, ReadinessStatus.Pass, "Windows Server 2025" },
        { "Windows 10 Enterprise", "10.0.19045", VmState.Running, ReadinessStatus.Pass, "Windows 10" },
        { "Windows 11 Enterprise", "10.0.22631", VmState.Running, ReadinessStatus.Pass, "Windows 11" },
        { "Windows Server 2012 R2 Datacenter", "6.3.9600", VmState.Running, ReadinessStatus.Warn, "cannot run Hyper-V as a nested host" },
        { "Ubuntu 22.04.4 LTS", "5.15.0-105-generic", VmState.Running, ReadinessStatus.Warn, "not supported" },
        { "Windows", null, VmState.Running, ReadinessStatus.Unknown, "cannot be told" },
        { null, null, VmState.Running, ReadinessStatus.Pass, "integration services do not report it" },
        { null, null, VmState.Off, ReadinessStatus.Pass, "the VM is Off" },
    };

    [Theory]
    [MemberData(nameof(Guests))]
    public void The_guest_must_be_windows_server_2016_or_windows_10_or_later(string? name, string? version, VmState state, ReadinessStatus expected, string reason)
    {
        var check = GuestOsRule.Evaluate(Lab.Vm(state: state, guestOsName: name, guestOsVersion: version));

        Assert.Equal("vm.guest-os", check.RuleId);
        Assert.Equal(expected, check.Status);
        Assert.Contains(reason, check.Reason, StringComparison.Ordinal);
        Assert.False(ReadinessRuleIds.IsBlocking(check.RuleId));
        Assert.Equal(expected is ReadinessStatus.Pass, check.Fix is null);
    }

    [Fact]
    public void A_linux_guest_is_told_other_hypervisors_inside_hyper_v_are_not_supported()
    {
        var vm = Lab.Vm(guestOsName: "Ubuntu 22.04.4 LTS", guestOsVersion: "5.15.0-105-generic");

        var check = GuestOsRule.Evaluate(vm);

        Assert.True(GuestOsRule.IsNotWindows(vm));
        Assert.Contains("Ubuntu 22.04.4 LTS (5.15.0-105-generic)", check.Reason, StringComparison.Ordinal);
        Assert.Contains("KVM, VMware, VirtualBox", check.Reason, StringComparison.Ordinal);
        Assert.False(GuestOsRule.IsNotWindows(Lab.Vm()));
        Assert.False(GuestOsRule.IsNotWindows(Lab.Vm(guestOsName: null)));
    }

    [Theory]
    [InlineData(false, false, ReadinessStatus.Pass, "can be resized while the VM runs")]
    [InlineData(false, true, ReadinessStatus.Pass, "can be resized while the VM runs")]
    [InlineData(true, false, ReadinessStatus.Pass, "resizing its memory at runtime fails")]
    [InlineData(true, true, ReadinessStatus.Warn, "runtime memory resize does not work")]
    public void Memory_resize_is_warned_as_not_working_while_nested(bool nested, bool dynamicMemory, ReadinessStatus expected, string reason)
    {
        var check = VmRules.MemoryResize(Lab.Vm(state: VmState.Running, nested: nested, dynamicMemory: dynamicMemory));

        Assert.Equal("vm.memory-resize", check.RuleId);
        Assert.Equal(expected, check.Status);
        Assert.Contains(reason, check.Reason, StringComparison.Ordinal);
        if (nested)
        {
            Assert.Contains("turn the VM Off", check.Reason + check.Fix, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Dynamic_memory_says_it_is_allowed_but_does_not_fluctuate_while_hyper_v_runs(bool nested)
    {
        var check = VmRules.DynamicMemory(Lab.Vm(dynamicMemory: true, nested: nested, startupBytes: 2 * Lab.Gb));

        Assert.Equal(ReadinessStatus.Warn, check.Status);
        Assert.Contains("Microsoft allows it", check.Reason, StringComparison.Ordinal);
        Assert.Contains("does not grow or shrink", check.Reason, StringComparison.Ordinal);
        Assert.Contains("startup 2 GB", check.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("needs static memory", check.Reason, StringComparison.Ordinal);
        Assert.StartsWith("Nothing is required", check.Fix, StringComparison.Ordinal);
        Assert.False(ReadinessRuleIds.IsBlocking(check.RuleId));
    }
}
