using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
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
    public void The_navigation_groups_hosts_by_tag_folded_and_a_click_opens_the_host_with_its_three_pages()
    {
        var nav = Context.Render<NavMenu>();

        var hrefs = nav.FindAll("a[href]").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains("/", hrefs);
        Assert.Contains("/vms", hrefs);
        Assert.Contains("/activity", hrefs);
        Assert.Contains("/connections", hrefs);
        // Every host folded: its name, no links of its own (they are drawn only for the host being looked at).
        Assert.DoesNotContain(hrefs, h => h!.StartsWith("/hosts/", StringComparison.Ordinal));

        // hv-b has two tags and sits under both.
        var tags = nav.FindAll("[data-testid=nav-tag]");
        Assert.Equal(3, tags.Count);
        var hosts = nav.FindAll("[data-testid=nav-host]");
        Assert.Equal(4, hosts.Count);
        Assert.All(hosts, h => Assert.Equal("false", h.QuerySelector("button")!.GetAttribute("aria-expanded")));
        Assert.Equal("hv-a", nav.Find("[data-testid=nav-host][data-host=hv-a] .mud-nav-link-text").TextContent);

        nav.Find("[data-testid=nav-host][data-host=hv-a] button").Click();

        Assert.Equal("http://localhost/hosts/hv-a", Context.Services.GetRequiredService<NavigationManager>().Uri);
        nav.WaitForAssertion(() =>
        {
            var open = nav.FindAll("a[href]").Select(a => a.GetAttribute("href")).Where(h => h!.StartsWith("/hosts/", StringComparison.Ordinal)).ToList();
            Assert.Equal(["/hosts/hv-a", "/hosts/hv-a/vms", "/hosts/hv-a/networking"], open);
        });
    }
}
