using System.Globalization;
using Bunit;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Overview;
using OverviewPage = NestedHvDashboard.Web.Overview.OverviewPage;
using static NestedHvDashboard.Web.Tests.Overview.TileData;

namespace NestedHvDashboard.Web.Tests.Pages;

/// <summary>The overview with more hosts than <see cref="TileRows.VirtualizeAbove"/>: rows of tiles in a Virtualize.</summary>
public sealed class OverviewManyHostsTests : PageContext
{
    private const int HostCount = 120;

    private static string HostName(int i) => "hv-" + i.ToString("000", CultureInfo.InvariantCulture);

    private void ConnectMany(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Connect(HostName(i), Ready("vm-" + i.ToString(CultureInfo.InvariantCulture)));
        }
    }

    [Fact]
    public void Many_hosts_are_drawn_in_virtualized_rows_while_the_totals_count_every_host()
    {
        ConnectMany(HostCount);

        var page = Context.Render<OverviewPage>();

        page.WaitForAssertion(() => Assert.Equal($"{HostCount}/{HostCount}", page.Find("[data-testid=total-hosts]").TextContent.Trim()));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll(".nhv-tile-row")));
        // In name order from the first host, rows of the columns not measured yet. (How many rows a screen holds is the
        // browser's to measure: bUnit has no viewport, so Virtualize draws its maximum here; LayoutTests count them.)
        var drawn = Drawn(page);
        Assert.Equal([.. Enumerable.Range(0, drawn.Count).Select(HostName)], drawn);
        Assert.Equal(TileRows.ColumnsUnmeasured.ToString(CultureInfo.InvariantCulture), page.Find("[data-testid=tiles]").GetAttribute("data-columns"));
        Assert.All(page.FindAll(".nhv-tile-row"), row => Assert.Equal(TileRows.ColumnsUnmeasured, row.QuerySelectorAll("[data-host]").Length));
    }

    [Fact]
    public async Task The_rows_follow_the_width_the_browser_measured()
    {
        ConnectMany(HostCount);
        var page = Context.Render<OverviewPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll(".nhv-tile-row")));

        // 2,100 px: (2100 + 16) / (330 + 16) = 6 tiles a row.
        await page.InvokeAsync(() => page.Instance.Fit(2100));

        page.WaitForAssertion(() =>
        {
            Assert.Equal("6", page.Find("[data-testid=tiles]").GetAttribute("data-columns"));
            var firstRow = page.FindAll(".nhv-tile-row")[0];
            Assert.Equal([.. Enumerable.Range(0, 6).Select(HostName)], firstRow.QuerySelectorAll("[data-host]").Select(t => t.GetAttribute("data-host")!));
            Assert.Contains("repeat(6, minmax(0, 1fr))", firstRow.GetAttribute("style"), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_live_change_reaches_a_drawn_tile()
    {
        ConnectMany(HostCount);
        var page = Context.Render<OverviewPage>();
        page.WaitForAssertion(() => Assert.Contains(HostName(1), Drawn(page)));

        Store.SetHostStatus(HostName(1), new HostStatus(HostConnectionState.Unreachable, DateTimeOffset.UtcNow, "The host did not answer within 30 seconds."));

        page.WaitForAssertion(() =>
        {
            var tile = page.Find($"[data-host={HostName(1)}]");
            Assert.Equal("Unreachable", tile.QuerySelector("[data-testid=host-status]")!.TextContent.Trim());
            Assert.Equal($"{HostCount - 1}/{HostCount}", page.Find("[data-testid=total-hosts]").TextContent.Trim());
        });
    }

    [Fact]
    public void A_lab_of_usual_size_draws_every_tile_in_one_grid()
    {
        ConnectMany(TileRows.VirtualizeAbove);

        var page = Context.Render<OverviewPage>();

        page.WaitForAssertion(() => Assert.Equal(TileRows.VirtualizeAbove, Drawn(page).Count));
        Assert.Empty(page.FindAll(".nhv-tile-row"));
    }

    private static List<string> Drawn(IRenderedComponent<OverviewPage> page) =>
        [.. page.FindAll("[data-testid=tiles] [data-host]").Select(e => e.GetAttribute("data-host")!)];
}
