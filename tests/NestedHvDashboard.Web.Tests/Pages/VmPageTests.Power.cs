using Bunit;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Power;
using NestedHvDashboard.Web.Tests.Access;

namespace NestedHvDashboard.Web.Tests.Pages;

public sealed partial class VmPageTests
{
    private static readonly VmPowerAction[] Actions = Enum.GetValues<VmPowerAction>();

    [Theory]
    [InlineData(VmState.Off, "start")]
    [InlineData(VmState.Running, "shut-down,turn-off,save,pause,restart,reset")]
    [InlineData(VmState.Paused, "turn-off,save,resume")]
    [InlineData(VmState.Saved, "start,delete-saved-state")]
    public void The_power_bar_enables_only_what_the_vms_state_allows_and_says_why_not_for_the_rest(VmState state, string enabled)
    {
        var page = Open(Vm(state));

        var expected = enabled.Split(',');
        foreach (var action in Actions)
        {
            var button = page.Find($"[data-testid=power-{VmPowerBar.Slug(action)}]");
            var why = VmPowerActions.WhyNot(action, state);
            Assert.Equal(!expected.Contains(VmPowerBar.Slug(action)), button.HasAttribute("disabled"));
            Assert.Equal(why, button.GetAttribute("title"));
        }
    }

    [Fact]
    public void A_viewer_sees_the_power_bar_disabled_with_who_can_use_it()
    {
        _auth.As(DashboardRoles.Viewer);
        var page = Open(Vm(VmState.Running));

        Assert.All(Actions, a => Assert.True(page.Find($"[data-testid=power-{VmPowerBar.Slug(a)}]").HasAttribute("disabled")));
        Assert.Equal("Operators can change the VM's power.", page.Find("[data-testid=power-pause]").GetAttribute("title"));
    }

    [Fact]
    public void Turn_off_warns_first_and_runs_only_when_confirmed()
    {
        var page = Open(Vm(VmState.Running));

        page.Find("[data-testid=power-turn-off]").Click();
        var warning = _dialogs.WaitForElement("[data-testid=power-warning]").TextContent;
        Assert.Contains("like pulling the plug", warning, StringComparison.Ordinal);
        Assert.Contains("unsaved work in the guest is lost", warning, StringComparison.Ordinal);
        Assert.Equal("Stop-VM -Name lab-l1 -TurnOff", _dialogs.Find("[data-testid=power-command]").TextContent.Trim());
        _dialogs.Find("[data-testid=power-cancel]").Click();
        Assert.DoesNotContain(_host.Calls, c => c.StartsWith("Stop", StringComparison.Ordinal));

        page.Find("[data-testid=power-turn-off]").Click();
        _dialogs.WaitForElement("[data-testid=power-confirm-button]").Click();

        page.WaitForAssertion(() => Assert.Contains("Done", page.Find("[data-testid=power-outcome]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Stop TurnOff", _host.Calls);
        Assert.Equal("Turn off (Stop-VM -TurnOff)", page.Find("[data-testid=power-step-title]").TextContent.Trim());
        page.WaitForAssertion(() => Assert.Equal("Off", page.Find("[data-testid=vm-state]").TextContent.Trim()));
        Assert.False(page.Find("[data-testid=power-start]").HasAttribute("disabled"));
    }

    [Fact]
    public void Pause_runs_at_once_and_a_refusal_shows_the_hosts_words()
    {
        var page = Open(Vm(VmState.Running));

        page.Find("[data-testid=power-pause]").Click();
        page.WaitForAssertion(() => Assert.Equal("Paused", page.Find("[data-testid=vm-state]").TextContent.Trim()));
        Assert.Empty(_dialogs.FindAll("[data-testid=power-confirm]"));

        _host.FailNext("Resume", "'lab-l1' failed to resume. The virtual machine's configuration is locked.");
        page.Find("[data-testid=power-resume]").Click();

        page.WaitForAssertion(() => Assert.Contains("failed to resume. The virtual machine's configuration is locked.", page.Find("[data-testid=power-outcome]").TextContent, StringComparison.Ordinal));
        Assert.Equal("Paused", page.Find("[data-testid=vm-state]").TextContent.Trim());
    }

    [Fact]
    public void The_saved_state_fix_gets_start_and_delete_saved_state_buttons_that_run_with_the_warning()
    {
        var page = Open(Vm(VmState.Saved));

        var row = page.Find($"[data-rule='{ReadinessRuleIds.VmPowerState}']");
        Assert.NotNull(row.QuerySelector("[data-testid=fix-start]"));
        Assert.NotNull(row.QuerySelector("[data-testid=fix-delete-saved-state]"));
        Assert.Empty(page.FindAll($"[data-rule='{ReadinessRuleIds.VmGeneration}'] [data-testid=fix-actions]"));

        page.Find("[data-testid=fix-delete-saved-state]").Click();
        Assert.Contains("discards the VM's memory", _dialogs.WaitForElement("[data-testid=power-warning]").TextContent, StringComparison.Ordinal);
        _dialogs.Find("[data-testid=power-confirm-button]").Click();

        page.WaitForAssertion(() => Assert.Equal("Off", page.Find("[data-testid=vm-state]").TextContent.Trim()));
        Assert.Contains("RemoveSavedState", _host.Calls);
        page.WaitForAssertion(() => Assert.Contains("Deleted the saved state of VM 'lab-l1'", page.Find("[data-testid=power-outcome]").TextContent, StringComparison.Ordinal));
        Assert.Equal("Pass", page.Find($"[data-rule='{ReadinessRuleIds.VmPowerState}'] [data-testid=check-status]").TextContent.Trim());
    }
}
