using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Tests.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.VirtualMachines;

public sealed class NewVmPlanTests
{
    private static readonly string[] Switches = ["LabSwitch", "External"];

    private static NewVmRequest Good => new("lab-l1", 8 * Lab.Gb, 4, "LabSwitch");

    [Fact]
    public void A_good_request_gets_the_highest_supported_version_and_trimmed_names()
    {
        var result = NewVmPlan.Create(Good with { Name = "  lab-l1 ", SwitchName = "labswitch" }, Lab.Host(), Switches);

        Assert.True(result.IsValid, string.Join(" ", result.Problems));
        Assert.Equal(new Version(10, 0), result.Plan.ConfigVersion);
        Assert.Equal("lab-l1", result.Plan.Name);
        Assert.Equal(8 * Lab.Gb, result.Plan.MemoryStartupBytes);
        Assert.Equal(4, result.Plan.ProcessorCount);
    }

    [Fact]
    public void Amd_needs_9_3_so_a_host_that_stops_at_9_0_is_refused_on_the_host()
    {
        var host = Lab.Host(vendor: ProcessorVendor.Amd, supported: Lab.Versions("8.0", "9.0"));

        var result = NewVmPlan.Create(Good, host, Switches);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(NewVmField.Host, problem.Field);
        Assert.Contains("9.3", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Intel_takes_the_highest_version_even_when_the_default_is_lower()
    {
        var host = Lab.Host(supported: Lab.Versions("8.0", "9.0", "11.0"), defaultVersion: new Version(9, 0));

        Assert.Equal(new Version(11, 0), NewVmPlan.Create(Good, host, Switches).Plan!.ConfigVersion);
    }

    [Theory]
    [InlineData("", 8, 4, "LabSwitch", NewVmField.Name)]
    [InlineData("   ", 8, 4, "LabSwitch", NewVmField.Name)]
    [InlineData("lab-l1", 2, 4, "LabSwitch", NewVmField.MemoryStartupBytes)]
    [InlineData("lab-l1", 8, 1, "LabSwitch", NewVmField.ProcessorCount)]
    [InlineData("lab-l1", 8, 17, "LabSwitch", NewVmField.ProcessorCount)]
    [InlineData("lab-l1", 8, 4, "Nope", NewVmField.SwitchName)]
    [InlineData("lab-l1", 8, 4, "", NewVmField.SwitchName)]
    public void Each_bad_field_is_named(string name, long memoryGb, int processors, string switchName, string field)
    {
        var result = NewVmPlan.Create(new NewVmRequest(name, memoryGb * Lab.Gb, processors, switchName), Lab.Host(), Switches);

        Assert.False(result.IsValid);
        Assert.Equal(field, Assert.Single(result.Problems).Field);
    }

    [Fact]
    public void Memory_must_be_a_multiple_of_2_mb_and_fit_the_host()
    {
        Assert.Equal(NewVmField.MemoryStartupBytes, Assert.Single(NewVmPlan.Create(Good with { MemoryStartupBytes = (4 * Lab.Gb) + (1024 * 1024) }, Lab.Host(), Switches).Problems).Field);
        Assert.Contains("more than the host has", Assert.Single(NewVmPlan.Create(Good with { MemoryStartupBytes = 128 * Lab.Gb }, Lab.Host(), Switches).Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_os_too_old_for_nesting_is_refused()
    {
        var host = Lab.Host(caption: "Microsoft Windows Server 2012 R2", osVersion: "6.3.9600", build: 9600);

        Assert.Equal(NewVmField.Host, Assert.Single(NewVmPlan.Create(Good, host, Switches).Problems).Field);
    }
}
