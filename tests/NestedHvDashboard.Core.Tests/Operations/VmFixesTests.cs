using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.Tests.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Operations;

public sealed class VmFixesTests
{
    private static VmFix? Offered(HostFacts facts, VmSnapshot vm, string ruleId) =>
        VmFixes.Offered(ReadinessEvaluator.EvaluateVm(facts, vm).Single(c => c.RuleId == ruleId), vm, facts);

    [Fact]
    public void Each_fix_answers_its_rule_and_names_the_real_vm_in_its_command()
    {
        Assert.Equal(VmFix.StartupMemory, VmFixes.ForRule(ReadinessRuleIds.VmStartupMemory));
        Assert.Equal(VmFix.StaticMemory, VmFixes.ForRule(ReadinessRuleIds.VmDynamicMemory));
        Assert.Equal(VmFix.ProcessorCount, VmFixes.ForRule(ReadinessRuleIds.VmL1Vcpus));
        Assert.Equal(VmFix.UpdateVersion, VmFixes.ForRule(ReadinessRuleIds.VmConfigVersion));
        Assert.Null(VmFixes.ForRule(ReadinessRuleIds.VmPowerState));

        var vm = Lab.Vm(name: "Lab VM 01", dynamicMemory: true);
        Assert.Equal("Update-VMVersion -VMName 'Lab VM 01' -Force", VmFixes.Command(VmFix.UpdateVersion, vm));
        Assert.Equal("Set-VMMemory -VMName 'Lab VM 01' -DynamicMemoryEnabled $false", VmFixes.Command(VmFix.StaticMemory, vm));
        Assert.Equal("Set-VMProcessor -VMName 'Lab VM 01' -Count 225", VmFixes.Command(VmFix.ProcessorCount, vm));
        Assert.StartsWith("Set-VMMemory -VMName 'Lab VM 01' -StartupBytes 4GB (and -MaximumBytes 4GB", VmFixes.Command(VmFix.StartupMemory, vm), StringComparison.Ordinal);
        Assert.All(VmFixes.All, f => Assert.DoesNotContain("<VM>", VmFixes.Command(f, vm), StringComparison.Ordinal));
    }

    [Fact]
    public void The_upgrade_is_offered_only_where_the_hosts_default_version_makes_the_check_pass()
    {
        var old = Lab.Vm(configVersion: "7.0");
        Assert.Equal(VmFix.UpdateVersion, Offered(Lab.Host(), old, ReadinessRuleIds.VmConfigVersion));

        // AMD needs 9.3: a host whose default is 9.0 cannot bring the VM there with Update-VMVersion.
        var amdDefault90 = Lab.Host(ProcessorVendor.Amd, defaultVersion: new Version(9, 0));
        Assert.Null(Offered(amdDefault90, Lab.Vm(configVersion: "8.0"), ReadinessRuleIds.VmConfigVersion));
        Assert.Equal(VmFix.UpdateVersion, Offered(Lab.Host(ProcessorVendor.Amd, defaultVersion: new Version(10, 0)), Lab.Vm(configVersion: "8.0"), ReadinessRuleIds.VmConfigVersion));

        Assert.Null(Offered(Lab.Host(), Lab.Vm(configVersion: "10.0"), ReadinessRuleIds.VmConfigVersion));
    }

    [Fact]
    public void The_warning_says_the_upgrade_cannot_be_undone_and_names_the_version()
    {
        var warning = VmFixes.Warning(VmFix.UpdateVersion, Lab.Host(defaultVersion: new Version(10, 0)));
        Assert.Equal("This cannot be undone: once at configuration version 10.0, the VM no longer runs on older hosts that do not support version 10.0; it cannot be moved, imported or restored there.", warning);
        Assert.Null(VmFixes.Warning(VmFix.StartupMemory, Lab.Host()));
    }

    [Fact]
    public void Memory_and_vcpu_fixes_are_offered_only_while_their_checks_do_not_pass()
    {
        var facts = Lab.Host();
        Assert.Equal(VmFix.StartupMemory, Offered(facts, Lab.Vm(startupBytes: 2 * Lab.Gb), ReadinessRuleIds.VmStartupMemory));
        Assert.Null(Offered(facts, Lab.Vm(startupBytes: 4 * Lab.Gb), ReadinessRuleIds.VmStartupMemory));
        Assert.Equal(VmFix.StaticMemory, Offered(facts, Lab.Vm(dynamicMemory: true), ReadinessRuleIds.VmDynamicMemory));
        Assert.Null(Offered(facts, Lab.Vm(dynamicMemory: false), ReadinessRuleIds.VmDynamicMemory));
        var server2019 = Lab.Vm(vcpus: 240, guestOsName: "Windows Server 2019 Datacenter", guestOsVersion: "10.0.17763");
        Assert.Equal(VmFix.ProcessorCount, Offered(facts, server2019, ReadinessRuleIds.VmL1Vcpus));
        Assert.Null(Offered(facts, Lab.Vm(vcpus: 240), ReadinessRuleIds.VmL1Vcpus));
    }
}
