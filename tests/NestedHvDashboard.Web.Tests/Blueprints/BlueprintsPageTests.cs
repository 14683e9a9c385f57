using System.Text;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Blueprints;
using NestedHvDashboard.Web.Tests.Access;

namespace NestedHvDashboard.Web.Tests.Blueprints;

/// <summary>The blueprint list: what each row says, export links, import (stored only when clean), delete after asking, and what a viewer may do.</summary>
public sealed class BlueprintsPageTests : BlueprintContext
{
    [Fact]
    public void Each_row_shows_its_size_last_run_drift_and_who_changed_it_with_yaml_and_json_downloads()
    {
        var lab = FakeBlueprintService.Lab("lab");
        Blueprints.Store(lab, "alice");
        Blueprints.Store(FakeBlueprintService.Lab("small", l1s: 1, l2s: 1), "bob");
        Blueprints.SetRun(new BlueprintRun(Guid.NewGuid(), "lab", "alice", Time.GetUtcNow(), null, BlueprintRunState.Failed, []));
        Blueprints.SetDrift(
            new BlueprintDrift("lab", BlueprintDriftKind.NestedOff, "hv-a", "lab-l1-1", null, "Nested virtualization is off.", Time.GetUtcNow()),
            new BlueprintDrift("lab", BlueprintDriftKind.L2Missing, "hv-b", "lab-l1-2", "lab-l1-2-l2-3", "The L2 VM is gone.", Time.GetUtcNow()));

        var page = Context.Render<BlueprintsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=blueprint-list] tbody tr").Count));
        var rows = page.FindAll("[data-testid=blueprint-list] tbody tr");
        Assert.Contains("2 L1 · 6 L2", rows[0].QuerySelector("[data-testid=blueprint-counts]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("failed", rows[0].QuerySelector("[data-testid=blueprint-run-state]")!.TextContent.Trim());
        Assert.Equal("2 differences", rows[0].QuerySelector("[data-testid=blueprint-drift]")!.TextContent.Trim());
        Assert.Equal("2026-12-01 09:30 UTC by alice", rows[0].QuerySelector("[data-testid=blueprint-updated]")!.TextContent.Trim());
        Assert.Equal("never applied", rows[1].QuerySelector("[data-testid=blueprint-run-state]")!.TextContent.Trim());
        Assert.Equal("none", rows[1].QuerySelector("[data-testid=blueprint-drift]")!.TextContent.Trim());
        Assert.Equal("/blueprints/lab", rows[0].QuerySelector("[data-testid=blueprint-link]")!.GetAttribute("href"));

        var yaml = rows[0].QuerySelector("[data-testid=blueprint-export-yaml]")!;
        Assert.Equal("lab.yaml", yaml.GetAttribute("download"));
        var href = yaml.GetAttribute("href")!;
        Assert.StartsWith("data:application/yaml;charset=utf-8;base64,", href, StringComparison.Ordinal);
        var downloaded = Encoding.UTF8.GetString(Convert.FromBase64String(href[(href.IndexOf(',', StringComparison.Ordinal) + 1)..]));
        Assert.Equal(Blueprints.Export(lab, Core.Blueprints.BlueprintFormat.Yaml), downloaded);
        Assert.Equal("lab.json", rows[0].QuerySelector("[data-testid=blueprint-export-json]")!.GetAttribute("download"));
    }

    [Fact]
    public void The_list_follows_a_run_and_drift_as_they_change()
    {
        Blueprints.Store(FakeBlueprintService.Lab("lab"));
        var page = Context.Render<BlueprintsPage>();
        page.WaitForAssertion(() => Assert.Equal("never applied", page.Find("[data-testid=blueprint-run-state]").TextContent.Trim()));

        Blueprints.SetRun(new BlueprintRun(Guid.NewGuid(), "lab", "olivia", Time.GetUtcNow(), null, BlueprintRunState.Running, []));
        page.WaitForAssertion(() => Assert.Equal("applying", page.Find("[data-testid=blueprint-run-state]").TextContent.Trim()));

        Blueprints.SetDrift(new BlueprintDrift("lab", BlueprintDriftKind.NetworkMissing, "hv-a", "lab-l1-1", null, "The NAT network is gone.", Time.GetUtcNow()));
        page.WaitForAssertion(() => Assert.Equal("1 difference", page.Find("[data-testid=blueprint-drift]").TextContent.Trim()));
    }

    [Fact]
    public void An_imported_file_with_problems_lists_them_with_their_lines_and_stores_nothing()
    {
        var page = Context.Render<BlueprintsPage>();
        var upload = page.FindComponent<InputFile>();

        upload.UploadFiles(InputFileContent.CreateFromText("{\n  \"name\": \"broken\",\n  \"l1s\": [ oops ]\n}", "broken.json"));

        page.WaitForAssertion(() => Assert.Contains("broken.json", page.Find("[data-testid=blueprint-import-problems]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Nothing was stored", page.Find("[data-testid=blueprint-import-problems]").TextContent, StringComparison.Ordinal);
        Assert.StartsWith("line 3 ·", page.Find("[data-testid=blueprint-import-problem]").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Empty(Blueprints.Saved);

        upload.UploadFiles(InputFileContent.CreateFromText("name: x", "notes.txt"));
        page.WaitForAssertion(() => Assert.Contains("choose a .yaml, .yml or .json file", page.Find("[data-testid=blueprint-import-problems]").TextContent, StringComparison.Ordinal));
        Assert.Empty(Blueprints.Saved);
    }

    [Fact]
    public void A_clean_file_is_imported_as_the_user_and_listed()
    {
        var page = Context.Render<BlueprintsPage>();
        var text = Blueprints.Export(FakeBlueprintService.Lab("imported"), Core.Blueprints.BlueprintFormat.Yaml);

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(text, "imported.yaml"));

        page.WaitForAssertion(() => Assert.Contains("Imported 'imported'", page.Find("[data-testid=blueprint-message]").TextContent, StringComparison.Ordinal));
        Assert.Equal("imported", Assert.Single(Blueprints.Saved).Name);
        Assert.Contains("by olivia", page.Find("[data-testid=blueprint-updated]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Delete_asks_first_and_cancel_keeps_the_blueprint()
    {
        Blueprints.Store(FakeBlueprintService.Lab("lab"));
        var dialogs = Context.Render<MudDialogProvider>();
        var page = Context.Render<BlueprintsPage>();

        page.WaitForElement("[data-testid=blueprint-delete]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Delete blueprint 'lab'", dialogs.Markup, StringComparison.Ordinal));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();
        Assert.Empty(Blueprints.Deleted);

        page.Find("[data-testid=blueprint-delete]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains(dialogs.FindAll("button"), b => b.TextContent.Trim() == "Delete"));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").Click();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=blueprint-none]")));
        Assert.Equal(["lab"], Blueprints.Deleted);
    }

    [Fact]
    public void A_viewer_sees_and_exports_but_has_no_new_import_or_delete_and_is_told_why()
    {
        Auth.As(DashboardRoles.Viewer, "vera");
        Blueprints.Store(FakeBlueprintService.Lab("lab"));

        var page = Context.Render<BlueprintsPage>();

        page.WaitForAssertion(() => Assert.Contains("need the Operator role", page.Find("[data-testid=blueprint-viewer-note]").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=blueprint-new]"));
        Assert.Empty(page.FindAll("[data-testid=blueprint-import-button]"));
        Assert.Empty(page.FindAll("[data-testid=blueprint-delete]"));
        Assert.NotEmpty(page.FindAll("[data-testid=blueprint-export-yaml]"));
    }
}
