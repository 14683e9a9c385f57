using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Web.Overview;

namespace NestedHvDashboard.Web.Tests.Overview;

public sealed class HostTagsTests
{
    private static readonly HostConnectionSettings[] Settings =
    [
        new() { Name = "hv-a", Address = "a", Tags = ["lab"] },
        new() { Name = "hv-b", Address = "b", Tags = ["Lab", "gpu"] },
        new() { Name = "hv-c", Address = "c" },
    ];

    [Fact]
    public void Hosts_group_by_tag_case_insensitively_with_the_untagged_last()
    {
        var groups = Settings.ByTag();

        Assert.Equal(["gpu", "lab", HostTags.Untagged], groups.Select(g => g.Tag));
        Assert.Equal(["hv-b"], groups[0].Hosts);
        Assert.Equal(["hv-a", "hv-b"], groups[1].Hosts);
        Assert.Equal(["hv-c"], groups[2].Hosts);
    }

    [Fact]
    public void Tags_of_a_host_by_name()
    {
        Assert.Equal(["Lab", "gpu"], Settings.TagsOf("HV-B"));
        Assert.Empty(Settings.TagsOf("hv-c"));
        Assert.Empty(Settings.TagsOf("nowhere"));
    }
}
