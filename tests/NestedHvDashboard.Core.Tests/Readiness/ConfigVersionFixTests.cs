using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Readiness;

namespace NestedHvDashboard.Core.Tests.Readiness;

public class ConfigVersionFixTests
{
    [Fact]
    public void Upgradeable_version_fix_names_the_version_update_vmversion_off_and_irreversible()
    {
        var host = Lab.Host(ProcessorVendor.Intel, supported: Lab.Versions("5.0", "8.0", "9.0", "10.0"));

        var check = ConfigVersionRule.Evaluate(host, Lab.Vm("5.0"));

        Assert.Equal(ReadinessStatus.Fail, check.Status);
        Assert.Contains("can be upgraded", check.Fix, StringComparison.Ordinal);
        Assert.Contains("10.0", check.Fix, StringComparison.Ordinal);
        Assert.Contains("Update-VMVersion", check.Fix, StringComparison.Ordinal);
        Assert.Contains("Off", check.Fix, StringComparison.Ordinal);
        Assert.Contains("cannot be undone", check.Fix, StringComparison.Ordinal);
        Assert.Contains("older hosts", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Upgrade_targets_the_hosts_default_version()
    {
        var host = Lab.Host(ProcessorVendor.Amd, supported: Lab.Versions("8.0", "9.0", "9.3", "10.0", "11.0"), defaultVersion: new Version(10, 0));

        var check = ConfigVersionRule.Evaluate(host, Lab.Vm("9.0"));

        Assert.Equal(ReadinessStatus.Fail, check.Status);
        Assert.Contains("upgrade it to 10.0", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void No_upgrade_path_says_the_host_must_be_upgraded()
    {
        // A Windows Server 2019 host offers 9.0 at most; AMD needs 9.3.
        var host = Lab.Host(ProcessorVendor.Amd, "Microsoft Windows Server 2019 Datacenter", "10.0.17763", 17763,
            supported: Lab.Versions("5.0", "8.0", "9.0"));

        var check = ConfigVersionRule.Evaluate(host, Lab.Vm("9.0"));

        Assert.Equal(ReadinessStatus.Fail, check.Status);
        Assert.Contains("host must be upgraded", check.Fix, StringComparison.Ordinal);
        Assert.Contains("9.3", check.Fix, StringComparison.Ordinal);
        Assert.Contains("5.0, 8.0, 9.0", check.Fix, StringComparison.Ordinal);
        Assert.DoesNotContain("can be upgraded", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Passing_non_default_version_suggests_a_new_vm_at_that_version()
    {
        var host = Lab.Host(ProcessorVendor.Amd, supported: Lab.Versions("8.0", "9.0", "9.3", "10.0"), defaultVersion: new Version(9, 0));

        var check = ConfigVersionRule.Evaluate(host, Lab.Vm("8.0"));

        Assert.Equal(ReadinessStatus.Fail, check.Status);
        Assert.Contains("New-VM -Version 10.0", check.Fix, StringComparison.Ordinal);
        Assert.Contains("cannot be undone", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_reporting_no_supported_versions_must_be_upgraded()
    {
        var check = ConfigVersionRule.Evaluate(Lab.Host(supported: []), Lab.Vm("7.0"));

        Assert.Equal(ReadinessStatus.Fail, check.Status);
        Assert.Contains("none reported", check.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8.0", ReadinessStatus.Pass)]
    [InlineData("8.0.0", ReadinessStatus.Pass)]
    [InlineData("7.1", ReadinessStatus.Fail)]
    public void Build_part_of_a_version_does_not_matter(string version, ReadinessStatus expected)
    {
        Assert.Equal(expected, ConfigVersionRule.Evaluate(Lab.Host(ProcessorVendor.Intel), Lab.Vm(version)).Status);
    }
}
