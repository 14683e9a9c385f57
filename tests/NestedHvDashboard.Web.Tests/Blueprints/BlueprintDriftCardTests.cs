using Bunit;
using MudBlazor;
using MudBlazor.Services;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Blueprints;
using NestedHvDashboard.Web.Tests.Access;

namespace NestedHvDashboard.Web.Tests.Blueprints;

/// <summary>Drift on the overview (per blueprint, with Re-apply), the host page (its L1s only) and the wall (one line, no buttons).</summary>
public sealed class BlueprintDriftCardTests : BlueprintContext
{
    private BlueprintDrift Drift(string blueprint, BlueprintDriftKind kind, string host, string l1, string? l2, string message) => new(blueprint, kind, host, l1, l2, message, Time.GetUtcNow());

    [Fact]
    public void The_overview_card_lists_drift_per_blueprint_as_it_appears_and_clears()
    {
        var card = Context.Render<BlueprintDriftCard>();
        Assert.Empty(card.FindAll("[data-testid=blueprint-drift-card]"));

        Blueprints.SetDrift(
            Drift("lab", BlueprintDriftKind.NestedOff, "hv-a", "lab-l1-1", null, "Nested virtualization is off."),
            Drift("lab", BlueprintDriftKind.L2Missing, "hv-b", "lab-l1-2", "lab-l1-2-l2-3", "The L2 VM is gone."),
            Drift("other", BlueprintDriftKind.NetworkMissing, "hv-b", "o-1", null, "The NAT network 'NestedNAT' is gone."));

        card.WaitForAssertion(() => Assert.Equal(2, card.FindAll("[data-testid=drift-blueprint]").Count));
        var lab = card.FindAll("[data-testid=drift-blueprint]")[0];
        Assert.Equal("2 differences", lab.QuerySelector("[data-testid=drift-count]")!.TextContent.Trim());
        Assert.Contains("hv-b / lab-l1-2 / lab-l1-2-l2-3: The L2 VM is gone.", lab.TextContent, StringComparison.Ordinal);

        Blueprints.SetDrift();
        card.WaitForAssertion(() => Assert.Empty(card.FindAll("[data-testid=blueprint-drift-card]")));
    }

    [Fact]
    public void Re_apply_asks_the_guest_accounts_and_starts_the_blueprint_again()
    {
        Blueprints.SetDrift(Drift("lab", BlueprintDriftKind.NestedOff, "hv-a", "lab-l1-1", null, "Nested virtualization is off."));
        var dialogs = Context.Render<MudDialogProvider>();
        var card = Context.Render<BlueprintDriftCard>();

        card.Find("[data-testid=drift-reapply]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Re-apply blueprint 'lab'", dialogs.Markup, StringComparison.Ordinal));
        dialogs.Find("input[data-testid=apply-l1-password]").Input("pw");
        dialogs.Find("[data-testid=apply-ok]").Click();

        card.WaitForAssertion(() => Assert.Contains("Applying started.", card.Find("[data-testid=drift-reapply-answer]").TextContent, StringComparison.Ordinal));
        Assert.Equal("lab", Assert.Single(Blueprints.Applied).Name);
    }

    [Fact]
    public void The_host_page_card_shows_only_the_l1s_on_that_host_and_a_viewer_gets_no_re_apply()
    {
        Auth.As(DashboardRoles.Viewer, "vera");
        Blueprints.SetDrift(
            Drift("lab", BlueprintDriftKind.NestedOff, "hv-a", "lab-l1-1", null, "Nested virtualization is off."),
            Drift("lab", BlueprintDriftKind.L2Missing, "hv-b", "lab-l1-2", "lab-l1-2-l2-3", "The L2 VM is gone."));

        var card = Context.Render<BlueprintDriftCard>(p => p.Add(c => c.Host, "HV-A"));

        var item = Assert.Single(card.FindAll("[data-testid=drift-item]"));
        Assert.Equal("NestedOff", item.GetAttribute("data-kind"));
        Assert.Empty(card.FindAll("[data-testid=drift-reapply]"));
    }

    [Fact]
    public void The_wall_line_names_each_blueprint_and_its_vms_with_no_button()
    {
        var line = Context.Render<BlueprintDriftLine>();
        Assert.Empty(line.FindAll("[data-testid=blueprint-drift-line]"));

        Blueprints.SetDrift(
            Drift("lab", BlueprintDriftKind.NestedOff, "hv-a", "lab-l1-1", null, "Nested virtualization is off."),
            Drift("lab", BlueprintDriftKind.AddressChanged, "hv-a", "lab-l1-1", "lab-l1-1-l2-2", "The address is 10.0.0.9, not 192.168.101.12."));

        line.WaitForAssertion(() => Assert.Equal("lab 2 differences (lab-l1-1, lab-l1-1-l2-2)",
            System.Text.RegularExpressions.Regex.Replace(line.Find("[data-testid=drift-line-item]").TextContent.Trim(), @"\s+", " ")));
        Assert.Empty(line.FindAll("button"));
    }

    [Fact]
    public void Without_the_blueprint_service_the_card_and_line_render_nothing()
    {
        using var bare = new BunitContext();
        bare.Services.AddMudServices();
        Assert.Empty(bare.Render<BlueprintDriftCard>().Markup.Trim());
        Assert.Empty(bare.Render<BlueprintDriftLine>().Markup.Trim());
    }
}
