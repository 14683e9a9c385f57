using NestedHvDashboard.Web.Overview;
using static NestedHvDashboard.Web.Tests.Overview.TileData;

namespace NestedHvDashboard.Web.Tests.Overview;

public sealed class TileRowsTests
{
    [Theory]
    [InlineData(100, 1)] // narrower than one tile: still one
    [InlineData(330, 1)]
    [InlineData(675, 1)] // two tiles and a gap need 676
    [InlineData(676, 2)]
    [InlineData(1366, 3)]
    [InlineData(1904, 5)]
    [InlineData(3840, 11)]
    public void The_columns_are_as_many_tiles_and_gaps_as_the_width_holds(double width, int columns)
    {
        var rows = new TileRows();
        rows.Fit(width);
        Assert.Equal(columns, rows.Columns);
    }

    [Fact]
    public void Fit_says_whether_the_columns_changed()
    {
        var rows = new TileRows();
        Assert.Equal(TileRows.ColumnsUnmeasured, rows.Columns);
        Assert.True(rows.Fit(700));
        Assert.False(rows.Fit(710));
        Assert.True(rows.Fit(1100));
    }

    [Fact]
    public void Rows_hold_the_tiles_in_order_and_stay_the_same_until_the_tiles_or_the_columns_change()
    {
        var rows = new TileRows();
        rows.Fit(1100); // 3 columns
        IReadOnlyList<HostTileModel> tiles = [.. Enumerable.Range(0, 7).Select(i => Tile($"hv-{i}"))];

        var first = rows.Of(tiles);

        Assert.Equal([3, 3, 1], first.Select(r => r.Tiles.Count));
        Assert.Equal(tiles, first.SelectMany(r => r.Tiles));
        Assert.Equal(["hv-0", "hv-3", "hv-6"], first.Select(r => r.Key));
        Assert.Same(first, rows.Of(tiles));

        IReadOnlyList<HostTileModel> changed = [.. tiles];
        Assert.NotSame(first, rows.Of(changed));
        rows.Fit(1500); // 4 columns
        Assert.Equal([4, 3], rows.Of(changed).Select(r => r.Tiles.Count));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(TileRows.VirtualizeAbove, false)]
    [InlineData(TileRows.VirtualizeAbove + 1, true)]
    public void Only_more_tiles_than_a_usual_lab_are_drawn_a_screen_at_a_time(int count, bool virtualizes) =>
        Assert.Equal(virtualizes, TileRows.Virtualizes(count));
}
