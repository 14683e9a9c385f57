using Bunit;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Tests.Access;
using OverviewPage = NestedHvDashboard.Web.Overview.OverviewPage;

namespace NestedHvDashboard.Web.Tests.Pages;

/// <summary>A new install: no host configured or added and the simulated lab off (its default outside Development).</summary>
public sealed class OverviewEmptyStateTests : PageContext
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    [Fact]
    public void With_no_host_and_no_simulator_the_overview_says_how_to_add_the_first_host()
    {
        Auth.As(DashboardRoles.Administrator);

        var page = Context.Render<OverviewPage>();

        var notice = page.Find("[data-testid=no-hosts]");
        Assert.Contains("No host is set up yet", notice.TextContent, StringComparison.Ordinal);
        Assert.Equal("/connections", notice.QuerySelector("[data-testid=add-first-host]")!.GetAttribute("href"));
        Assert.Contains("turn the simulated lab on there", notice.TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=tiles] [data-host]"));
        Assert.Equal("/connections", page.Find("[data-testid=add-a-host]").GetAttribute("href"));
        Assert.Contains("Add a host", page.Find("[data-testid=add-a-host]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_viewer_who_cannot_add_hosts_gets_the_notice_without_the_button()
    {
        Auth.As(DashboardRoles.Viewer);

        var page = Context.Render<OverviewPage>();

        Assert.NotEmpty(page.FindAll("[data-testid=no-hosts]"));
        Assert.Empty(page.FindAll("[data-testid=add-a-host]"));
    }
}

/// <summary>The same directory with the simulator switched on: the lab's hosts, no empty-state notice.</summary>
public sealed class OverviewSimulatedLabTests : PageContext
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Simulator:Enabled"] = "true" };

    [Fact]
    public void With_the_simulator_enabled_and_no_host_the_lab_is_shown_instead()
    {
        var page = Context.Render<OverviewPage>();

        Assert.Empty(page.FindAll("[data-testid=no-hosts]"));
        Assert.Contains("simulated lab", page.Markup, StringComparison.Ordinal);
    }
}
