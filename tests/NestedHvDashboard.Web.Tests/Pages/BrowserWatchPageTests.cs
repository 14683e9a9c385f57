using Bunit;
using Microsoft.JSInterop;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Overview;
using static NestedHvDashboard.Web.Tests.Overview.TileData;

namespace NestedHvDashboard.Web.Tests.Pages;

/// <summary>
/// The pages' watches in the browser (the overview's wwwroot/js/tilegrid.js, the wall's wwwroot/js/wall.js): started,
/// stopped when the page goes, and never fatal to the page.
/// </summary>
public sealed class BrowserWatchPageTests : PageContext
{
    [Fact]
    public async Task The_overview_starts_its_width_watch_on_its_grid_and_stops_it_when_the_page_goes()
    {
        var module = Context.JSInterop.SetupModule("./js/tilegrid.js");
        module.SetupVoid("start", _ => true).SetVoidResult();
        module.SetupVoid("stop").SetVoidResult();
        Connect("hv-a", Ready("alpha"));

        var page = Context.Render<OverviewPage>();

        page.WaitForAssertion(() => Assert.Equal(2, module.VerifyInvoke("start").Arguments.Count));
        Assert.Empty(module.Invocations["stop"]);

        await Context.DisposeComponentsAsync();

        module.VerifyInvoke("stop");
    }

    [Fact]
    public void A_width_watch_the_browser_cannot_start_leaves_the_overview_live()
    {
        // What a navigation away before the module loaded used to do: start found no grid, threw, and the exception in the
        // page's first render ended the circuit, so the next page's buttons no longer answered.
        var module = Context.JSInterop.SetupModule("./js/tilegrid.js");
        module.SetupVoid("start", _ => true).SetException(new JSException("Cannot read properties of null (reading 'clientWidth')"));
        Connect("hv-a", Ready("alpha"));

        var page = Context.Render<OverviewPage>();
        page.WaitForAssertion(() => module.VerifyInvoke("start"));

        Store.SetHostStatus("hv-a", new HostStatus(HostConnectionState.Unreachable, DateTimeOffset.UtcNow, "The host did not answer within 30 seconds."));

        page.WaitForAssertion(() =>
        {
            Assert.Equal("Unreachable", page.Find("[data-host=hv-a] [data-testid=host-status]").TextContent.Trim());
            Assert.Equal("0/1", page.Find("[data-testid=total-hosts]").TextContent.Trim());
        });
    }

    [Fact]
    public async Task The_wall_starts_its_space_watch_on_its_grid_and_clock_and_stops_it_when_the_page_goes()
    {
        var module = Context.JSInterop.SetupModule("./js/wall.js");
        module.SetupVoid("start", _ => true).SetVoidResult();
        module.SetupVoid("stop").SetVoidResult();
        Connect("hv-a", Ready("alpha"));

        var wall = Context.Render<Wall>();

        wall.WaitForAssertion(() => Assert.Equal(3, module.VerifyInvoke("start").Arguments.Count));
        Assert.Empty(module.Invocations["stop"]);

        await Context.DisposeComponentsAsync();

        module.VerifyInvoke("stop");
    }

    [Fact]
    public void A_space_watch_the_browser_cannot_start_leaves_the_wall_live()
    {
        var module = Context.JSInterop.SetupModule("./js/wall.js");
        module.SetupVoid("start", _ => true).SetException(new JSException("Cannot read properties of null (reading 'getBoundingClientRect')"));
        Connect("hv-a", Ready("alpha"));

        var wall = Context.Render<Wall>();
        wall.WaitForAssertion(() => module.VerifyInvoke("start"));

        Store.SetHostStatus("hv-a", new HostStatus(HostConnectionState.Unreachable, DateTimeOffset.UtcNow, "The host did not answer within 30 seconds."));

        wall.WaitForAssertion(() => Assert.Equal("Unreachable", wall.Find("[data-host=hv-a] [data-testid=host-status]").TextContent.Trim()));
    }
}
