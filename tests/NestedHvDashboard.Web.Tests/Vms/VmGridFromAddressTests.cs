using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.Tests.Access;
using NestedHvDashboard.Web.Tests.Audit;
using NestedHvDashboard.Web.Tests.Pages;
using NestedHvDashboard.Web.VirtualMachines;

namespace NestedHvDashboard.Web.Tests.Vms;

/// <summary>/vms opened from a link (the overview's counts): the address sets the grid's filters; the blocking reasons show without hovering.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class VmGridFromAddressTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly TestDatabase _db = TestDatabase.Create();
    private readonly InventoryStore _store = new(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(20) });
    private readonly Dictionary<string, FakeHyperVHost> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.SignInAs(DashboardRoles.Administrator);
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IInventoryFeed>(_store);
        _context.Services.AddSingleton(_store);
        _context.Services.AddSingleton<NestedHvDashboard.Web.Inventory.SharedInventory>();
        _context.Services.AddSingleton<IHostLookup>(new Lookup(_hosts));
        _context.Services.AddSingleton(new PendingNestedChanges());
        _context.Services.AddBulkNestedSwitch();
        _db.AddTo(_context.Services);
        _context.AddActorServices();
        _context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Publish("hv-a", VmGridQueryTests.Vm("web-01", VmState.Running, nested: true), VmGridQueryTests.Vm("old-a", VmState.Off, config: "5.0"));
        Publish("hv-b", VmGridQueryTests.Vm("app-01", VmState.Off, nested: true), VmGridQueryTests.Vm("old-b", VmState.Off, config: "5.0"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        _db.Dispose();
    }

    private void Publish(string host, params VmSnapshot[] vms)
    {
        var facts = VmGridQueryTests.Facts with { Name = host };
        _hosts[host] = new FakeHyperVHost(host, facts, vms);
        _store.ApplyInventory(host, new HostInventory(facts, vms, DateTimeOffset.UtcNow));
    }

    private IRenderedComponent<AllVms> OpenAt(string address)
    {
        _context.Render<MudDialogProvider>();
        _context.Services.GetRequiredService<NavigationManager>().NavigateTo(address);
        return _context.Render<AllVms>();
    }

    private static List<string> Names(IRenderedComponent<AllVms> page) =>
        [.. page.FindAll("[data-testid=vm-table] [data-vm]").Select(e => e.GetAttribute("data-vm")!)];

    [Fact]
    public void The_address_filters_the_grid_to_its_host_and_readiness()
    {
        var page = OpenAt("/vms?host=hv-b&readiness=Fail");

        page.WaitForAssertion(() => Assert.Equal(["old-b"], Names(page)));
        Assert.Equal("1 of 4 VMs", page.Find("[data-testid=vm-count]").TextContent.Trim());
        Assert.Equal("Host: hv-b", page.Find("[data-testid=filter-host]").TextContent.Trim());
    }

    [Fact]
    public void Without_a_host_the_readiness_filter_spans_every_host()
    {
        var page = OpenAt("/vms?readiness=Fail");

        page.WaitForAssertion(() => Assert.Equal(["old-a", "old-b"], Names(page)));
        Assert.Empty(page.FindAll("[data-testid=filter-host]"));
    }

    [Fact]
    public void Each_row_shows_its_blocking_reasons_in_words_not_in_a_tooltip()
    {
        var page = OpenAt("/vms");

        page.WaitForAssertion(() => Assert.Equal(4, Names(page).Count));
        var old = page.Find("tr:has([data-vm='old-a']) [data-testid=vm-blocking]");
        var ready = page.Find("tr:has([data-vm='app-01']) [data-testid=vm-blocking]");
        Assert.Equal("Config version 5.0 below 8.0 (Intel)", old.TextContent.Trim());
        Assert.Equal("—", ready.TextContent.Trim());
        Assert.Empty(page.FindAll(".mud-tooltip-root [data-testid=vm-readiness]"));
    }

    private sealed class Lookup(Dictionary<string, FakeHyperVHost> hosts) : IHostLookup
    {
        public IHyperVHost? Find(string name) => hosts.GetValueOrDefault(name);
    }
}
