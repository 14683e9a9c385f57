using NestedHvDashboard.Core.Tests.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.VirtualMachines;

/// <summary>A new VM from an OS image and with a chosen configuration version (a blueprint's L1).</summary>
public sealed class NewVmPlanImageTests
{
    private static readonly string[] Switches = ["External"];

    private static NewVmRequest FromImage => new("lab-a", 8 * Lab.Gb, 4, "External", @"C:\Images\WindowsServer2022.vhdx", new Version(9, 0));

    [Fact]
    public void An_image_and_a_supported_version_are_kept_and_the_disk_is_named_after_the_vm()
    {
        var result = NewVmPlan.Create(FromImage, Lab.Host(supported: Lab.Versions("8.0", "9.0", "10.0")), Switches);

        Assert.True(result.IsValid, string.Join(" ", result.Problems));
        Assert.Equal((new Version(9, 0), @"C:\Images\WindowsServer2022.vhdx", "lab-a.vhdx"), (result.Plan.ConfigVersion, result.Plan.OsImagePath, result.Plan.DiskFileName));
    }

    [Fact]
    public void Without_an_image_there_is_no_disk()
    {
        var result = NewVmPlan.Create(FromImage with { OsImagePath = "  " }, Lab.Host(), Switches);

        Assert.True(result.IsValid, string.Join(" ", result.Problems));
        Assert.Null(result.Plan.DiskFileName);
    }

    [Theory]
    [InlineData("12.0", "ConfigurationVersion", "does not support configuration version 12.0")]
    [InlineData("7.0", "ConfigurationVersion", "does not support configuration version 7.0")]
    public void A_version_the_host_lacks_is_refused_with_the_versions_it_has(string version, string field, string words)
    {
        var result = NewVmPlan.Create(FromImage with { ConfigurationVersion = Version.Parse(version) }, Lab.Host(supported: Lab.Versions("8.0", "9.0", "10.0")), Switches);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(field, problem.Field);
        Assert.Contains(words, problem.Message, StringComparison.Ordinal);
        Assert.Contains("8.0, 9.0, 10.0", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_supported_version_below_the_processors_minimum_is_refused()
    {
        var host = Lab.Host(vendor: Core.Hosts.ProcessorVendor.Amd, supported: Lab.Versions("9.0", "9.3", "10.0"));

        var problem = Assert.Single(NewVmPlan.Create(FromImage, host, Switches).Problems);

        Assert.Equal((NewVmField.ConfigurationVersion, true), (problem.Field, problem.Message.Contains("9.3 or later", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(@"Images\ws2022.vhdx", "not a full path")]
    [InlineData(@"C:\Images\ws2022.iso", "not a virtual hard disk")]
    public void An_image_that_is_not_a_full_vhdx_path_is_refused(string image, string words)
    {
        var problem = Assert.Single(NewVmPlan.Create(FromImage with { OsImagePath = image }, Lab.Host(supported: Lab.Versions("9.0")), Switches).Problems);

        Assert.Equal(NewVmField.OsImagePath, problem.Field);
        Assert.Contains(words, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_that_cannot_name_the_disk_is_refused_only_with_an_image()
    {
        var host = Lab.Host(supported: Lab.Versions("9.0"));

        Assert.Contains(NewVmPlan.Create(FromImage with { Name = "lab:a" }, host, Switches).Problems, p => p.Field == NewVmField.Name);
        Assert.Empty(NewVmPlan.Create(FromImage with { Name = "lab:a", OsImagePath = null }, host, Switches).Problems);
    }
}
