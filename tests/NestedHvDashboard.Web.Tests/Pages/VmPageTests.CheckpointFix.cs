using Bunit;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Tests.Pages;

/// <summary>The checkpoints check's fix as a button to the Checkpoints card.</summary>
public sealed partial class VmPageTests
{
    [Fact]
    public void A_vm_with_checkpoints_gets_a_button_to_its_checkpoints_card()
    {
        var page = Open(Vm(VmState.Off, macSpoofing: true) with { HasCheckpoints = true });

        var row = page.Find($"[data-rule='{ReadinessRuleIds.VmCheckpoints}']");
        Assert.Equal("Warn", row.QuerySelector("[data-testid=check-status]")!.TextContent.Trim());
        var button = row.QuerySelector("[data-testid=fix-checkpoints]")!;
        Assert.EndsWith("#checkpoints", button.GetAttribute("href"), StringComparison.Ordinal);
        Assert.Equal("checkpoints", page.Find("[data-testid=checkpoints-card]").Id);
    }

    [Fact]
    public void A_vm_without_checkpoints_gets_no_checkpoints_button()
    {
        var page = Open(Vm(VmState.Off, macSpoofing: true) with { HasCheckpoints = false });

        Assert.Equal("Pass", page.Find($"[data-rule='{ReadinessRuleIds.VmCheckpoints}'] [data-testid=check-status]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=fix-checkpoints]"));
    }
}
