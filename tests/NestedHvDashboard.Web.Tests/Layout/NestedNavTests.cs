using Bunit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Tests.Access;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Components.Layout;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Tests.Layout;

/// <summary>The nesting tree: an L1 host shows under its L0 host's entry.</summary>
public sealed class NestedNavTests
{
    [Fact]
    public async Task An_L1_host_sits_under_its_parent_host_not_at_the_tag_level()
    {
        await using var directory = await HostDirectory.CreateAsync(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Hosts:0:Name"] = "hv-l0",
                ["Hosts:0:Address"] = "hv-l0.example.test",
                ["Hosts:0:Transport"] = "Ssh",
                ["Hosts:0:Tags:0"] = "lab",
                ["Hosts:1:Name"] = "hv-l1",
                ["Hosts:1:Address"] = "hv-l1.example.test",
                ["Hosts:1:Transport"] = "Ssh",
                ["Hosts:1:Tags:0"] = "lab",
                ["Hosts:1:Tags:1"] = "nested",
                ["Hosts:1:ParentHost"] = "hv-l0",
            }).Build(),
            NullLogger<HostDirectory>.Instance);
        await using var context = NavContext(directory);

        var nav = context.Render<NavMenu>();

        // Folded (another page is open): the L1 entry inside its parent's, hidden with it, and no links drawn.
        AssertTree(nav);
        Assert.Empty(nav.FindAll("[data-testid=nav-host] a[href]"));

        // The L1 host's page: its entry and its parent's open, with the L1 host's three pages.
        context.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo("/hosts/hv-l1");
        nav.WaitForAssertion(() =>
        {
            var l1 = AssertTree(nav);
            var hrefs = l1.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")).ToList();
            Assert.Equal(["/hosts/hv-l1", "/hosts/hv-l1/vms", "/hosts/hv-l1/networking"], hrefs);
        });
    }

    [Fact]
    public async Task A_folded_host_whose_name_looks_like_markup_shows_the_name_as_text()
    {
        // A host's name is any printable text (HostFormRules): the folded entry draws it as encoded markup, never as HTML.
        const string name = "<b>lab</b> & \"x\"";
        await using var directory = await HostDirectory.CreateAsync(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Hosts:0:Name"] = name,
                ["Hosts:0:Address"] = "lab.example.test",
                ["Hosts:0:Transport"] = "Ssh",
            }).Build(),
            NullLogger<HostDirectory>.Instance);
        await using var context = NavContext(directory);

        var nav = context.Render<NavMenu>();

        var entry = Assert.Single(nav.FindAll("[data-testid=nav-host]"));
        Assert.Equal(name, entry.GetAttribute("data-host"));
        Assert.Equal(name, entry.QuerySelector(".mud-nav-link-text")!.TextContent);
        Assert.Empty(entry.QuerySelectorAll("b"));
        Assert.NotNull(entry.QuerySelector("button svg.mud-nav-link-expand-icon"));
        entry.QuerySelector("button")!.Click();
        Assert.Equal("http://localhost/hosts/" + Uri.EscapeDataString(name), context.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().Uri);
    }

    // The menu's services, signed in as an administrator, rendering interactively.
    private static BunitContext NavContext(HostDirectory directory)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.SignInAs(DashboardRoles.Administrator);
        context.Services.AddMudServices();
        context.AddAuthorization();
        context.Services.AddSingleton(directory);
        context.Services.AddSingleton<IInventoryFeed>(new InventoryStore());
        context.Services.AddSingleton<NestedHvDashboard.Web.Inventory.SharedInventory>();
        context.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        return context;
    }

    // hv-l1 under hv-l0, hv-l0 under the tag; returns hv-l1's entry.
    private static AngleSharp.Dom.IElement AssertTree(IRenderedComponent<NavMenu> nav)
    {
        var tag = Assert.Single(nav.FindAll("[data-testid=nav-tag]"));
        var hosts = nav.FindAll("[data-testid=nav-host]");
        Assert.Equal(["hv-l0", "hv-l1"], hosts.Select(h => h.GetAttribute("data-host")).ToList());
        var l0 = hosts[0];
        var l1 = hosts[1];
        Assert.True(l0.Contains(l1), "hv-l1 is inside hv-l0's entry");
        Assert.Equal(l0, l1.ParentElement!.Closest("[data-testid=nav-host]"));
        Assert.Equal(tag, l0.ParentElement!.Closest("[data-testid=nav-tag]"));
        return l1;
    }
}
