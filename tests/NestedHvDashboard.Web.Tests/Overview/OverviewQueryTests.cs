using NestedHvDashboard.Web.Overview;
using static NestedHvDashboard.Web.Tests.Overview.TileData;

namespace NestedHvDashboard.Web.Tests.Overview;

public sealed class OverviewQueryTests
{
    private static readonly HostTileModel[] Tiles =
    [
        Tile("charlie", vms: 2, problems: 0, down: false, "lab"),
        Tile("alpha", vms: 9, problems: 1, down: false, "prod"),
        Tile("bravo", vms: 1, problems: 0, down: true, "lab", "gpu"),
        Tile("delta", vms: 5, problems: 3, down: false),
    ];

    [Fact]
    public void By_default_every_host_shows_by_name()
    {
        var shown = OverviewQuery.Default.Apply(Tiles);
        Assert.Equal(["alpha", "bravo", "charlie", "delta"], shown.Select(t => t.Name));
    }

    [Fact]
    public void A_tag_filter_keeps_hosts_with_any_of_the_tags_case_insensitively()
    {
        Assert.Equal(["bravo", "charlie"], OverviewQuery.Parse(["LAB"], null).Apply(Tiles).Select(t => t.Name));
        Assert.Equal(["alpha", "bravo"], OverviewQuery.Parse(["gpu", "prod"], null).Apply(Tiles).Select(t => t.Name));
        Assert.Empty(OverviewQuery.Parse(["nowhere"], null).Apply(Tiles));
    }

    [Fact]
    public void Problems_first_puts_down_hosts_first_then_the_most_problems()
    {
        var shown = OverviewQuery.Parse(null, "problems").Apply(Tiles);
        Assert.Equal(["bravo", "delta", "alpha", "charlie"], shown.Select(t => t.Name));
    }

    [Fact]
    public void Most_vms_first()
    {
        var shown = OverviewQuery.Parse(null, "vms").Apply(Tiles);
        Assert.Equal(["alpha", "delta", "charlie", "bravo"], shown.Select(t => t.Name));
    }

    [Theory]
    [InlineData(null, OverviewSort.Name, null)]
    [InlineData("Problems", OverviewSort.Problems, "problems")]
    [InlineData("vms", OverviewSort.Vms, "vms")]
    [InlineData("nonsense", OverviewSort.Name, null)]
    [InlineData("42", OverviewSort.Name, null)]
    public void Parse_reads_the_sort_and_writes_it_back(string? sort, OverviewSort expected, string? parameter)
    {
        var query = OverviewQuery.Parse(null, sort);
        Assert.Equal(expected, query.Sort);
        Assert.Equal(parameter, query.SortParameter);
    }

    [Fact]
    public void Parse_drops_blank_and_repeated_tags()
    {
        Assert.Equal(["lab"], OverviewQuery.Parse(["lab", " ", "LAB", ""], null).Tags);
    }
}
