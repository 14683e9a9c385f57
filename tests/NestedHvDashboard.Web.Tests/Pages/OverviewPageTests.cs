using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;
using OverviewPage = NestedHvDashboard.Web.Overview.OverviewPage;
using static NestedHvDashboard.Web.Tests.Overview.TileData;

namespace NestedHvDashboard.Web.Tests.Pages;

public sealed class OverviewPageTests : PageContext
{
    private static readonly VmSnapshot Alpha = Ready("alpha", VmState.Running, nested: true, cpu: 20);
    private static readonly VmSnapshot Bravo = Ready("bravo");

    [Fact]
    public void Each_host_has_a_tile_with_its_counts_os_vendor_and_tags_linking_to_the_host()
    {
        Connect("hv-a", Alpha, Bravo, OldConfig("old"));

        var page = Context.Render<OverviewPage>();

        page.WaitForAssertion(() =>
        {
            var tile = page.Find("[data-host=hv-a]");
            Assert.Equal("Connected", tile.QuerySelector("[data-testid=host-status]")!.TextContent.Trim());
            Assert.Equal("1/3", tile.QuerySelector("[data-testid=tile-running]")!.TextContent.Trim());
            Assert.Equal("1/3", tile.QuerySelector("[data-testid=tile-nested]")!.TextContent.Trim());
            Assert.Equal("1 failing", tile.QuerySelector("[data-testid=tile-count-fail]")!.TextContent.Trim());
            Assert.Equal("20 %", tile.QuerySelector("[data-testid=tile-cpu]")!.TextContent.Trim());
            Assert.Equal("Intel", tile.QuerySelector("[data-testid=tile-vendor]")!.TextContent.Trim());
            Assert.Contains("Windows Server 2022 Datacenter · build 20348", tile.QuerySelector("[data-testid=tile-os]")!.TextContent, StringComparison.Ordinal);
            Assert.Equal(["lab"], tile.QuerySelectorAll("[data-testid=tile-tag]").Select(t => t.TextContent.Trim()));
            Assert.Equal("/hosts/hv-a", tile.QuerySelector("a")!.GetAttribute("href"));
        });
        Assert.Equal("live", page.Find("[data-testid=feed-state]").TextContent);
    }

    [Fact]
    public void Each_readiness_count_counts_vms_and_links_to_the_grid_filtered_to_that_host_and_readiness()
    {
        // alpha runs with nested on (Pass), bravo is Off (Pass), old fails its config version, charlie runs with nested off (Warn).
        Connect("hv-a", Alpha, Bravo, OldConfig("old"), Ready("charlie", VmState.Running));

        var page = Context.Render<OverviewPage>();

        page.WaitForAssertion(() =>
        {
            var tile = page.Find("[data-host=hv-a]");
            var fail = tile.QuerySelector("[data-testid=tile-count-fail]")!;
            var warn = tile.QuerySelector("[data-testid=tile-count-warn]")!;
            var ready = tile.QuerySelector("[data-testid=tile-count-pass]")!;
            Assert.Equal(("1 failing", "/vms?host=hv-a&readiness=Fail"), (fail.TextContent.Trim(), fail.GetAttribute("href")));
            Assert.Equal(("1 warn", "/vms?host=hv-a&readiness=Warn"), (warn.TextContent.Trim(), warn.GetAttribute("href")));
            Assert.Equal(("2 ready", "/vms?host=hv-a&readiness=Pass"), (ready.TextContent.Trim(), ready.GetAttribute("href")));
            Assert.Null(tile.QuerySelector("[data-testid=tile-count-unknown]"));
            Assert.Equal("1", page.Find("[data-testid=total-problems]").TextContent.Trim());
            Assert.Equal("/vms?readiness=Fail", page.Find("[data-testid=total-failing]").GetAttribute("href"));
        });
    }

    [Fact]
    public void A_host_that_cannot_nest_says_why_and_looks_different_from_one_with_blocked_vms()
    {
        Connect("hv-a", OldConfig("old"));
        Store.SetHostStatus("hv-b", new HostStatus(HostConnectionState.Connected, DateTimeOffset.UtcNow));
        Store.ApplyInventory("hv-b", new HostInventory(Amd2016("hv-b"), [Ready("amd-vm")], DateTimeOffset.UtcNow));

        var page = Context.Render<OverviewPage>();

        page.WaitForAssertion(() =>
        {
            var blocked = page.Find("[data-host=hv-a]");
            var cannot = page.Find("[data-host=hv-b]");
            Assert.Equal("Can run nested (Intel, WS2022)", blocked.QuerySelector("[data-testid=host-verdict]")!.TextContent.Trim());
            Assert.Equal("Cannot: AMD needs Windows Server 2022+", cannot.QuerySelector("[data-testid=host-verdict]")!.TextContent.Trim());
            Assert.Contains("nhv-tile--problems", blocked.ClassName, StringComparison.Ordinal);
            Assert.Contains("nhv-tile--cannot", cannot.ClassName, StringComparison.Ordinal);
            Assert.StartsWith("1/", page.Find("[data-testid=total-can-nest]").TextContent.Trim(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_tile_follows_the_feed_without_a_reload()
    {
        Connect("hv-a", Alpha, Bravo);
        var page = Context.Render<OverviewPage>();
        page.WaitForAssertion(() => Assert.Equal("1/2", page.Find("[data-host=hv-a] [data-testid=tile-running]").TextContent.Trim()));

        Connect("hv-a", Alpha, Bravo with { State = VmState.Running, CpuUsagePercent = 40 });

        page.WaitForAssertion(() =>
        {
            Assert.Equal("2/2", page.Find("[data-host=hv-a] [data-testid=tile-running]").TextContent.Trim());
            Assert.Equal("30 %", page.Find("[data-host=hv-a] [data-testid=tile-cpu]").TextContent.Trim());
            Assert.Equal("2/2", page.Find("[data-testid=total-running]").TextContent.Trim());
        }, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void An_unreachable_host_shows_since_when_and_its_error()
    {
        Connect("hv-a", Alpha);
        Store.SetHostStatus("hv-c", new HostStatus(HostConnectionState.Unreachable, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            "connect to host hv-c.example.test port 22: Connection refused"));

        var page = Context.Render<OverviewPage>();

        page.WaitForAssertion(() =>
        {
            var tile = page.Find("[data-host=hv-c]");
            Assert.Equal("Unreachable", tile.QuerySelector("[data-testid=host-status]")!.TextContent.Trim());
            Assert.Equal("Unreachable since 03:04:05 UTC", tile.QuerySelector("[data-testid=tile-since]")!.TextContent.Trim());
            Assert.Contains("Connection refused", tile.QuerySelector("[data-testid=tile-error]")!.TextContent, StringComparison.Ordinal);
            Assert.Equal("1/2", page.Find("[data-testid=total-hosts]").TextContent.Trim());
            // The connected host shows no error.
            Assert.Null(page.Find("[data-host=hv-a]").QuerySelector("[data-testid=tile-error]"));
        });
    }

    [Fact]
    public void The_tag_in_the_query_string_filters_the_tiles()
    {
        ApplyAll();
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo("/?tag=gpu&tag=prod");

        var page = Context.Render<OverviewPage>();

        page.WaitForAssertion(() => Assert.Equal(["hv-b", "hv-c"], HostsShown(page)));
        Assert.Equal("true", page.Find("[data-tag=gpu]").GetAttribute("aria-pressed"));
        Assert.Equal("false", page.Find("[data-tag=lab]").GetAttribute("aria-pressed"));
    }

    [Fact]
    public void Clicking_a_tag_filters_and_keeps_the_filter_in_the_address()
    {
        ApplyAll();
        var navigation = Context.Services.GetRequiredService<NavigationManager>();
        var page = Context.Render<OverviewPage>();
        page.WaitForAssertion(() => Assert.Equal(["hv-a", "hv-b", "hv-c"], HostsShown(page)));

        page.Find("[data-tag=prod]").Click();

        page.WaitForAssertion(() => Assert.Equal(["hv-c"], HostsShown(page)));
        Assert.EndsWith("?tag=prod", navigation.Uri, StringComparison.Ordinal);

        page.Find("[data-testid=tag-clear]").Click();
        page.WaitForAssertion(() => Assert.Equal(["hv-a", "hv-b", "hv-c"], HostsShown(page)));
    }

    [Fact]
    public void Sorting_by_problems_puts_the_down_host_and_then_the_most_problems_first()
    {
        Connect("hv-a", Alpha);
        Connect("hv-b", OldConfig("old-1"), OldConfig("old-2"));
        Store.SetHostStatus("hv-c", new HostStatus(HostConnectionState.Unreachable, DateTimeOffset.UtcNow, "hv-c: timed out"));
        var navigation = Context.Services.GetRequiredService<NavigationManager>();
        var page = Context.Render<OverviewPage>();
        page.WaitForAssertion(() => Assert.Equal(["hv-a", "hv-b", "hv-c"], HostsShown(page)));

        page.Find("[data-testid=sort-problems]").Click();

        page.WaitForAssertion(() => Assert.Equal(["hv-c", "hv-b", "hv-a"], HostsShown(page)));
        Assert.EndsWith("?sort=problems", navigation.Uri, StringComparison.Ordinal);

        page.Find("[data-testid=sort-vms]").Click();
        page.WaitForAssertion(() => Assert.Equal(["hv-b", "hv-a", "hv-c"], HostsShown(page)));
    }

    private void ApplyAll()
    {
        Connect("hv-a", Alpha);
        Connect("hv-b", Bravo);
        Connect("hv-c");
    }

    private static string[] HostsShown(IRenderedComponent<OverviewPage> page) =>
        [.. page.FindAll("[data-testid=tiles] [data-host]").Select(e => e.GetAttribute("data-host")!)];
}
