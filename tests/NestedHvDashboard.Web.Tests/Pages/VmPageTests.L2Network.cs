using Bunit;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Tests.Access;

namespace NestedHvDashboard.Web.Tests.Pages;

/// <summary>The MAC spoofing companion ticked by default, and the L2 network warning's fix buttons.</summary>
public sealed partial class VmPageTests
{
    [Fact]
    public void Enabling_nested_turns_mac_spoofing_on_too_by_default_right_after_the_nested_change()
    {
        var page = Open(Vm(VmState.Off, macSpoofing: false));
        Assert.True(page.Find("input[data-testid=also-mac-spoofing]").HasAttribute("checked"));

        Toggle(page);

        page.WaitForAssertion(() => Assert.Contains("Done", page.Find("[data-testid=outcome]").TextContent, StringComparison.Ordinal));
        Assert.Equal(["SetNested True", "SetMacSpoofing True"], _host.Calls.Where(c => !c.StartsWith("Get", StringComparison.Ordinal)));
        Assert.True(_host.Vm(VmId).NetworkAdapters.Single().MacAddressSpoofing);
    }

    [Fact]
    public void Unticked_the_mac_spoofing_companion_is_left_alone()
    {
        var page = Open(Vm(VmState.Off, macSpoofing: false));

        page.Find("input[data-testid=also-mac-spoofing]").Change(false);
        Toggle(page);

        page.WaitForAssertion(() => Assert.Contains("Done", page.Find("[data-testid=outcome]").TextContent, StringComparison.Ordinal));
        Assert.Equal(["SetNested True"], _host.Calls.Where(c => !c.StartsWith("Get", StringComparison.Ordinal)));
        Assert.False(_host.Vm(VmId).NetworkAdapters.Single().MacAddressSpoofing);
    }

    [Fact]
    public void A_nested_vm_without_mac_spoofing_warns_its_L2_vms_have_no_network_and_the_button_turns_spoofing_on()
    {
        var page = Open(Vm(VmState.Running, macSpoofing: false) with { ExposeVirtualizationExtensions = true });

        var row = page.Find($"[data-rule='{ReadinessRuleIds.VmL2Network}']");
        Assert.Equal("Warn", row.QuerySelector("[data-testid=check-status]")!.TextContent.Trim());
        Assert.StartsWith("L2 VMs inside will have no network", row.QuerySelector("[data-testid=check-reason]")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=fix-guest-nat]")); // no guest OS reported: no guest networking card to open
        Assert.Single(page.FindAll("[data-testid=fix-guest-nat-hint]"));

        page.Find("[data-testid=fix-mac-spoofing]").Click();

        page.WaitForAssertion(() => Assert.Equal("Pass", page.Find($"[data-rule='{ReadinessRuleIds.VmL2Network}'] [data-testid=check-status]").TextContent.Trim()));
        Assert.Equal(["SetMacSpoofing True"], _host.Calls.Where(c => !c.StartsWith("Get", StringComparison.Ordinal)));
        Assert.Empty(page.FindAll("[data-testid=fix-mac-spoofing]"));
    }

    [Fact]
    public void A_viewer_sees_the_warning_but_no_fix_buttons()
    {
        _auth.As(DashboardRoles.Viewer);
        var page = Open(Vm(VmState.Running, macSpoofing: false) with { ExposeVirtualizationExtensions = true });

        Assert.Equal("Warn", page.Find($"[data-rule='{ReadinessRuleIds.VmL2Network}'] [data-testid=check-status]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=l2-fixes]"));
    }
}
