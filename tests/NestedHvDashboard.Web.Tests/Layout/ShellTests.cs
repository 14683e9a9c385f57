using Bunit;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Components.Layout;
using NestedHvDashboard.Web.Tests.Pages;

namespace NestedHvDashboard.Web.Tests.Layout;

public sealed class ShellTests : PageContext
{
    [Fact]
    public void The_connection_chip_counts_connected_hosts_live_and_turns_red_when_one_is_down()
    {
        Connect("hv-a");
        Connect("hv-b");

        var chip = Context.Render<ConnectionChip>();

        chip.WaitForAssertion(() =>
        {
            Assert.Equal("2/2 hosts connected", chip.Find("[data-testid=connection-text]").TextContent.Trim());
            Assert.Contains("nhv-connection--ok", chip.Find("[data-testid=connection-state]").ClassName, StringComparison.Ordinal);
        });

        Store.SetHostStatus("hv-b", new HostStatus(HostConnectionState.Unreachable, DateTimeOffset.UtcNow, "hv-b: timed out"));

        chip.WaitForAssertion(() =>
        {
            Assert.Equal("1/2 hosts connected", chip.Find("[data-testid=connection-text]").TextContent.Trim());
            var state = chip.Find("[data-testid=connection-state]");
            Assert.Contains("nhv-connection--down", state.ClassName, StringComparison.Ordinal);
            Assert.Equal("Not reachable: hv-b", state.GetAttribute("title"));
        }, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void The_navigation_groups_hosts_by_tag_with_each_hosts_three_pages()
    {
        var nav = Context.Render<NavMenu>();

        var hrefs = nav.FindAll("a[href]").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains("/", hrefs);
        Assert.Contains("/vms", hrefs);
        Assert.Contains("/activity", hrefs);
        Assert.Contains("/connections", hrefs);
        foreach (var host in new[] { "hv-a", "hv-b", "hv-c" })
        {
            Assert.Contains($"/hosts/{host}", hrefs);
            Assert.Contains($"/hosts/{host}/vms", hrefs);
            Assert.Contains($"/hosts/{host}/networking", hrefs);
        }

        // hv-b has two tags and sits under both.
        var tags = nav.FindAll("[data-testid=nav-tag]");
        Assert.Equal(3, tags.Count);
        Assert.Equal(4, nav.FindAll("[data-testid=nav-host]").Count);
    }
}
