using Bunit;
using MudBlazor;
using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Blueprints;
using NestedHvDashboard.Web.Tests.Access;

namespace NestedHvDashboard.Web.Tests.Blueprints;

/// <summary>Review (steps per L1 with their commands, problems that block), Apply with the guest accounts, and the run's live progress and Resume.</summary>
public sealed class BlueprintApplyTests : BlueprintContext
{
    private static readonly Blueprint Lab = FakeBlueprintService.Lab("lab", l1s: 2, l2s: 1);

    private static BlueprintReview Steps(params BlueprintProblem[] problems) => new(problems,
    [
        FakeBlueprintService.Step(0, BlueprintStepKind.CreateL1, "hv-a", "lab-l1-1", null, "Create L1 'lab-l1-1' on hv-a", "on hv-a", "New-VM",
            new PlannedParameter("Name", "lab-l1-1"), new PlannedParameter("Generation", 2)),
        FakeBlueprintService.Step(1, BlueprintStepKind.EnableNested, "hv-a", "lab-l1-1", null, "Turn nested virtualization on", "on hv-a", "Set-VMProcessor",
            new PlannedParameter("VMName", "lab-l1-1"), new PlannedParameter("ExposeVirtualizationExtensions", true)),
        FakeBlueprintService.Step(2, BlueprintStepKind.ApplyAddress, "hv-a", "lab-l1-1", "lab-l1-1-l2-1", "Address of 'lab-l1-1-l2-1'", "in lab-l1-1-l2-1", "New-NetIPAddress",
            new PlannedParameter("IPAddress", "192.168.101.11")),
        FakeBlueprintService.Step(3, BlueprintStepKind.CreateL1, "hv-b", "lab-l1-2", null, "Create L1 'lab-l1-2' on hv-b", "on hv-b", "New-VM", new PlannedParameter("Name", "lab-l1-2")),
    ]);

    private IRenderedComponent<BlueprintEditor> Open()
    {
        Blueprints.Store(Lab);
        return Context.Render<BlueprintEditor>(p => p.Add(e => e.Name, "lab"));
    }

    [Fact]
    public void Review_groups_the_steps_per_l1_in_order_with_each_commands_text_and_where_it_runs()
    {
        Blueprints.Review = Steps();
        var page = Open();

        page.WaitForElement("[data-testid=review-run]").Click();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=review-l1]").Count));
        var groups = page.FindAll("[data-testid=review-l1]");
        Assert.Equal("lab-l1-1", groups[0].GetAttribute("data-l1"));
        Assert.Equal(3, groups[0].QuerySelectorAll("[data-testid=review-step]").Length);
        var commands = groups[0].QuerySelectorAll("[data-testid=review-command]").Select(c => c.TextContent.Trim()).ToList();
        Assert.Contains(commands, c => c.StartsWith("on hv-a", StringComparison.Ordinal) && c.EndsWith("Set-VMProcessor -VMName lab-l1-1 -ExposeVirtualizationExtensions:$true", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.StartsWith("in lab-l1-1-l2-1", StringComparison.Ordinal));
        Assert.Contains("4 steps on 2 L1 VMs", page.Find("[data-testid=review-ok]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_from_the_review_block_apply_and_are_listed()
    {
        Blueprints.Review = Steps(new BlueprintProblem("l1s[1].host", "Host 'hv-b' is not connected."));
        var page = Open();

        page.WaitForElement("[data-testid=review-run]").Click();

        page.WaitForAssertion(() => Assert.Equal("l1s[1].host: Host 'hv-b' is not connected.", page.Find("[data-testid=review-problem]").TextContent.Trim()));
        Assert.True(page.Find("[data-testid=review-apply]").HasAttribute("disabled"));
        Assert.Contains("Fix the problems above", page.Find("[data-testid=review-apply-why]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void An_edit_after_the_review_drops_it_so_apply_never_runs_on_a_review_of_other_text()
    {
        Blueprints.Review = Steps();
        var page = Open();
        page.WaitForElement("[data-testid=review-run]").Click();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=review-ok]")));

        page.Find("[data-testid=form-l2-add]").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=review-l1]")));
        Assert.Empty(page.FindAll("[data-testid=review-apply]"));
    }

    [Fact]
    public void Apply_asks_both_guest_accounts_in_password_fields_and_sends_them_to_the_service()
    {
        Blueprints.Review = Steps();
        var dialogs = Context.Render<MudDialogProvider>();
        var page = Open();
        page.WaitForElement("[data-testid=review-run]").Click();
        page.WaitForElement("[data-testid=review-apply]").Click();

        dialogs.WaitForElement("input[data-testid=apply-l1-password]");
        Assert.Equal("password", dialogs.Find("input[data-testid=apply-l1-password]").GetAttribute("type"));
        Assert.Empty(dialogs.FindAll("[data-testid=apply-remember]")); // an Operator's account is not kept
        dialogs.Find("[data-testid=apply-ok]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("password is needed", dialogs.Markup, StringComparison.Ordinal));
        Assert.Empty(Blueprints.Applied);

        dialogs.Find("input[data-testid=apply-l1-password]").Input("L1-secret");
        dialogs.Find("input[data-testid=apply-same]").Change(false);
        dialogs.WaitForElement("input[data-testid=apply-l2-user]").Input("labadmin");
        dialogs.Find("input[data-testid=apply-l2-password]").Input("L2-secret");
        Assert.Equal("password", dialogs.Find("input[data-testid=apply-l2-password]").GetAttribute("type"));
        dialogs.Find("[data-testid=apply-ok]").Click();

        page.WaitForAssertion(() => Assert.Contains("Applying started.", page.Find("[data-testid=run-answer]").TextContent, StringComparison.Ordinal));
        var (actor, name, credentials) = Assert.Single(Blueprints.Applied);
        Assert.Equal(("olivia", "lab"), (actor.Name, name));
        Assert.Equal(new GuestCredential("Administrator", "L1-secret"), credentials.L1Guests);
        Assert.Equal(new GuestCredential("labadmin", "L2-secret"), credentials.L2Guests);
        Assert.DoesNotContain("L1-secret", page.Markup + dialogs.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void The_run_shows_each_step_as_it_changes_and_a_failed_run_says_why_and_resumes()
    {
        var steps = Steps().Steps;
        var page = Open();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=run-none]")));
        var started = Time.GetUtcNow();

        Blueprints.SetRun(Run(BlueprintRunState.Running, Progress(steps[0], BlueprintStepState.Done), Progress(steps[1], BlueprintStepState.Running), Progress(steps[2], BlueprintStepState.Pending)));
        page.WaitForAssertion(() => Assert.Equal("applying", page.Find("[data-testid=run-state]").TextContent.Trim()));
        Assert.Equal(["Done", "Running", "Pending"], page.FindAll("[data-testid=run-step]").Select(r => r.GetAttribute("data-state")));
        Assert.Empty(page.FindAll("[data-testid=run-resume]"));

        Blueprints.SetRun(Run(BlueprintRunState.Failed, Progress(steps[0], BlueprintStepState.Done),
            Progress(steps[1], BlueprintStepState.Failed, "The operation cannot be performed while the virtual machine is in its current state."), Progress(steps[2], BlueprintStepState.Pending)));
        page.WaitForAssertion(() => Assert.Contains("while the virtual machine is in its current state", page.Find("[data-testid=run-failed-step]").TextContent, StringComparison.Ordinal));
        Assert.Equal("failed", page.Find("[data-testid=run-state]").TextContent.Trim());

        var dialogs = Context.Render<MudDialogProvider>();
        page.Find("[data-testid=run-resume]").Click();
        dialogs.WaitForElement("input[data-testid=apply-l1-password]").Input("pw");
        dialogs.Find("[data-testid=apply-ok]").Click();
        page.WaitForAssertion(() => Assert.Equal("lab", Assert.Single(Blueprints.Applied).Name));
        Assert.Null(Blueprints.Applied[0].Credentials.L2Guests);

        BlueprintRun Run(BlueprintRunState state, params BlueprintStepProgress[] progress) => new(Guid.Empty, "lab", "olivia", started, null, state, progress);
    }

    [Fact]
    public void A_viewer_after_a_reload_sees_an_interrupted_run_but_resuming_is_explained_not_offered()
    {
        Auth.As(DashboardRoles.Viewer, "vera");
        Blueprints.SetRun(new BlueprintRun(Guid.Empty, "lab", "olivia", Time.GetUtcNow(), null, BlueprintRunState.Interrupted, [Progress(Steps().Steps[0], BlueprintStepState.Done)]));

        var page = Open();

        page.WaitForAssertion(() => Assert.Equal("interrupted", page.Find("[data-testid=run-state]").TextContent.Trim()));
        Assert.NotNull(page.Find("[data-testid=run-interrupted]"));
        Assert.Empty(page.FindAll("[data-testid=run-resume]"));
        Assert.Contains("Operator role", page.Find("[data-testid=run-resume-why]").TextContent, StringComparison.Ordinal);
    }

    private static BlueprintStepProgress Progress(BlueprintStep step, BlueprintStepState state, string? message = null) =>
        new(step, state, message, false, null, null);
}
