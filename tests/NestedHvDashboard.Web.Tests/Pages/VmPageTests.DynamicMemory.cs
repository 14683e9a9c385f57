using Bunit;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.VirtualMachines;

namespace NestedHvDashboard.Web.Tests.Pages;

public sealed partial class VmPageTests
{
    [Fact]
    public void The_dynamic_memory_box_shows_only_while_nested_is_off_and_dynamic_memory_is_on()
    {
        var page = Open(Vm(VmState.Off, dynamicMemory: true));
        Assert.Single(page.FindAll("[data-testid=also-dynamic-memory-off]"));

        // Each page shows the VM once the feed has delivered it (the feed batches changes), hence the waits.
        var staticPage = Open(Vm(VmState.Off));
        staticPage.WaitForAssertion(() => Assert.Empty(staticPage.FindAll("[data-testid=also-dynamic-memory-off]")));

        var nestedOn = Open(Vm(VmState.Off, dynamicMemory: true) with { ExposeVirtualizationExtensions = true });
        nestedOn.WaitForAssertion(() => Assert.Empty(nestedOn.FindAll("[data-testid=also-dynamic-memory-off]")));
    }

    [Fact]
    public void Ticked_on_an_off_vm_the_fix_runs_right_after_the_nested_change()
    {
        var page = Open(Vm(VmState.Off, dynamicMemory: true));

        TickDynamicMemoryOff(page);
        Toggle(page);

        page.WaitForAssertion(() => Assert.Contains("Done", page.Find("[data-testid=outcome]").TextContent, StringComparison.Ordinal));
        Assert.Equal(
            ["Set ExposeVirtualizationExtensions $true", "Set DynamicMemoryEnabled $false"],
            page.FindAll("[data-testid=step-title]").Select(e => e.TextContent.Trim()));
        Assert.Equal(["SetNested True", "SetDynamicMemory False"], _host.Calls.Where(c => !c.StartsWith("Get", StringComparison.Ordinal)));
        Assert.False(_host.Vm(VmId).DynamicMemoryEnabled);
        Assert.Contains("dynamic memory turned off", page.Find("[data-testid=outcome]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_ticked_dynamic_memory_is_left_alone()
    {
        var page = Open(Vm(VmState.Off, dynamicMemory: true));

        Toggle(page);

        page.WaitForAssertion(() => Assert.Contains("Done", page.Find("[data-testid=outcome]").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain(_host.Calls, c => c.StartsWith("SetDynamicMemory", StringComparison.Ordinal));
        Assert.True(_host.Vm(VmId).DynamicMemoryEnabled);
    }

    [Fact]
    public void Ticked_on_a_running_vm_the_dialog_says_so_and_the_fix_runs_while_the_vm_is_off()
    {
        var page = Open(Vm(VmState.Running, dynamicMemory: true));

        TickDynamicMemoryOff(page);
        Toggle(page);
        _dialogs.WaitForAssertion(() => Assert.Contains("Dynamic memory will also be turned off", _dialogs.Find("[data-testid=dialog-dynamic-memory-off]").TextContent, StringComparison.Ordinal));
        _dialogs.Find("[data-testid=choice-shut-down]").Click();

        page.WaitForAssertion(() => Assert.Contains("Done", page.Find("[data-testid=outcome]").TextContent, StringComparison.Ordinal));
        Assert.Equal(["Stop ShutDown", "SetNested True", "SetDynamicMemory False", "Start"], _host.Calls.Where(c => !c.StartsWith("Get", StringComparison.Ordinal)));
        var vm = _host.Vm(VmId);
        Assert.Equal(VmState.Running, vm.State);
        Assert.False(vm.DynamicMemoryEnabled);
    }

    [Fact]
    public void Not_ticked_the_dialog_does_not_mention_dynamic_memory()
    {
        var page = Open(Vm(VmState.Running, dynamicMemory: true));

        Toggle(page);

        _dialogs.WaitForElement("[data-testid=choice-cancel]");
        Assert.Empty(_dialogs.FindAll("[data-testid=dialog-dynamic-memory-off]"));
        _dialogs.Find("[data-testid=choice-cancel]").Click();
        Assert.Empty(_host.Calls);
    }

    [Fact]
    public void Ticked_and_applied_at_next_shutdown_the_pending_change_keeps_the_fix()
    {
        var page = Open(Vm(VmState.Running, dynamicMemory: true));

        TickDynamicMemoryOff(page);
        Toggle(page);
        _dialogs.WaitForElement("[data-testid=choice-next-shutdown]").Click();

        // MAC spoofing on is ticked by default too, so the pending change names both fixes.
        page.WaitForAssertion(() => Assert.Contains("(and dynamic memory off, MAC address spoofing on)", page.Find("[data-testid=pending]").TextContent, StringComparison.Ordinal));
        Assert.True(_pending.Find(HostName, VmId)?.DisableDynamicMemory);
        Assert.Empty(_host.Calls);
    }

    private static void TickDynamicMemoryOff(IRenderedComponent<VmPage> page) =>
        page.Find("input[data-testid=also-dynamic-memory-off]").Change(true);
}
