using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Blueprints;
using NestedHvDashboard.Web.Tests.Access;

namespace NestedHvDashboard.Web.Tests.Blueprints;

/// <summary>The blueprint page: three views kept in sync, problems with lines once typing pauses, save, and a viewer's read-only page.</summary>
public sealed class BlueprintEditorTests : BlueprintContext
{
    private IRenderedComponent<BlueprintEditor> Open(string name) =>
        Context.Render<BlueprintEditor>(p => p.Add(e => e.Name, name));

    [Fact]
    public void Text_with_a_problem_shows_it_with_its_line_once_typing_pauses_and_the_other_views_keep_the_last_clean_blueprint()
    {
        Blueprints.Store(FakeBlueprintService.Lab("lab"));
        var page = Open("lab");
        var json = page.WaitForElement("textarea[data-testid=text-json]");
        var before = json.GetAttribute("value");

        page.Find("textarea[data-testid=text-yaml]").Input("# yaml\n{\n  \"name\": \"lab\",\n  \"l1s\": [ nope ]\n}");
        Assert.Empty(page.FindAll("[data-testid=blueprint-problem]"));

        Time.Advance(BlueprintEditor.ReadDelay);
        page.WaitForAssertion(() => Assert.StartsWith("line 4 ·", page.Find("[data-testid=blueprint-problem]").TextContent.Trim(), StringComparison.Ordinal));
        Assert.Equal(before, page.Find("textarea[data-testid=text-json]").GetAttribute("value"));
    }

    [Fact]
    public void Clean_yaml_is_written_into_the_json_view_and_the_form()
    {
        Blueprints.Store(FakeBlueprintService.Lab("lab"));
        var page = Open("lab");
        var changed = FakeBlueprintService.Lab("lab") with { Description = "Typed in YAML" };

        page.WaitForElement("textarea[data-testid=text-yaml]").Input(Blueprints.Export(changed, BlueprintFormat.Yaml));
        Time.Advance(BlueprintEditor.ReadDelay);

        page.WaitForAssertion(() => Assert.Equal(Blueprints.Export(changed, BlueprintFormat.Json), page.Find("textarea[data-testid=text-json]").GetAttribute("value")));
        Assert.Equal("Typed in YAML", page.Find("input[data-testid=form-description]").GetAttribute("value"));
        Assert.Empty(page.FindAll("[data-testid=blueprint-problem]"));
    }

    [Fact]
    public void Adding_an_l2_in_the_form_writes_it_into_both_texts_and_save_stores_it()
    {
        Blueprints.Store(FakeBlueprintService.Lab("lab", l1s: 1, l2s: 1));
        var page = Open("lab");

        page.WaitForElement("[data-testid=form-l2-add]").Click();

        page.WaitForAssertion(() => Assert.Contains("lab-l1-1-l2-02", page.Find("textarea[data-testid=text-yaml]").GetAttribute("value"), StringComparison.Ordinal));
        Assert.Contains("lab-l1-1-l2-02", page.Find("textarea[data-testid=text-json]").GetAttribute("value"), StringComparison.Ordinal);
        Assert.Contains("Save your changes first", page.Find("[data-testid=blueprint-review]").TextContent + NotSavedWhy(page), StringComparison.Ordinal);

        page.Find("[data-testid=blueprint-save]").Click();

        page.WaitForAssertion(() => Assert.Contains("Saved blueprint 'lab'", page.Find("[data-testid=blueprint-save-answer]").TextContent, StringComparison.Ordinal));
        var saved = Assert.Single(Blueprints.Saved);
        Assert.Equal(["lab-l1-1-l2-1", "lab-l1-1-l2-02"], saved.L1s[0].L2s.Select(l2 => l2.Name));
    }

    [Fact]
    public void A_form_change_the_engine_refuses_is_listed_by_path_and_save_stores_nothing()
    {
        Blueprints.Store(FakeBlueprintService.Lab("lab", l1s: 1, l2s: 1));
        var page = Open("lab");

        page.WaitForElement("input[data-testid=l1-name]").Input("");

        page.WaitForAssertion(() => Assert.Equal("l1s[0].name: An L1 needs a name.", page.Find("[data-testid=blueprint-problem]").TextContent.Trim()));
        page.Find("[data-testid=blueprint-save]").Click();
        page.WaitForAssertion(() => Assert.Contains("Not saved", page.Find("[data-testid=blueprint-save-answer]").TextContent, StringComparison.Ordinal));
        Assert.Empty(Blueprints.Saved);
    }

    [Fact]
    public void A_new_blueprint_starts_from_a_template_on_the_first_host_and_opens_its_page_once_saved()
    {
        var page = Context.Render<BlueprintEditor>();

        page.WaitForAssertion(() => Assert.Equal("hv-a", page.FindComponent<BlueprintForm>().Instance.Model.L1s[0].Host));
        Assert.Contains("Save the blueprint to review", page.Find("[data-testid=blueprint-save-first]").TextContent, StringComparison.Ordinal);
        page.Find("input[data-testid=form-name]").Input("fresh lab");
        page.Find("[data-testid=blueprint-save]").Click();

        page.WaitForAssertion(() => Assert.Equal("fresh lab", Assert.Single(Blueprints.Saved).Name));
        Assert.EndsWith("/blueprints/fresh%20lab", Context.Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void A_viewer_reads_the_blueprint_with_no_save_and_read_only_views()
    {
        Auth.As(DashboardRoles.Viewer, "vera");
        Blueprints.Store(FakeBlueprintService.Lab("lab"));

        var page = Open("lab");

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=blueprint-viewer-note]")));
        Assert.Empty(page.FindAll("[data-testid=blueprint-save]"));
        Assert.True(page.Find("textarea[data-testid=text-yaml]").HasAttribute("readonly"));
        Assert.True(page.FindComponent<BlueprintForm>().Instance.ReadOnly);
    }

    [Fact]
    public void An_unknown_name_says_so()
    {
        var page = Open("nothing-here");
        page.WaitForAssertion(() => Assert.Contains("No blueprint named 'nothing-here'", page.Find("[data-testid=blueprint-missing]").TextContent, StringComparison.Ordinal));
    }

    // The review panel says why Apply cannot run yet once reviewed; before that the reason is the page's own.
    private static string NotSavedWhy(IRenderedComponent<BlueprintEditor> page) => page.FindComponent<BlueprintReviewPanel>().Instance.NotSaved ?? "";
}
