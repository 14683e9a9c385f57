using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.VirtualMachines;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.Inventory;
using NestedHvDashboard.Web.Tests.Access;
using NestedHvDashboard.Web.Tests.Audit;
namespace NestedHvDashboard.Web.Tests.Vms;

/// <summary>
/// /vms on a generated inventory of 200 hosts × 50 VMs: pages share one inventory (one feed subscription, one row
/// set), the grid renders only the rows on screen, and search, filters and select-all are right over all 10,000.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class LargeInventoryGridTests : IAsyncLifetime
{
    private const int HostCount = 200;
    private const int VmsPerHost = 50;
    private readonly BunitContext _context = new();
    private readonly TestDatabase _db = TestDatabase.Create();
    private readonly InventoryStore _store = new(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(20) });
    private readonly List<(string Host, VmSnapshot Vm)> _vms = [];

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.SignInAs(DashboardRoles.Administrator);
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IInventoryFeed>(_store);
        _context.Services.AddSingleton<SharedInventory>();
        _context.Services.AddSingleton<IHostLookup>(new NoHosts());
        _context.Services.AddSingleton(new PendingNestedChanges());
        _context.Services.AddBulkNestedSwitch();
        _db.AddTo(_context.Services);
        _context.AddActorServices();
        _context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        // States and nested settings vary by position, so every filter has a different, known answer.
        for (var h = 0; h < HostCount; h++)
        {
            var host = string.Create(CultureInfo.InvariantCulture, $"hv-{h:000}");
            var vms = new List<VmSnapshot>();
            for (var v = 0; v < VmsPerHost; v++)
            {
                var n = h * VmsPerHost + v;
                var state = (n % 4) switch { 0 => VmState.Running, 1 => VmState.Off, 2 => VmState.Off, _ => VmState.Saved };
                var vm = VmGridQueryTests.Vm(string.Create(CultureInfo.InvariantCulture, $"vm-{n:00000}"), state, nested: n % 3 == 0);
                vms.Add(vm);
                _vms.Add((host, vm));
            }

            _store.ApplyInventory(host, new HostInventory(VmGridQueryTests.Facts with { Name = host }, vms, DateTimeOffset.UtcNow));
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        _db.Dispose();
    }

    private IRenderedComponent<AllVms> Open()
    {
        var page = _context.Render<AllVms>();
        page.WaitForAssertion(() => Assert.Equal($"{_vms.Count} of {_vms.Count} VMs", Count(page)), TimeSpan.FromSeconds(60));
        page.WaitForAssertion(() => Assert.NotEmpty(Names(page)));
        return page;
    }

    private static string Count(IRenderedComponent<AllVms> page) => page.Find("[data-testid=vm-count]").TextContent.Trim();

    private static List<string> Names(IRenderedComponent<AllVms> page) =>
        [.. page.FindAll("[data-testid=vm-table] [data-vm]").Select(e => e.GetAttribute("data-vm")!)];

    private static void Filter(IRenderedComponent<AllVms> page, string group, string text) =>
        page.FindAll($"[data-testid={group}] button").Single(b => b.TextContent.Trim() == text).Click();

    [Fact]
    public void Open_pages_share_one_subscription_and_one_row_set_and_render_only_rows_on_screen()
    {
        var first = Open();
        var second = Open();

        // Two pages (two circuits in the app) and one reader of the feed: no page copies the inventory.
        Assert.Equal(1, _store.SubscriberCount);
        var shared = _context.Services.GetRequiredService<SharedInventory>();
        Assert.Equal(2, shared.ListenerCount);
        Assert.Same(VmRowSet.Of(shared.Hosts), VmRowSet.Of(shared.Hosts));
        // Virtualized: the rows the grid asked for (a screen and its overscan), not 10,000.
        Assert.InRange(Names(first).Count, 1, 200);
        Assert.Equal(Names(first), Names(second));

        // A live change reaches both pages.
        var (host, vm) = _vms[0];
        _store.ApplyInventory(host, new HostInventory(VmGridQueryTests.Facts with { Name = host },
            [.. _vms.Where(v => v.Host == host && v.Vm.Id != vm.Id).Select(v => v.Vm)], DateTimeOffset.UtcNow));
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (shared.Hosts[0].Vms.Count != VmsPerHost - 1 && DateTime.UtcNow < deadline) { Thread.Sleep(50); }
        Assert.Equal(VmsPerHost - 1, shared.Hosts[0].Vms.Count);
        first.WaitForAssertion(() => Assert.Equal($"{_vms.Count - 1} of {_vms.Count - 1} VMs", Count(first)), TimeSpan.FromSeconds(30));
        second.WaitForAssertion(() => Assert.Equal($"{_vms.Count - 1} of {_vms.Count - 1} VMs", Count(second)), TimeSpan.FromSeconds(30));
        Assert.Equal(1, _store.SubscriberCount);
    }

    [Fact]
    public void Search_filters_and_select_all_are_right_over_every_vm_not_only_those_on_screen()
    {
        var page = Open();
        Filter(page, "filter-state", "Off");
        Filter(page, "filter-nested", "On");
        var expected = _vms.Count(v => v.Vm.State == VmState.Off && v.Vm.ExposeVirtualizationExtensions);
        page.WaitForAssertion(() => Assert.Equal($"{expected} of {_vms.Count} VMs", Count(page)));
        Assert.All(page.FindAll("[data-testid=vm-state]"), s => Assert.Equal("Off", s.TextContent.Trim()));

        page.Find("thead input[type=checkbox]").Change(true);
        page.WaitForAssertion(() => Assert.Equal($"{expected} selected", page.Find("[data-testid=selection-count]").TextContent.Trim()));
        // Every selected VM has nested on: only Disable applies.
        Assert.Equal($"Disable nested ({expected})", page.Find("[data-testid=bulk-disable]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=bulk-enable]"));

        page = Open();
        Assert.Equal("vm-00000", Names(page)[0]);

        // "vm-0004" matches vm-00040 … vm-00049 (host names never contain it).
        page.Find("input[data-testid=vm-search]").Input("VM-0004");
        page.WaitForAssertion(() => Assert.Equal($"10 of {_vms.Count} VMs", Count(page)));
        page.WaitForAssertion(() => Assert.Equal([.. Enumerable.Range(40, 10).Select(n => $"vm-{n:00000}")], Names(page)));

        // A host name matches its 50 VMs.
        page.Find("input[data-testid=vm-search]").Input("hv-123");
        page.WaitForAssertion(() => Assert.Equal($"50 of {_vms.Count} VMs", Count(page)));
    }

    private sealed class NoHosts : IHostLookup
    {
        public IHyperVHost? Find(string name) => null;
    }
}
