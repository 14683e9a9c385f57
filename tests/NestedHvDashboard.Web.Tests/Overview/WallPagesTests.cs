using NestedHvDashboard.Web.Overview;

namespace NestedHvDashboard.Web.Tests.Overview;

public sealed class WallPagesTests
{
    [Fact]
    public void Before_the_viewport_is_known_everything_is_one_page()
    {
        var pages = new WallPages();
        pages.SetCount(40);

        Assert.Equal(1, pages.PageCount);
        Assert.Equal(40, pages.Slice(Enumerable.Range(0, 40).ToList()).Count);
    }

    [Fact]
    public void Fit_makes_as_many_columns_and_rows_as_the_space_holds()
    {
        var pages = new WallPages();

        // 3 tiles of 400 px with 2 gaps of 24 px need 1248 px; 2 rows of 280 px with a gap need 584 px.
        pages.Fit(1248, 584);
        Assert.Equal((3, 2), (pages.Columns, pages.Rows));

        pages.Fit(1247, 583);
        Assert.Equal((2, 1), (pages.Columns, pages.Rows));

        // Never fewer than one tile, however small the screen.
        pages.Fit(100, 50);
        Assert.Equal(1, pages.PageSize);
    }

    [Fact]
    public void Advancing_goes_through_every_page_and_starts_over()
    {
        var pages = new WallPages();
        pages.Fit(1248, 280); // 3 columns, 1 row
        pages.SetCount(7);
        var items = Enumerable.Range(1, 7).ToList();

        Assert.Equal(3, pages.PageCount);
        Assert.Equal([1, 2, 3], pages.Slice(items));
        pages.Advance();
        Assert.Equal([4, 5, 6], pages.Slice(items));
        pages.Advance();
        Assert.Equal([7], pages.Slice(items));
        pages.Advance();
        Assert.Equal(0, pages.Current);
        Assert.Equal([1, 2, 3], pages.Slice(items));
    }

    [Fact]
    public void Fewer_tiles_or_a_bigger_screen_keep_the_current_page_in_range()
    {
        var pages = new WallPages();
        pages.Fit(400, 280); // one tile a page
        pages.SetCount(5);
        pages.Advance();
        pages.Advance();
        pages.Advance();
        Assert.Equal(3, pages.Current);

        pages.SetCount(2);
        Assert.Equal(1, pages.Current);

        pages.Fit(1920, 1000);
        Assert.Equal(0, pages.Current);
        Assert.Equal(1, pages.PageCount);
    }

    [Fact]
    public void No_tiles_is_one_empty_page()
    {
        var pages = new WallPages();
        pages.Fit(1000, 1000);
        pages.SetCount(0);
        pages.Advance();

        Assert.Equal(1, pages.PageCount);
        Assert.Equal(0, pages.Current);
        Assert.Empty(pages.Slice(Array.Empty<int>()));
    }
}
