using Bunit;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Tests.Pages;

public sealed partial class VmPageTests
{
    [Fact]
    public void A_running_vm_offers_Add_as_a_host_and_shows_why_a_real_hosts_guest_needs_the_connections_page()
    {
        var page = Open(Vm(VmState.Running));

        page.Find("[data-testid=add-as-host]").Click();

        page.WaitForAssertion(() =>
        {
            var refusal = page.Find("[data-testid=add-as-host-refused]").TextContent;
            Assert.Contains($"real host '{HostName}'", refusal, StringComparison.Ordinal);
            Assert.Contains("Connections page", refusal, StringComparison.Ordinal);
        });
        Assert.Null(_directory!.NestedHostNamed(HostName, VmId));
    }

    [Fact]
    public void A_stopped_vm_offers_no_Add_as_a_host()
    {
        var page = Open(Vm(VmState.Off));

        Assert.Empty(page.FindAll("[data-testid=add-as-host]"));
    }

    [Fact]
    public async Task A_vm_already_added_links_to_its_host_instead()
    {
        await _directory!.DisposeAsync();
        _directory = await NewDirectoryAsync(vmIsAddedAsHost: true);
        var page = Open(Vm(VmState.Running));

        var link = page.Find("[data-testid=added-host]");
        Assert.Equal("Added as host hv-a-l1", link.TextContent.Trim());
        Assert.Equal("/hosts/hv-a-l1", link.GetAttribute("href"));
        Assert.Empty(page.FindAll("[data-testid=add-as-host]"));
    }
}
