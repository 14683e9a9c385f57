using Bunit;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Tests.Pages;
using NestedHvDashboard.Web.VirtualMachines;

namespace NestedHvDashboard.Web.Tests.Vms;

/// <summary>The VM page's note on non-Microsoft hypervisors: shown for a guest that reports an OS other than Windows, only then.</summary>
public sealed class NonMicrosoftHypervisorNoteTests : PageContext
{
    [Fact]
    public void A_linux_guest_is_told_that_other_hypervisors_inside_a_hyper_v_vm_are_not_supported()
    {
        var note = Context.Render<NonMicrosoftHypervisorNote>(p => p.Add(c => c.Vm, Guest("Ubuntu 22.04.4 LTS")));

        var text = note.Find("[data-testid=non-microsoft-hypervisor-text]").TextContent;
        Assert.Contains("Other hypervisors inside a Hyper-V VM are not supported", note.Find("[data-testid=non-microsoft-hypervisor-note]").TextContent, StringComparison.Ordinal);
        Assert.Contains("The guest reports Ubuntu 22.04.4 LTS.", text, StringComparison.Ordinal);
        Assert.Contains("KVM, VMware ESXi or Workstation and", text, StringComparison.Ordinal);
        Assert.Contains("Windows Server 2016 or later, or Windows 10 or later", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Windows Server 2022 Datacenter")]
    [InlineData(null)]
    public void A_windows_guest_or_one_that_reports_nothing_gets_no_note(string? guestOs)
    {
        var note = Context.Render<NonMicrosoftHypervisorNote>(p => p.Add(c => c.Vm, Guest(guestOs)));

        Assert.Empty(note.FindAll("[data-testid=non-microsoft-hypervisor-note]"));
    }

    private static VmSnapshot Guest(string? osName) => new(
        Guid.NewGuid(), "lab-vm", VmState.Running, TimeSpan.FromHours(1), 5, 4L << 30, false, 4L << 30, new Version(10, 0), 2, 4, false, false, [],
        osName, osName is null ? null : "10.0.20348");
}
