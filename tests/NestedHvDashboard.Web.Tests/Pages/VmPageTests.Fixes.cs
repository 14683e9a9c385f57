using Bunit;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Tests.Access;

namespace NestedHvDashboard.Web.Tests.Pages;

public sealed partial class VmPageTests
{
    private static VmSnapshot SmallVm(VmState state) => Vm(state) with { MemoryStartupBytes = 2L << 30 };

    [Fact]
    public void The_startup_memory_fix_confirms_the_change_and_command_then_sets_4_GB_and_the_check_passes()
    {
        var page = Open(SmallVm(VmState.Off));

        var row = page.Find($"[data-rule='{ReadinessRuleIds.VmStartupMemory}']");
        Assert.Equal("Set startup memory to 4 GB", row.QuerySelector("[data-testid=fix-vm-startup-memory]")!.TextContent.Trim());
        Assert.Empty(page.FindAll($"[data-rule='{ReadinessRuleIds.VmGeneration}'] [data-testid=vm-fix]"));

        page.Find("[data-testid=fix-vm-startup-memory]").Click();
        Assert.Equal("Startup memory: 2 GB → 4 GB.", _dialogs.WaitForElement("[data-testid=fix-change]").TextContent.Trim());
        Assert.Equal("Set-VMMemory -VMName lab-l1 -StartupBytes 4GB", _dialogs.Find("[data-testid=fix-command]").TextContent.Trim());
        Assert.Empty(_dialogs.FindAll("[data-testid=fix-warning]"));
        _dialogs.Find("[data-testid=fix-cancel]").Click();
        Assert.DoesNotContain(_host.Calls, c => c.StartsWith("SetStartupMemory", StringComparison.Ordinal));

        page.Find("[data-testid=fix-vm-startup-memory]").Click();
        _dialogs.WaitForElement("[data-testid=fix-confirm-button]").Click();

        page.WaitForAssertion(() => Assert.Equal("Pass", page.Find($"[data-rule='{ReadinessRuleIds.VmStartupMemory}'] [data-testid=check-status]").TextContent.Trim()));
        Assert.Contains("SetStartupMemory 4294967296", _host.Calls);
        var outcome = page.Find($"[data-rule='{ReadinessRuleIds.VmStartupMemory}'] [data-testid=power-outcome]").TextContent;
        Assert.Contains("Set startup memory to 4 GB: done on VM 'lab-l1' on host 'hv-a'", outcome, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=fix-vm-startup-memory]"));
        Assert.Contains("4 GB startup", page.Find("[data-testid=facts]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_version_upgrade_of_a_running_vm_warns_it_cannot_be_undone_and_shuts_down_upgrades_and_starts_again()
    {
        var page = Open(Vm(VmState.Running, configVersion: new Version(7, 0)));

        page.Find("[data-testid=fix-vm-update-version]").Click();
        var warning = _dialogs.WaitForElement("[data-testid=fix-warning]").TextContent;
        Assert.Contains("This cannot be undone", warning, StringComparison.Ordinal);
        Assert.Contains("configuration version 10.0", warning, StringComparison.Ordinal);
        Assert.Contains("7.0 → 10.0", _dialogs.Find("[data-testid=fix-change]").TextContent, StringComparison.Ordinal);
        Assert.Contains("is running", _dialogs.Find("[data-testid=fix-running]").TextContent, StringComparison.Ordinal);
        Assert.Empty(_dialogs.FindAll("[data-testid=fix-confirm-button]"));
        _dialogs.Find("[data-testid=fix-shut-down]").Click();

        page.WaitForAssertion(() => Assert.Equal("Pass", page.Find($"[data-rule='{ReadinessRuleIds.VmConfigVersion}'] [data-testid=check-status]").TextContent.Trim()));
        Assert.Equal(["Stop ShutDown", "UpdateVersion", "Start"], _host.Calls.Where(c => !c.StartsWith("Get", StringComparison.Ordinal)));
        Assert.Equal(
            ["Shut down (Stop-VM -Force)", "Upgrade the configuration version to 10.0 (Update-VMVersion -Force)", "Start again (Start-VM)"],
            page.FindAll($"[data-rule='{ReadinessRuleIds.VmConfigVersion}'] [data-testid=power-step-title]").Select(e => e.TextContent.Trim()));
        page.WaitForAssertion(() => Assert.Equal("Running", page.Find("[data-testid=vm-state]").TextContent.Trim()));
    }

    [Fact]
    public void A_refused_fix_shows_the_hosts_words_and_the_button_stays()
    {
        var page = Open(SmallVm(VmState.Off));
        _host.FailNext("SetStartupMemory", "'lab-l1' failed to modify device 'Memory'. Not enough memory in the system.");

        page.Find("[data-testid=fix-vm-startup-memory]").Click();
        _dialogs.WaitForElement("[data-testid=fix-confirm-button]").Click();

        page.WaitForAssertion(() => Assert.Contains(
            "'lab-l1' failed to modify device 'Memory'. Not enough memory in the system. Nothing was changed.",
            page.Find($"[data-rule='{ReadinessRuleIds.VmStartupMemory}'] [data-testid=power-outcome]").TextContent, StringComparison.Ordinal));
        Assert.False(page.Find("[data-testid=fix-vm-startup-memory]").HasAttribute("disabled"));
    }

    [Fact]
    public void A_viewer_sees_the_fix_disabled_and_a_saved_vm_says_what_to_do_first()
    {
        _auth.As(DashboardRoles.Viewer);
        var page = Open(SmallVm(VmState.Off));
        var button = page.Find("[data-testid=fix-vm-startup-memory]");
        Assert.True(button.HasAttribute("disabled"));
        Assert.Equal("Operators can change the VM's configuration.", button.GetAttribute("title"));

        _auth.As(DashboardRoles.Operator);
        var saved = Open(SmallVm(VmState.Saved));
        Assert.True(saved.Find("[data-testid=fix-vm-startup-memory]").HasAttribute("disabled"));
        Assert.Contains("start it and shut it down, or delete its saved state, first",
            saved.Find($"[data-rule='{ReadinessRuleIds.VmStartupMemory}'] [data-testid=vm-fix-why]").TextContent, StringComparison.Ordinal);
    }
}
