using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Tests.Access;
using NestedHvDashboard.Core.Operations;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Tests.Vms;
using NestedHvDashboard.Web.Tests.Audit;

namespace NestedHvDashboard.Web.Tests.Pages;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class HostPageTests : IAsyncLifetime
{
    private const string HostName = "hv-a";
    private readonly BunitContext _context = new();
    private IHostLookup _lookup = new NoHosts();
    private BunitAuthorizationContext _auth = null!;
    private readonly TestDatabase _db = TestDatabase.Create();
    private readonly InventoryStore _store = new(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(20) });
    private static readonly HostFacts Facts = VmGridQueryTests.Facts;
    private static readonly VmSnapshot Web = VmGridQueryTests.Vm("web-01", VmState.Running, nested: true);
    private static readonly VmSnapshot Old = VmGridQueryTests.Vm("old-01", VmState.Off, config: "5.0");

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _auth = _context.SignInAs(DashboardRoles.Administrator);
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IInventoryFeed>(_store);
        _context.Services.AddSingleton(_store); // changes write the VM they read back into it
        _context.Services.AddSingleton<NestedHvDashboard.Web.Inventory.SharedInventory>();
        _context.Services.AddSingleton(new MetricHistory(new MetricHistoryOptions()));
        _context.Services.AddSingleton(TimeProvider.System);
        // Resolved at the first render, so a test can put a real directory in first.
        _context.Services.AddSingleton<IHostLookup>(_ => _lookup);
        // In memory: these tests do not need pending changes kept on disk.
        _context.Services.AddSingleton(new PendingNestedChanges());
        _context.Services.AddBulkNestedSwitch();
        _context.Services.AddNestedNetworking();
        _db.AddTo(_context.Services);
        _context.AddActorServices();
        _context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        _store.ApplyInventory(HostName, new HostInventory(Facts, [Web, Old], DateTimeOffset.UtcNow));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        _db.Dispose();
    }

    private IRenderedComponent<HostPage> Open(string path)
    {
        _context.Services.GetRequiredService<NavigationManager>().NavigateTo(path);
        var host = Uri.UnescapeDataString(path.Split('/')[2]);
        return _context.Render<HostPage>(p => p.Add(x => x.Host, host));
    }

    [Theory]
    [InlineData(DashboardRoles.Viewer, false)]
    [InlineData(DashboardRoles.Operator, true)]
    public void New_vm_and_the_spoofing_switches_show_only_to_an_operator(string role, bool operate)
    {
        _auth.As(role);
        var summary = Open($"/hosts/{HostName}");
        summary.WaitForAssertion(() => Assert.Equal("live", summary.Find("[data-testid=feed-state]").TextContent.Trim()));
        Assert.Equal(operate, summary.FindAll("[data-testid=new-vm]").Count == 1);

        var networking = Open($"/hosts/{HostName}/networking");
        networking.WaitForAssertion(() => Assert.NotEmpty(networking.FindAll("[data-testid=adapters] tr[data-vm]")));
        Assert.Equal(operate, networking.FindAll("[data-testid=spoofing-toggle]").Count > 0);
        Assert.Equal(!operate, networking.FindAll("[data-testid=spoofing-readonly]").Count > 0);
    }

    [Fact]
    public void The_summary_shows_the_facts_and_every_host_readiness_check_with_reason_and_fix()
    {
        var page = Open($"/hosts/{HostName}");

        page.WaitForAssertion(() => Assert.Equal("live", page.Find("[data-testid=feed-state]").TextContent.Trim()));
        Assert.Contains(Facts.OsCaption, page.Find("[data-testid=host-facts]").TextContent, StringComparison.Ordinal);
        var expected = ReadinessEvaluator.EvaluateHost(Facts);
        Assert.Equal(expected.Count, page.FindAll("[data-testid=host-readiness] [data-rule]").Count);
        foreach (var check in expected)
        {
            var row = page.Find($"[data-rule='{check.RuleId}']");
            Assert.Equal(check.Status.ToString(), row.QuerySelector("[data-testid=check-status]")!.TextContent.Trim());
            Assert.Equal(check.Reason, row.QuerySelector("[data-testid=check-reason]")!.TextContent.Trim());
            Assert.Equal(check.Fix is null ? null : $"Fix: {check.Fix}", row.QuerySelector("[data-testid=check-fix]")?.TextContent.Trim());
        }

        Assert.Equal("2 VMs", page.Find("[data-testid=count-vms]").TextContent.Trim());
        Assert.Equal("1 running", page.Find("[data-testid=count-running]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=vm-grid]"));
    }

    [Fact]
    public void The_url_picks_the_tab_and_a_tab_click_changes_the_url()
    {
        var page = Open($"/hosts/{HostName}/vms");
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=vm-table] [data-vm]").Count));

        page.FindAll(".mud-tab").Single(t => t.TextContent.Contains("Networking", StringComparison.Ordinal)).Click();

        var navigation = _context.Services.GetRequiredService<NavigationManager>();
        Assert.EndsWith($"/hosts/{HostName}/networking", navigation.Uri, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=networking-help]")));
        Assert.Equal(2, page.FindAll("[data-testid=adapters] tbody tr").Count);
        Assert.Contains("00-15-5D-01-02-03", page.Find("[data-testid=adapters]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Lab", page.Find("[data-testid=switches] [data-switch]").GetAttribute("data-switch"));
    }

    [Fact]
    public void The_networking_tab_has_a_spoofing_switch_per_adapter_and_says_why_a_change_failed()
    {
        var page = Open($"/hosts/{HostName}/networking");
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=adapters] [data-testid=spoofing-toggle]").Count));

        // The lookup knows no host: the change fails, and the row says so naming the host, VM and adapter.
        page.Find("tr[data-vm='old-01'] [data-testid=spoofing-toggle]").Change(true);

        page.WaitForAssertion(() => Assert.Contains(
            "Turning MAC address spoofing On for adapter 'Network Adapter' of VM 'old-01' on host 'hv-a' failed at 'Set-VMNetworkAdapter': the host could not be reached",
            page.Find("tr[data-vm='old-01'] [data-testid=spoofing-error]").TextContent,
            StringComparison.Ordinal));
        Assert.False(page.Find("tr[data-vm='old-01'] [data-testid=spoofing-toggle]").HasAttribute("checked"));
    }

    [Fact]
    public void The_vm_tab_follows_the_live_feed()
    {
        var page = Open($"/hosts/{HostName}/vms");
        page.WaitForAssertion(() => Assert.Equal("On", page.Find("tr:has([data-vm='web-01']) [data-testid=vm-nested]").TextContent.Trim()));

        _store.ApplyInventory(HostName, new HostInventory(Facts, [Web with { ExposeVirtualizationExtensions = false }, Old], DateTimeOffset.UtcNow));

        page.WaitForAssertion(() => Assert.Equal("Off", page.Find("tr:has([data-vm='web-01']) [data-testid=vm-nested]").TextContent.Trim()));
    }

    [Fact]
    public void An_unknown_host_says_so_instead_of_failing()
    {
        var page = Open("/hosts/no-such-host/vms");

        page.WaitForAssertion(() => Assert.Contains("no host named 'no-such-host'", page.Find("[data-testid=host-missing]").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=host-tabs]"));
    }

    [Fact]
    public async Task The_summary_says_how_the_host_is_reached_with_its_endpoint()
    {
        var folder = Directory.CreateTempSubdirectory("nestedhv-hostpage-").FullName;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hosts:0:Name"] = HostName,
            ["Hosts:0:Address"] = "hv-a.lab.example",
            ["Hosts:0:Transport"] = "WinRm",
            ["Hosts:0:UseHttps"] = "true",
            ["Hosts:0:ConfigurationName"] = "PowerShell.7",
        }).Build();
        await using var directory = await HostDirectory.CreateAsync(configuration, Microsoft.Extensions.Logging.Abstractions.NullLogger<HostDirectory>.Instance, NestedHvDashboard.Web.Tests.Data.TestStores.Hosts(folder), new PowerShellHostConnector());
        _lookup = directory;
        try
        {
            var page = Open($"/hosts/{HostName}");

            page.WaitForAssertion(() => Assert.Equal(
                "Reached by WinRM over HTTPS to hv-a.lab.example:5986 (Default authentication, endpoint PowerShell.7)",
                page.Find("[data-testid=host-connection]").TextContent.Trim()));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Refresh_host_facts_reads_them_from_the_host_on_demand()
    {
        var host = new FakeHyperVHost(HostName, Facts, Web, Old);
        _lookup = new OneHost(host);
        var page = Open($"/hosts/{HostName}");

        // Host facts are read once per connection by the watch; the button asks the host again.
        page.Find("[data-testid=refresh-facts]").Click();

        page.WaitForAssertion(() => Assert.Contains("GetHostFacts", host.Calls));
        Assert.Empty(page.FindAll("[data-testid=refresh-facts-error]"));
    }

    private sealed class OneHost(IHyperVHost host) : IHostLookup
    {
        public IHyperVHost? Find(string name) => string.Equals(name, host.Name, StringComparison.OrdinalIgnoreCase) ? host : null;
    }

    private sealed class NoHosts : IHostLookup
    {
        public IHyperVHost? Find(string name) => null;
    }
}
