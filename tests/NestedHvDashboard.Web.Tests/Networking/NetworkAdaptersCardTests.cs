using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Tests.Access;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Tests.Audit;
using NestedHvDashboard.Web.Tests.Pages;

namespace NestedHvDashboard.Web.Tests.Networking;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class NetworkAdaptersCardTests : IAsyncLifetime
{
    private const string HostName = "hv-a";
    private static readonly Guid VmId = Guid.Parse("5a1d0c7e-2b3c-4d5e-8f90-aabbccddeeff");

    private readonly BunitContext _context = new();
    private readonly TestDatabase _db = TestDatabase.Create();
    private readonly InventoryStore _store = new();
    private FakeHyperVHost _host = null!;

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.SignInAs(DashboardRoles.Administrator, "olivia");
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IHostLookup>(new OneHost(() => _host));
        _context.Services.AddSingleton(new PendingNestedChanges());
        _context.Services.AddSingleton(_store);
        _context.Services.AddNestedNetworking();
        _db.AddTo(_context.Services);
        _context.AddActorServices();
        _context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        _db.Dispose();
    }

    [Fact]
    public void One_adapters_switch_turns_spoofing_on_for_that_adapter_only_and_shows_the_command_and_result()
    {
        var card = Open(Vm(VmState.Running));

        Row(card, "Storage").QuerySelector(".mud-switch-input")!.Change(true);

        card.WaitForAssertion(() => Assert.Equal("Done", card.Find("[data-testid=spoofing-step]").GetAttribute("data-step-status")));
        FollowFeed(card);
        Assert.Equal("Get-VMNetworkAdapter -VMName lab-l1 -Name Storage | Set-VMNetworkAdapter -MacAddressSpoofing On", card.Find("[data-testid=spoofing-command]").TextContent.Trim());
        Assert.Contains("adapter 'Storage' of VM 'lab-l1' on host 'hv-a'", card.Find("[data-testid=spoofing-outcome]").TextContent, StringComparison.Ordinal);
        var adapters = _host.Vm(VmId).NetworkAdapters;
        Assert.True(adapters.Single(a => a.Name == "Storage").MacAddressSpoofing);
        Assert.False(adapters.Single(a => a.Name == "Network Adapter").MacAddressSpoofing);
        Assert.True(Row(card, "Storage").QuerySelector(".mud-switch-input")!.HasAttribute("checked"));
        Assert.False(Row(card, "Network Adapter").QuerySelector(".mud-switch-input")!.HasAttribute("checked"));
        var entry = Assert.Single(_db.Entries());
        Assert.Equal(("MAC spoofing on", "Succeeded", "lab-l1", "olivia"), (entry.Action, entry.Result, entry.VmName, entry.Actor));
        Assert.Contains("\"adapter\":\"Storage\"", entry.Parameters, StringComparison.Ordinal);
    }

    [Fact]
    public void The_command_quotes_names_with_spaces_and_quotes_as_PowerShell_literals()
    {
        Assert.Equal(
            "Get-VMNetworkAdapter -VMName 'Bob''s L1' -Name 'Network Adapter' | Set-VMNetworkAdapter -MacAddressSpoofing Off",
            MacSpoofingService.CommandText("Bob's L1", "Network Adapter", enabled: false));
    }

    [Fact]
    public void All_adapters_on_runs_the_documents_pipeline_on_an_off_vm()
    {
        var card = Open(Vm(VmState.Off));

        card.Find("[data-testid=spoofing-all-on]").Click();

        card.WaitForAssertion(() => Assert.Equal("Done", card.Find("[data-testid=spoofing-step]").GetAttribute("data-step-status")));
        FollowFeed(card);
        Assert.Equal("Get-VMNetworkAdapter -VMName lab-l1 | Set-VMNetworkAdapter -MacAddressSpoofing On", card.Find("[data-testid=spoofing-command]").TextContent.Trim());
        Assert.All(_host.Vm(VmId).NetworkAdapters, a => Assert.True(a.MacAddressSpoofing));
        Assert.All(card.FindAll(".mud-switch-input"), input => Assert.True(input.HasAttribute("checked")));
        Assert.Equal(["SetMacSpoofing True"], _host.Calls);
    }

    [Fact]
    public void A_refusal_names_host_vm_adapter_and_what_the_host_said_and_the_switch_stays_off()
    {
        var card = Open(Vm(VmState.Running));
        _host.FailNext("SetMacSpoofing", "Set-VMNetworkAdapter : Failed to modify device 'Ethernet Connection'.");

        Row(card, "Network Adapter").QuerySelector(".mud-switch-input")!.Change(true);

        card.WaitForAssertion(() => Assert.Equal("Failed", card.Find("[data-testid=spoofing-step]").GetAttribute("data-step-status")));
        var outcome = card.Find("[data-testid=spoofing-outcome]").TextContent;
        Assert.Contains("adapter 'Network Adapter' of VM 'lab-l1' on host 'hv-a' failed", outcome, StringComparison.Ordinal);
        Assert.Contains("The host said: Set-VMNetworkAdapter : Failed to modify device 'Ethernet Connection'.", outcome, StringComparison.Ordinal);
        Assert.False(Row(card, "Network Adapter").QuerySelector(".mud-switch-input")!.HasAttribute("checked"));
        var entry = Assert.Single(_db.Entries());
        Assert.Equal("Failed", entry.Result);
        Assert.Equal("Set-VMNetworkAdapter : Failed to modify device 'Ethernet Connection'.", entry.HostError);
    }

    [Fact]
    public void While_the_host_works_the_step_shows_running_and_the_switches_are_disabled()
    {
        var card = Open(Vm(VmState.Running));
        var hold = _host.HoldNext("SetMacSpoofing");

        card.Find("[data-testid=spoofing-all-off]").Click();

        card.WaitForAssertion(() =>
        {
            Assert.Equal("Running", card.Find("[data-testid=spoofing-step]").GetAttribute("data-step-status"));
            Assert.All(card.FindAll(".mud-switch-input"), input => Assert.True(input.HasAttribute("disabled")));
        });
        hold.SetResult();
        card.WaitForAssertion(() => Assert.Equal("Done", card.Find("[data-testid=spoofing-step]").GetAttribute("data-step-status")));
        Assert.All(card.FindAll(".mud-switch-input"), input => Assert.False(input.HasAttribute("disabled")));
    }

    [Fact]
    public void The_host_tables_toggle_changes_one_adapter_and_shows_a_refusal_under_it()
    {
        var vm = Vm(VmState.Running);
        _host = new FakeHyperVHost(HostName, Facts, vm);
        Seed(vm);
        var toggle = _context.Render<MacSpoofingToggle>(p => p.Add(x => x.Host, HostName).Add(x => x.Vm, vm).Add(x => x.Adapter, vm.NetworkAdapters[1]));

        toggle.Find(".mud-switch-input").Change(true);

        toggle.WaitForAssertion(() => Assert.True(FeedVm().NetworkAdapters[1].MacAddressSpoofing));
        toggle.Render(p => p.Add(x => x.Vm, FeedVm()).Add(x => x.Adapter, FeedVm().NetworkAdapters[1]));
        Assert.True(toggle.Find(".mud-switch-input").HasAttribute("checked"));
        Assert.True(_host.Vm(VmId).NetworkAdapters[1].MacAddressSpoofing);
        Assert.False(_host.Vm(VmId).NetworkAdapters[0].MacAddressSpoofing);

        _host.FailNext("SetMacSpoofing", "Access denied.");
        toggle.Find(".mud-switch-input").Change(false);

        toggle.WaitForAssertion(() => Assert.Contains("The host said: Access denied.", toggle.Find("[data-testid=spoofing-error]").TextContent, StringComparison.Ordinal));
        Assert.True(toggle.Find(".mud-switch-input").HasAttribute("checked"));
    }

    private IRenderedComponent<NetworkAdaptersCard> Open(VmSnapshot vm)
    {
        _host = new FakeHyperVHost(HostName, Facts, vm);
        Seed(vm);
        return _context.Render<NetworkAdaptersCard>(p => p.Add(x => x.Host, HostName).Add(x => x.Vm, vm));
    }

    // The feed as the monitor left it before the change; the change writes the host's answer into it.
    private void Seed(VmSnapshot vm) => _store.ApplyInventory(HostName, new HostInventory(Facts, [vm], DateTimeOffset.UtcNow.AddMinutes(-1)));

    private VmSnapshot FeedVm() => _store.GetSnapshot(HostName).Hosts[0].Vms.Single(v => v.Id == VmId);

    // What the VM page does when the feed moves: the card gets the VM from the feed.
    private void FollowFeed(IRenderedComponent<NetworkAdaptersCard> card) => card.Render(p => p.Add(x => x.Vm, FeedVm()));

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<NetworkAdaptersCard> card, string adapter) =>
        card.Find($"tr[data-adapter='{adapter}']");

    internal static readonly HostFacts Facts = new(
        HostName, "Microsoft Windows Server 2022 Datacenter", "10.0.20348", 20348, true, ProcessorVendor.Intel, "GenuineIntel", "Xeon", 16, 64L << 30, true,
        [new Version(9, 0), new Version(10, 0)], new Version(10, 0), false, null);

    internal static VmSnapshot Vm(VmState state) => new(
        VmId, "lab-l1", state, TimeSpan.Zero, 0, 8L << 30, false, 8L << 30, new Version(10, 0), 2, 4, true, false,
        [new VmNetworkAdapterInfo("Network Adapter", "Lab", "00155D010203", false), new VmNetworkAdapterInfo("Storage", "Storage", "00155D010204", false)],
        "Windows Server 2022 Datacenter", "10.0.20348");

    private sealed class OneHost(Func<IHyperVHost?> host) : IHostLookup
    {
        public IHyperVHost? Find(string name) => host() is { } h && string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase) ? h : null;
    }
}
