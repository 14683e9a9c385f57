using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Overview;
using static NestedHvDashboard.Web.Tests.Overview.TileData;

namespace NestedHvDashboard.Web.Tests.Pages;

public sealed class WallPageTests : PageContext
{
    [Fact]
    public void The_wall_shows_every_host_as_a_large_plain_tile_live()
    {
        Connect("hv-a", Ready("alpha", VmState.Running, cpu: 10), Ready("bravo"));
        Connect("hv-b");

        var wall = Context.Render<Wall>();

        wall.WaitForAssertion(() =>
        {
            Assert.Equal(["hv-a", "hv-b"], HostsShown(wall));
            Assert.Equal(2, wall.FindAll(".nhv-tile--large").Count);
            Assert.Equal("1/2", wall.Find("[data-host=hv-a] [data-testid=tile-running]").TextContent.Trim());
        });
        // A kiosk: no links away from the wall.
        Assert.Empty(wall.FindAll("[data-testid=tiles] a"));
        Assert.Equal("live", wall.Find("[data-testid=feed-state]").TextContent);

        Connect("hv-a", Ready("alpha", VmState.Running, cpu: 10), Ready("bravo", VmState.Running, cpu: 30));
        wall.WaitForAssertion(() => Assert.Equal("2/2", wall.Find("[data-host=hv-a] [data-testid=tile-running]").TextContent.Trim()), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void When_the_tiles_do_not_fit_the_wall_shows_one_page_and_a_page_indicator()
    {
        Connect("hv-a");
        Connect("hv-b");
        Connect("hv-c");
        var wall = Context.Render<Wall>();
        wall.WaitForAssertion(() => Assert.Equal(3, HostsShown(wall).Length));
        Assert.Empty(wall.FindAll("[data-testid=wall-pager]"));

        // What wall.js reports for a screen that holds two tiles side by side and one row.
        wall.InvokeAsync(() => wall.Instance.Fit(900, 400));

        wall.WaitForAssertion(() =>
        {
            Assert.Equal(["hv-a", "hv-b"], HostsShown(wall));
            var pager = wall.Find("[data-testid=wall-pager]");
            Assert.Equal("1", pager.GetAttribute("data-page"));
            Assert.Equal("2", pager.GetAttribute("data-pages"));
        });

        // A bigger screen: everything fits again and the indicator goes.
        wall.InvokeAsync(() => wall.Instance.Fit(1900, 900));
        wall.WaitForAssertion(() =>
        {
            Assert.Equal(3, HostsShown(wall).Length);
            Assert.Empty(wall.FindAll("[data-testid=wall-pager]"));
        });
    }

    [Fact]
    public void The_tag_in_the_query_string_filters_the_wall()
    {
        Connect("hv-a");
        Connect("hv-b");
        Connect("hv-c");
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo("/wall?tag=lab");

        var wall = Context.Render<Wall>();

        wall.WaitForAssertion(() => Assert.Equal(["hv-a", "hv-b"], HostsShown(wall)));
        Assert.Equal("lab", wall.Find("[data-testid=wall-filter]").TextContent.Trim());
    }

    private static string[] HostsShown(IRenderedComponent<Wall> wall) =>
        [.. wall.FindAll("[data-testid=tiles] [data-host]").Select(e => e.GetAttribute("data-host")!)];
}
