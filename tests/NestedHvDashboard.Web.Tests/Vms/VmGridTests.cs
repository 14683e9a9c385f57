using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Tests.Access;
using NestedHvDashboard.Core.Operations;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.VirtualMachines;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.Tests.Audit;
using NestedHvDashboard.Web.Tests.Pages;

namespace NestedHvDashboard.Web.Tests.Vms;

/// <summary>The VM grid on /vms with fake hosts: search, filters, selection across live updates, the bulk dialog and its results.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class VmGridTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private BunitAuthorizationContext _auth = null!;
    private readonly TestDatabase _db = TestDatabase.Create();
    private readonly InventoryStore _store = new(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(20) });
    private readonly Dictionary<string, FakeHyperVHost> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;

    private static readonly VmSnapshot WebA = VmGridQueryTests.Vm("web-01", VmState.Running, nested: true);
    private static readonly VmSnapshot OffA = VmGridQueryTests.Vm("sql-01", VmState.Off, nested: true);
    private static readonly VmSnapshot OffB = VmGridQueryTests.Vm("app-01", VmState.Off, nested: true);
    private static readonly VmSnapshot OldB = VmGridQueryTests.Vm("old-01", VmState.Off, config: "5.0");

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _auth = _context.SignInAs(DashboardRoles.Administrator);
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IInventoryFeed>(_store);
        _context.Services.AddSingleton(_store); // changes write the VM they read back into it
        _context.Services.AddSingleton<NestedHvDashboard.Web.Inventory.SharedInventory>();
        _context.Services.AddSingleton<IHostLookup>(new Lookup(_hosts));
        // In memory: these tests do not need pending changes kept on disk.
        _context.Services.AddSingleton(new PendingNestedChanges());
        _context.Services.AddBulkNestedSwitch();
        _db.AddTo(_context.Services);
        _context.AddActorServices();
        _context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Publish("hv-a", WebA, OffA);
        Publish("hv-b", OffB, OldB);
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

    private IRenderedComponent<AllVms> Open(int vms = 4)
    {
        _dialogs = _context.Render<MudDialogProvider>();
        var page = _context.Render<AllVms>();
        page.WaitForAssertion(() => Assert.Equal(vms, Names(page).Count));
        return page;
    }

    private static List<string> Names(IRenderedComponent<AllVms> page) =>
        [.. page.FindAll("[data-testid=vm-table] [data-vm]").Select(e => e.GetAttribute("data-vm")!)];

    private static void Select(IRenderedComponent<AllVms> page, string vm) =>
        page.Find($"tr:has([data-vm='{vm}']) input[type=checkbox]").Change(true);

    private static void Filter(IRenderedComponent<AllVms> page, string group, string text) =>
        page.FindAll($"[data-testid={group}] button").Single(b => b.TextContent.Trim() == text).Click();

    [Theory]
    [InlineData(DashboardRoles.Viewer, false)]
    [InlineData(DashboardRoles.Operator, true)]
    [InlineData(DashboardRoles.Administrator, true)]
    public void The_bulk_actions_show_only_to_a_role_that_may_run_them(string role, bool operate)
    {
        _auth.As(role);
        var page = Open();
        Select(page, "web-01");
        Select(page, "old-01");

        page.WaitForAssertion(() => Assert.Equal("2 selected", page.Find("[data-testid=selection-count]").TextContent.Trim()));
        Assert.Equal(operate, page.FindAll("[data-testid=bulk-enable]").Count == 1);
        Assert.Equal(operate, page.FindAll("[data-testid=bulk-disable]").Count == 1);
        Assert.Equal(!operate, page.FindAll("[data-testid=operators-hint]").Count == 1);
    }

    [Fact]
    public void Search_matches_vm_and_host_names()
    {
        var page = Open();

        page.Find("input[data-testid=vm-search]").Input("hv-b");
        page.WaitForAssertion(() => Assert.Equal(["app-01", "old-01"], Names(page)));

        page.Find("input[data-testid=vm-search]").Input("SQL");
        page.WaitForAssertion(() => Assert.Equal(["sql-01"], Names(page)));
        Assert.Equal("1 of 4 VMs", page.Find("[data-testid=vm-count]").TextContent.Trim());
    }

    [Fact]
    public void Filters_for_state_nested_and_readiness_narrow_the_rows()
    {
        var page = Open();

        Filter(page, "filter-state", "Off");
        page.WaitForAssertion(() => Assert.Equal(["app-01", "old-01", "sql-01"], Names(page)));
        Filter(page, "filter-nested", "Off");
        page.WaitForAssertion(() => Assert.Equal(["old-01"], Names(page)));
        Filter(page, "filter-state", "All");
        Filter(page, "filter-nested", "All");
        Filter(page, "filter-readiness", "Fail");
        page.WaitForAssertion(() => Assert.Equal(["old-01"], Names(page)));
        Filter(page, "filter-readiness", "Unknown");
        page.WaitForAssertion(() => Assert.Contains("No VM matches", page.Find("[data-testid=vm-none]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void The_selection_survives_a_live_update_of_the_selected_vm()
    {
        var page = Open();
        Select(page, "web-01");
        Select(page, "app-01");
        page.WaitForAssertion(() => Assert.Equal("Disable nested (2)", page.Find("[data-testid=bulk-disable]").TextContent.Trim()));

        // The feed replaces both hosts' snapshots: web-01 stops, a new VM appears.
        Publish("hv-a", WebA with { State = VmState.Off, Uptime = TimeSpan.Zero }, OffA, VmGridQueryTests.Vm("new-01"));
        Publish("hv-b", OffB with { CpuUsagePercent = 50 }, OldB);

        page.WaitForAssertion(() => Assert.Equal(5, Names(page).Count));
        page.WaitForAssertion(() => Assert.Equal("Off", page.Find("tr:has([data-vm='web-01']) [data-testid=vm-state]").TextContent.Trim()));
        Assert.Equal("Disable nested (2)", page.Find("[data-testid=bulk-disable]").TextContent.Trim());
        Assert.True(page.Find("tr:has([data-vm='web-01']) input[type=checkbox]").HasAttribute("checked"));
        Assert.False(page.Find("tr:has([data-vm='new-01']) input[type=checkbox]").HasAttribute("checked"));

        page.Find("[data-testid=selection-clear]").Click();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=selection-toolbar]")));
        Assert.DoesNotContain(page.FindAll("tbody input[type=checkbox]"), c => c.HasAttribute("checked"));
    }

    [Fact]
    public void Select_all_selects_only_the_filtered_rows()
    {
        var page = Open();
        page.Find("input[data-testid=vm-search]").Input("hv-b");
        page.WaitForAssertion(() => Assert.Equal(2, Names(page).Count));

        page.Find("thead input[type=checkbox]").Change(true);

        page.WaitForAssertion(() => Assert.Equal("Enable nested (2)", page.Find("[data-testid=bulk-enable]").TextContent.Trim()));
    }

    [Fact]
    public void Bulk_disable_with_one_confirmation_changes_vms_on_both_hosts_and_shows_every_result_and_the_summary()
    {
        var page = Open();
        Select(page, "web-01");
        Select(page, "sql-01");
        Select(page, "app-01");

        page.Find("[data-testid=bulk-disable]").Click();
        _dialogs.WaitForAssertion(() => Assert.Equal(2, _dialogs.FindAll("[data-testid=bulk-hosts] tbody tr").Count));
        Assert.Equal("1", _dialogs.Find("tr[data-host='hv-a'] [data-testid=bulk-running]").TextContent.Trim());
        Assert.Equal("0", _dialogs.Find("tr[data-host='hv-b'] [data-testid=bulk-running]").TextContent.Trim());
        Assert.Empty(_dialogs.FindAll("[data-testid=bulk-mac-spoofing]"));
        _dialogs.FindAll("input[type=radio]").Single(i => i.ParentElement!.ParentElement!.OuterHtml.Contains("Turn off", StringComparison.Ordinal)).Click();
        _dialogs.WaitForAssertion(() => Assert.NotNull(_dialogs.Find("[data-testid=bulk-turn-off-warning]")));
        _dialogs.Find("[data-testid=bulk-confirm]").Click();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=bulk-result][data-outcome=Succeeded]").Count), TimeSpan.FromSeconds(10));
        page.WaitForAssertion(() => Assert.Contains("Succeeded: 3", page.Find("[data-testid=bulk-summary]").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain(page.FindAll("tbody input[type=checkbox]"), c => c.HasAttribute("checked"));
        Assert.Contains("Stop TurnOff", _hosts["hv-a"].Calls);
        Assert.False(_hosts["hv-a"].Vm(WebA.Id).ExposeVirtualizationExtensions);
        Assert.Equal(VmState.Running, _hosts["hv-a"].Vm(WebA.Id).State);
        Assert.False(_hosts["hv-b"].Vm(OffB.Id).ExposeVirtualizationExtensions);
        // One entry per VM and one for the run, all completed (the run's entry completes just after the last VM's result shows).
        page.WaitForAssertion(() => Assert.All(_db.Entries(), e => Assert.NotNull(e.CompletedAt)), TimeSpan.FromSeconds(10));
        var entries = _db.Entries();
        Assert.Equal(3, entries.Count(e => e.Result == "Succeeded" && e.Action == "Disable nested"));
        Assert.Single(entries, e => e.Result == "Succeeded" && e.Action == "Bulk disable nested");
        Assert.Equal(4, entries.Count);
        Assert.Single(entries.Select(e => e.CorrelationId).Distinct());
    }

    [Fact]
    public void Apply_at_next_shutdown_leaves_running_vms_pending_and_changes_the_off_ones()
    {
        var page = Open();
        Select(page, "web-01");
        Select(page, "sql-01");

        page.Find("[data-testid=bulk-disable]").Click();
        _dialogs.WaitForAssertion(() => Assert.NotNull(_dialogs.Find("[data-testid=bulk-confirm]")));
        _dialogs.FindAll("input[type=radio]").Single(i => i.ParentElement!.ParentElement!.OuterHtml.Contains("Apply at next shutdown", StringComparison.Ordinal)).Click();
        _dialogs.Find("[data-testid=bulk-confirm]").Click();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=bulk-summary]")), TimeSpan.FromSeconds(10));
        Assert.Equal("Deferred", page.Find("[data-testid=bulk-result][data-vm='web-01']").GetAttribute("data-outcome"));
        Assert.Equal("Succeeded", page.Find("[data-testid=bulk-result][data-vm='sql-01']").GetAttribute("data-outcome"));
        Assert.NotNull(_context.Services.GetRequiredService<NestedHvDashboard.Core.Operations.PendingNestedChanges>().Find("hv-a", WebA.Id));
        Assert.DoesNotContain(_hosts["hv-a"].Calls, c => c.StartsWith("Stop", StringComparison.Ordinal));
        Assert.True(_hosts["hv-a"].Vm(WebA.Id).ExposeVirtualizationExtensions);
    }

    [Fact]
    public void Bulk_enable_applies_both_companion_fixes_when_ticked()
    {
        var dynamic = VmGridQueryTests.Vm("dyn-01") with { DynamicMemoryEnabled = true };
        Publish("hv-b", OffB, OldB, dynamic);
        var page = Open(5);
        Select(page, "dyn-01");

        page.Find("[data-testid=bulk-enable]").Click();
        _dialogs.WaitForAssertion(() => Assert.NotNull(_dialogs.Find("[data-testid=bulk-dynamic-memory-off]")));
        _dialogs.Find("[data-testid=bulk-mac-spoofing]").Change(true);
        _dialogs.Find("[data-testid=bulk-dynamic-memory-off]").Change(true);
        _dialogs.Find("[data-testid=bulk-confirm]").Click();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=bulk-result][data-outcome=Succeeded]")), TimeSpan.FromSeconds(10));
        var vm = _hosts["hv-b"].Vm(dynamic.Id);
        Assert.Equal((true, false, true), (vm.ExposeVirtualizationExtensions, vm.DynamicMemoryEnabled, vm.NetworkAdapters.Single().MacAddressSpoofing));
        Assert.Contains("SetDynamicMemory False", _hosts["hv-b"].Calls);
    }

    [Fact]
    public void Canceling_the_dialog_changes_nothing()
    {
        var page = Open();
        Select(page, "old-01");

        page.Find("[data-testid=bulk-enable]").Click();
        _dialogs.WaitForAssertion(() => Assert.NotNull(_dialogs.Find("[data-testid=bulk-mac-spoofing]")));
        _dialogs.Find("[data-testid=bulk-cancel]").Click();

        _dialogs.WaitForAssertion(() => Assert.Empty(_dialogs.FindAll("[data-testid=bulk-confirm]")));
        Assert.Empty(page.FindAll("[data-testid=bulk-results]"));
        Assert.DoesNotContain(_hosts["hv-b"].Calls, c => c.StartsWith("Set", StringComparison.Ordinal));
    }

    [Fact]
    public void A_selection_built_across_searches_says_how_many_the_search_hides_and_the_bulk_change_takes_them_all()
    {
        var page = Open();
        page.Find("input[data-testid=vm-search]").Input("web");
        page.WaitForAssertion(() => Assert.Equal(["web-01"], Names(page)));
        Select(page, "web-01");
        page.Find("input[data-testid=vm-search]").Input("app");
        page.WaitForAssertion(() => Assert.Equal(["app-01"], Names(page)));
        Select(page, "app-01");
        page.Find("input[data-testid=vm-search]").Input("sql");
        page.WaitForAssertion(() => Assert.Equal(["sql-01"], Names(page)));

        page.WaitForAssertion(() => Assert.Equal("2 selected (2 hidden by filter)", page.Find("[data-testid=selection-count]").TextContent.Trim()));
        page.Find("[data-testid=bulk-disable]").Click();
        _dialogs.WaitForAssertion(() => Assert.Contains("web-01", _dialogs.Find("tr[data-host='hv-a']").TextContent, StringComparison.Ordinal));
        Assert.Contains("app-01", _dialogs.Find("tr[data-host='hv-b']").TextContent, StringComparison.Ordinal);
        Assert.Contains("on 2 VMs", _dialogs.Find("[data-testid=bulk-confirm]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_bulk_dialog_classes_saved_and_paused_vms_and_offers_shut_down_only_for_running_ones()
    {
        var saved = VmGridQueryTests.Vm("saved-01", VmState.Saved);
        var paused = VmGridQueryTests.Vm("paused-01", VmState.Paused);
        Publish("hv-b", OffB, OldB, saved, paused);
        var page = Open(6);
        Select(page, "saved-01");
        Select(page, "paused-01");

        // Both have nested off: Enable applies, Disable does not.
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=bulk-enable]")));
        Assert.Empty(page.FindAll("[data-testid=bulk-disable]"));
        page.Find("[data-testid=bulk-enable]").Click();

        _dialogs.WaitForAssertion(() => Assert.Equal("1", _dialogs.Find("tr[data-host='hv-b'] [data-testid=bulk-saved]").TextContent.Trim()));
        Assert.Equal("1", _dialogs.Find("tr[data-host='hv-b'] [data-testid=bulk-paused]").TextContent.Trim());
        Assert.Equal("0", _dialogs.Find("tr[data-host='hv-b'] [data-testid=bulk-running]").TextContent.Trim());
        Assert.Empty(_dialogs.FindAll("[data-testid=bulk-choice-shut-down]"));
        Assert.Empty(_dialogs.FindAll("[data-testid=bulk-choice-turn-off]"));
        Assert.Contains("1 Saved", _dialogs.Find("[data-testid=bulk-saved-paused]").TextContent, StringComparison.Ordinal);
        Assert.Contains("1 Paused", _dialogs.Find("[data-testid=bulk-saved-paused]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_column_the_user_hides_leaves_the_grid()
    {
        var popovers = _context.Render<MudPopoverProvider>();
        var page = Open();
        Assert.Contains(page.FindAll("th"), th => th.TextContent.Contains("Uptime", StringComparison.Ordinal));

        page.Find("[data-testid=column-chooser] button").Click();
        popovers.WaitForAssertion(() => popovers.Find("input[data-testid=column-uptime]").Change(false));

        page.WaitForAssertion(() => Assert.DoesNotContain(page.FindAll("th"), th => th.TextContent.Contains("Uptime", StringComparison.Ordinal)));
        Assert.Contains(page.FindAll("th"), th => th.TextContent.Contains("MAC spoofing", StringComparison.Ordinal));
    }

    private sealed class Lookup(Dictionary<string, FakeHyperVHost> hosts) : IHostLookup
    {
        public IHyperVHost? Find(string name) => hosts.GetValueOrDefault(name);
    }
}
