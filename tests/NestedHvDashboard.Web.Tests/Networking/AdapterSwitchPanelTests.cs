using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using MudBlazor.Extensions;
using MudBlazor.Services;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Tests.Access;
using NestedHvDashboard.Web.Tests.Audit;
using NestedHvDashboard.Web.Tests.Pages;

namespace NestedHvDashboard.Web.Tests.Networking;

/// <summary>
/// The adapter's switch on the VM page of an L2 VM (its host is an L1 added as a host): the L1's switches with their types,
/// the switch the adapter is on, a connect as the host was told and the audit trail kept it, a Viewer's page, and a refusal.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class AdapterSwitchPanelTests : IAsyncLifetime
{
    private const string ParentName = "hv-a";
    private const string L1Name = "hv-a-l1";
    private static readonly Guid L2Id = Guid.Parse("5a1d7c3e-2b4f-4e60-9a81-0c1d2e3f4a5b");

    private readonly BunitContext _context = new();
    private readonly TestDatabase _db = TestDatabase.Create();
    private readonly InventoryStore _inventory = new();
    private BunitAuthorizationContext _auth = null!;
    private FakeL1Host _l1 = null!;
    private HostDirectory _directory = null!;

    public async Task InitializeAsync()
    {
        // hv-a-l1 is the L1 VM of hv-a added as a host; its own switches are the L1's VmNAT (internal) and External.
        _l1 = new FakeL1Host(L1Name, NetworkAdaptersCardTests.Facts, L2())
        {
            HostSwitches = [new L1Switch("VmNAT", "Internal", null), new L1Switch("External", "External", "Ethernet")],
        };
        var hosts = new Dictionary<string, string?>
        {
            ["Hosts:0:Name"] = ParentName,
            ["Hosts:0:Address"] = "hv-a.example.test",
            ["Hosts:0:Transport"] = "Ssh",
            ["Hosts:1:Name"] = L1Name,
            ["Hosts:1:Address"] = "hv-a-l1.example.test",
            ["Hosts:1:Transport"] = "Ssh",
            ["Hosts:1:ParentHost"] = ParentName,
            ["Hosts:1:ParentVmId"] = Guid.NewGuid().ToString(),
        };
        _directory = await HostDirectory.CreateAsync(
            new ConfigurationBuilder().AddInMemoryCollection(hosts).Build(),
            NullLogger<HostDirectory>.Instance,
            connector: new Connector(s => s.Name == L1Name ? _l1 : new FakeHyperVHost(s.Name, NetworkAdaptersCardTests.Facts)));

        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _auth = _context.SignInAs(DashboardRoles.Operator, "olivia");
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IHostLookup>(_directory);
        _context.Services.AddSingleton(new PendingNestedChanges());
        _context.Services.AddSingleton(_inventory);
        _context.Services.AddNestedNetworking();
        _db.AddTo(_context.Services);
        _context.AddActorServices();
        _context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _directory.DisposeAsync();
        _db.Dispose();
    }

    [Fact]
    public async Task The_panel_lists_the_l1s_switches_with_their_types_and_shows_the_switch_the_adapter_is_on()
    {
        var (panel, popovers) = Open();

        Assert.Contains($"'l2-web' is an L2 VM inside '{L1Name}' (a VM on host '{ParentName}')", panel.Find("[data-testid=adapter-switch-panel]").TextContent, StringComparison.Ordinal);
        var chosen = SwitchSelect(panel);
        Assert.Equal("VmNAT", chosen.Instance.GetState(x => x.Value));
        Assert.Contains("VmNAT", chosen.Markup, StringComparison.Ordinal);

        // The adapter is on the chosen switch already: there is nothing to connect.
        Assert.True(panel.Find("[data-testid=adapter-switch-connect]").HasAttribute("disabled"));

        await panel.InvokeAsync(() => chosen.Instance.OpenMenu());
        popovers.WaitForAssertion(() =>
        {
            var lines = popovers.FindAll(".mud-list-item").Select(i => i.TextContent.Trim()).ToList();
            Assert.Equal(2, lines.Count);
            Assert.Contains("VmNAT (internal)", lines[0], StringComparison.Ordinal);
            Assert.Contains("External (external)", lines[1], StringComparison.Ordinal);
        });
        Assert.Empty(_l1.Calls);
    }

    [Fact]
    public async Task Choosing_external_and_connecting_moves_the_adapter_on_the_l1_and_the_audit_trail_keeps_it()
    {
        var (panel, popovers) = Open();

        await ChooseAsync(panel, popovers, "External (external)");
        panel.Find("[data-testid=adapter-switch-connect]").Click();

        panel.WaitForAssertion(() => Assert.Equal("Succeeded", panel.Find("[data-testid=adapter-switch-outcome]").GetAttribute("data-outcome")));
        Assert.Equal(
            $"Adapter 'Network Adapter' of VM 'l2-web' on host '{L1Name}' is on switch 'External'.",
            panel.Find("[data-testid=adapter-switch-outcome]").TextContent.Trim());
        var step = panel.Find("[data-testid=adapter-switch-step]");
        Assert.Equal("Done", step.GetAttribute("data-step-status"));
        Assert.Equal("Connect-VMNetworkAdapter -VMName l2-web -Name 'Network Adapter' -SwitchName External", step.QuerySelector("code")!.TextContent.Trim());

        Assert.Equal(["Host connect Network Adapter External"], _l1.Calls);
        Assert.Equal("External", _l1.Vm(L2Id).NetworkAdapters.Single().SwitchName);
        var entry = Assert.Single(_db.Entries());
        Assert.Equal(("Connect adapter to switch", "Succeeded", L1Name, "l2-web", "olivia"), (entry.Action, entry.Result, entry.Host, entry.VmName, entry.Actor));
        Assert.Contains("-SwitchName External", entry.Parameters, StringComparison.Ordinal);
    }

    [Fact]
    public void A_viewer_sees_no_control_to_change_the_switch()
    {
        _auth.As(DashboardRoles.Viewer, "victor");

        var panel = _context.Render<AdapterSwitchPanel>(p => p.Add(x => x.Host, L1Name).Add(x => x.Vm, L2()));

        Assert.Empty(panel.FindAll("[data-testid=adapter-switch-panel]"));
        Assert.Empty(panel.FindAll("[data-testid=adapter-switch-connect]"));
        Assert.Empty(panel.FindComponents<MudSelect<string>>());
        Assert.Empty(_l1.Calls);
        Assert.Empty(_db.Entries());
    }

    [Fact]
    public async Task A_connect_the_l1_refuses_shows_its_words_and_leaves_the_adapter_where_it_was()
    {
        const string said = "The virtual switch 'External' cannot be used: its network adapter 'Ethernet' is disconnected.";
        _l1.NextFailure = new HostOperationException(HostErrorKind.HostRefused, L1Name, "Connect-VMNetworkAdapter", said, "l2-web");
        var (panel, popovers) = Open();

        await ChooseAsync(panel, popovers, "External (external)");
        panel.Find("[data-testid=adapter-switch-connect]").Click();

        panel.WaitForAssertion(() => Assert.Equal("Failed", panel.Find("[data-testid=adapter-switch-outcome]").GetAttribute("data-outcome")));
        var outcome = panel.Find("[data-testid=adapter-switch-outcome]").TextContent;
        Assert.Contains($"Connecting adapter 'Network Adapter' of VM 'l2-web' on host '{L1Name}' to switch 'External' failed at 'Connect-VMNetworkAdapter'.", outcome, StringComparison.Ordinal);
        Assert.Contains($"The host said: {said}", outcome, StringComparison.Ordinal);
        Assert.Equal("Failed", panel.Find("[data-testid=adapter-switch-step]").GetAttribute("data-step-status"));

        // The page goes on: the adapter stays on VmNAT and the operator can try again.
        Assert.Equal("VmNAT", _l1.Vm(L2Id).NetworkAdapters.Single().SwitchName);
        Assert.False(panel.Find("[data-testid=adapter-switch-connect]").HasAttribute("disabled"));
        var entry = Assert.Single(_db.Entries());
        Assert.Equal(("Connect adapter to switch", "Failed", said), (entry.Action, entry.Result, entry.HostError));
    }

    [Fact]
    public async Task A_connect_while_another_change_runs_on_the_vm_is_refused_as_busy_and_the_l1_is_not_asked()
    {
        var (panel, popovers) = Open();
        await ChooseAsync(panel, popovers, "External (external)");
        var locks = _context.Services.GetRequiredService<NestedVirtualizationOperations>();

        using (locks.TryLock(L1Name, L2Id, "l2-web", out _))
        {
            panel.Find("[data-testid=adapter-switch-connect]").Click();
            panel.WaitForAssertion(() => Assert.Equal("Busy", panel.Find("[data-testid=adapter-switch-outcome]").GetAttribute("data-outcome")));
        }

        Assert.Contains("Another change is running on VM 'l2-web'", panel.Find("[data-testid=adapter-switch-outcome]").TextContent, StringComparison.Ordinal);
        Assert.Empty(_l1.Calls);
        Assert.Equal("VmNAT", _l1.Vm(L2Id).NetworkAdapters.Single().SwitchName);
        Assert.Equal(["Refused"], _db.Entries().Select(e => e.Result));
    }

    private (IRenderedComponent<AdapterSwitchPanel> Panel, IRenderedComponent<MudPopoverProvider> Popovers) Open()
    {
        var popovers = _context.Render<MudPopoverProvider>();
        var panel = _context.Render<AdapterSwitchPanel>(p => p.Add(x => x.Host, L1Name).Add(x => x.Vm, L2()));
        panel.WaitForElement("[data-testid=adapter-switch-connect]");
        return (panel, popovers);
    }

    private static IRenderedComponent<MudSelect<string>> SwitchSelect(IRenderedComponent<AdapterSwitchPanel> panel) =>
        panel.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Switch");

    // As a user does: open the switch list and click the switch's line.
    private static async Task ChooseAsync(IRenderedComponent<AdapterSwitchPanel> panel, IRenderedComponent<MudPopoverProvider> popovers, string line)
    {
        var select = SwitchSelect(panel);
        await panel.InvokeAsync(() => select.Instance.OpenMenu());
        popovers.WaitForAssertion(() => popovers.FindAll(".mud-list-item").Single(i => i.TextContent.Contains(line, StringComparison.Ordinal)).Click());
        panel.WaitForAssertion(() => Assert.Equal(line.Split(' ')[0], select.Instance.GetState(x => x.Value)));
    }

    private static VmSnapshot L2() => NetworkAdaptersCardTests.Vm(VmState.Running) with
    {
        Id = L2Id,
        Name = "l2-web",
        NetworkAdapters = [new VmNetworkAdapterInfo("Network Adapter", "VmNAT", "00155D000001", false)],
    };

    private sealed class Connector(Func<HostConnectionSettings, IHyperVHost> connect) : IHostConnector
    {
        public IHyperVHost Connect(HostConnectionSettings settings) => connect(settings);
    }
}
