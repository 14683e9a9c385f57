using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using MudBlazor.Services;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Checkpoints;
using NestedHvDashboard.Web.Tests.Access;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.VirtualMachines;
using NestedHvDashboard.Web.Operations;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Tests.Audit;

namespace NestedHvDashboard.Web.Tests.Pages;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed partial class VmPageTests : IAsyncLifetime
{
    private const string HostName = "hv-a";
    private static readonly Guid VmId = Guid.Parse("0f3c2a4e-1b2d-4c5e-8f70-112233445566");

    private readonly BunitContext _context = new();
    private BunitAuthorizationContext _auth = null!;
    private readonly TestDatabase _db = TestDatabase.Create();
    private readonly InventoryStore _store = new(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(20) });
    private readonly PendingNestedChanges _pending = new();
    private FakeHyperVHost _host = null!;
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;
    private HostDirectory? _directory;

    public async Task InitializeAsync()
    {
        _directory = await NewDirectoryAsync(vmIsAddedAsHost: false);
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _auth = _context.SignInAs(DashboardRoles.Administrator);
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IInventoryFeed>(_store);
        _context.Services.AddSingleton(_store); // changes write the VM they read back into it
        _context.Services.AddSingleton<NestedHvDashboard.Web.Inventory.SharedInventory>();
        _context.Services.AddSingleton(new MetricHistory(new MetricHistoryOptions()));
        _context.Services.AddSingleton(TimeProvider.System);
        _context.Services.AddSingleton<IHostLookup>(new Lookup(() => _host));
        _context.Services.AddSingleton(_pending);
        _context.Services.AddSingleton(_ => _directory!);
        _context.Services.AddNestedVirtualizationOperations();
        _context.Services.AddNestedNetworking();
        _context.Services.AddCheckpoints();
        _context.Services.AddSingleton<HostAdministration>();
        _db.AddTo(_context.Services);
        _context.AddActorServices();
        _context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        if (_directory is not null)
        {
            await _directory.DisposeAsync();
        }

        _db.Dispose();
    }

    // hv-a is a configured (never contacted) real host; with vmIsAddedAsHost the VM is also the L1 host hv-a-l1.
    private static Task<HostDirectory> NewDirectoryAsync(bool vmIsAddedAsHost)
    {
        var hosts = new Dictionary<string, string?>
        {
            ["Hosts:0:Name"] = HostName,
            ["Hosts:0:Address"] = "hv-a.example.test",
            ["Hosts:0:Transport"] = "Ssh",
        };
        if (vmIsAddedAsHost)
        {
            hosts["Hosts:1:Name"] = "hv-a-l1";
            hosts["Hosts:1:Address"] = "hv-a-l1.example.test";
            hosts["Hosts:1:Transport"] = "Ssh";
            hosts["Hosts:1:ParentHost"] = HostName;
            hosts["Hosts:1:ParentVmId"] = VmId.ToString();
        }

        return HostDirectory.CreateAsync(
            new ConfigurationBuilder().AddInMemoryCollection(hosts).Build(),
            NullLogger<HostDirectory>.Instance);
    }

    [Fact]
    public void The_checklist_shows_every_check_the_evaluator_gives_for_the_vm()
    {
        var vm = Vm(VmState.Off, configVersion: new Version(8, 0), dynamicMemory: true);
        var page = Open(vm);

        // The page's checklist is the evaluator's with what the last read of the guest found (here: never read).
        var expected = ReadinessEvaluator.EvaluateVmWithGuest(Facts, vm, null);
        page.WaitForAssertion(() => Assert.Equal(expected.Count, page.FindAll("[data-rule]").Count));
        foreach (var check in expected)
        {
            var row = page.Find($"[data-rule='{check.RuleId}']");
            Assert.Equal(check.Status.ToString(), row.QuerySelector("[data-testid=check-status]")!.TextContent.Trim());
            Assert.Equal(check.Title, row.QuerySelector("[data-testid=check-title]")!.TextContent.Trim());
            Assert.Equal(check.Reason, row.QuerySelector("[data-testid=check-reason]")!.TextContent.Trim());
            var fix = row.QuerySelector("[data-testid=check-fix]");
            Assert.Equal(check.Fix is null ? null : $"Fix: {check.Fix}", fix?.TextContent.Trim());
        }

        Assert.Contains(expected, c => c.Status != ReadinessStatus.Pass);
    }

    [Fact]
    public void Toggling_an_Off_vm_runs_the_change_at_once_and_shows_success()
    {
        var page = Open(Vm(VmState.Off));

        Toggle(page);

        page.WaitForAssertion(() => Assert.Contains("Done", page.Find("[data-testid=outcome]").TextContent, StringComparison.Ordinal));
        Assert.Contains("SetNested True", _host.Calls);
        Assert.DoesNotContain(_host.Calls, c => c.StartsWith("Stop", StringComparison.Ordinal));
        Assert.True(_host.Vm(VmId).ExposeVirtualizationExtensions);
        Assert.Empty(_dialogs.FindAll("[data-testid=choice-shut-down]"));

        // The fact comes through the feed (a batch after the change wrote the VM back), not with the outcome.
        page.WaitForAssertion(() => Assert.Equal("On", page.Find("[data-testid=fact-nested]").TextContent.Trim()));
    }

    [Fact]
    public void Shut_down_from_the_dialog_shows_the_steps_in_order_and_leaves_the_vm_running_with_nested_on()
    {
        var page = Open(Vm(VmState.Running));

        Toggle(page);
        _dialogs.WaitForElement("[data-testid=choice-shut-down]").Click();

        page.WaitForAssertion(() => Assert.Contains("Done", page.Find("[data-testid=outcome]").TextContent, StringComparison.Ordinal));
        Assert.Equal(
            ["Shut down", "Set ExposeVirtualizationExtensions $true", "Start"],
            page.FindAll("[data-testid=step-title]").Select(e => e.TextContent.Trim()));
        Assert.All(page.FindAll("[data-step-status]"), e => Assert.Equal("Done", e.GetAttribute("data-step-status")));
        Assert.Equal(["Stop ShutDown", "SetNested True", "Start"], _host.Calls.Where(c => !c.StartsWith("Get", StringComparison.Ordinal)));
        var vm = _host.Vm(VmId);
        Assert.Equal(VmState.Running, vm.State);
        Assert.True(vm.ExposeVirtualizationExtensions);
    }

    [Fact]
    public void A_failing_set_step_is_named_with_the_hosts_message_and_the_vm_is_started_again()
    {
        var page = Open(Vm(VmState.Running));
        _host.FailNext("SetNested", "Set-VMProcessor : The virtual machine's configuration is locked.");

        Toggle(page);
        _dialogs.WaitForElement("[data-testid=choice-turn-off]").Click();

        page.WaitForAssertion(() =>
        {
            var outcome = page.Find("[data-testid=outcome]").TextContent;
            Assert.Contains("Step 'Set ExposeVirtualizationExtensions $true' failed", outcome, StringComparison.Ordinal);
            Assert.Contains("The virtual machine's configuration is locked.", outcome, StringComparison.Ordinal);
        });
        Assert.NotNull(page.Find("[data-testid=restored]"));
        Assert.Equal(["Stop TurnOff", "SetNested True", "Start"], _host.Calls.Where(c => !c.StartsWith("Get", StringComparison.Ordinal)));
        Assert.Equal(VmState.Running, _host.Vm(VmId).State);
        Assert.False(_host.Vm(VmId).ExposeVirtualizationExtensions);
        Assert.False(page.Find(".mud-switch-input").HasAttribute("checked"));
    }

    [Fact]
    public void While_the_change_runs_the_steps_show_live_and_the_switch_is_disabled()
    {
        var page = Open(Vm(VmState.Running));
        var hold = _host.HoldNext("SetNested");

        Toggle(page);
        _dialogs.WaitForElement("[data-testid=choice-shut-down]").Click();

        page.WaitForAssertion(() =>
        {
            var statuses = page.FindAll("[data-step-status]").Select(e => e.GetAttribute("data-step-status")).ToList();
            Assert.Equal(["Done", "Running", "Pending"], statuses);
            Assert.True(page.Find(".mud-switch-input").HasAttribute("disabled"));
        });
        Assert.Empty(page.FindAll("[data-testid=outcome]"));

        hold.SetResult();

        // bUnit's default 1 s was too short once in CI, with the reliability lanes loading both cores.
        page.WaitForAssertion(() => Assert.Contains("Done", page.Find("[data-testid=outcome]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.False(page.Find(".mud-switch-input").HasAttribute("disabled"));
        Assert.Equal(["Done", "Done", "Done"], page.FindAll("[data-step-status]").Select(e => e.GetAttribute("data-step-status")));
    }

    [Fact]
    public void Apply_at_next_shutdown_shows_the_pending_change_and_calls_nothing_on_the_host()
    {
        var page = Open(Vm(VmState.Running));

        Toggle(page);
        _dialogs.WaitForElement("[data-testid=choice-next-shutdown]").Click();

        page.WaitForAssertion(() => Assert.Contains("turned on", page.Find("[data-testid=pending]").TextContent, StringComparison.Ordinal));
        Assert.Empty(_host.Calls);
        var change = _pending.Find(HostName, VmId);
        Assert.NotNull(change);
        Assert.True(change.Enable);

        page.Find("[data-testid=cancel-pending]").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=pending]")));
        Assert.Null(_pending.Find(HostName, VmId));
        Assert.Empty(_host.Calls);
    }

    [Fact]
    public void Cancel_in_the_dialog_changes_nothing()
    {
        var page = Open(Vm(VmState.Running));

        Toggle(page);
        _dialogs.WaitForElement("[data-testid=choice-cancel]").Click();

        _dialogs.WaitForAssertion(() => Assert.Empty(_dialogs.FindAll("[data-testid=choice-cancel]")));
        Assert.Empty(_host.Calls);
        Assert.Null(_pending.Find(HostName, VmId));
        Assert.Empty(page.FindAll("[data-testid=outcome]"));
        page.WaitForAssertion(() => Assert.False(page.Find(".mud-switch-input").HasAttribute("checked")));
    }

    [Fact]
    public void An_exception_from_the_host_lookup_is_shown_not_thrown()
    {
        var page = Open(Vm(VmState.Off));
        _host = null!; // the lookup now throws

        Toggle(page);

        page.WaitForAssertion(() => Assert.Contains("could not be run", page.Find("[data-testid=outcome]").TextContent, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(DashboardRoles.Viewer, false, false)]
    [InlineData(DashboardRoles.Operator, true, false)]
    [InlineData(DashboardRoles.Administrator, true, true)]
    public void The_page_offers_only_what_the_role_may_do(string role, bool operate, bool administer)
    {
        _auth.As(role);
        var page = Open(Vm(VmState.Running, macSpoofing: false));

        // Nested virtualization and MAC spoofing are an Operator's; adding a host is an Administrator's.
        Assert.Equal(operate, page.FindAll("[data-testid=nested-switch]").Count == 1);
        Assert.Equal(operate, page.FindAll("[data-testid=spoofing-switch]").Count == 1);
        Assert.Equal(operate, page.FindAll("[data-testid=spoofing-all-on]").Count == 1);
        Assert.Equal(administer, page.FindAll("[data-testid=add-as-host]").Count == 1);
        if (!operate)
        {
            // The state stays visible, read-only, with who can change it.
            Assert.Equal("Off", page.Find("[data-testid=nested-readonly]").TextContent.Trim());
            Assert.Equal("Operators can change this.", page.Find("[data-testid=operators-hint]").TextContent.Trim());
            Assert.Equal("Off", page.Find("[data-testid=spoofing-readonly]").TextContent.Trim());
        }
        else
        {
            Assert.Empty(page.FindAll("[data-testid=operators-hint]"));
        }
    }

    private IRenderedComponent<VmPage> Open(VmSnapshot vm)
    {
        _host = new FakeHyperVHost(HostName, Facts, vm);
        _store.ApplyInventory(HostName, new HostInventory(Facts, [vm], DateTimeOffset.UtcNow));
        _dialogs = _context.Render<MudDialogProvider>();
        var page = _context.Render<VmPage>(p => p.Add(x => x.Host, HostName).Add(x => x.VmId, VmId));
        // The name and the state: a test that opens a second page of the same VM in another state waits for that state.
        page.WaitForAssertion(() =>
        {
            Assert.Equal(vm.Name, page.Find("[data-testid=vm-name]").TextContent.Trim());
            Assert.Equal(vm.State.ToString(), page.Find("[data-testid=vm-state]").TextContent.Trim());
        });
        return page;
    }

    private static void Toggle(IRenderedComponent<VmPage> page)
    {
        var input = page.Find(".mud-switch-input");
        input.Change(!input.HasAttribute("checked"));
    }

    private static readonly HostFacts Facts = new(
        HostName, "Microsoft Windows Server 2022 Datacenter", "10.0.20348", 20348, true, ProcessorVendor.Intel, "GenuineIntel", "Xeon", 16, 64L << 30, true,
        [new Version(8, 0), new Version(9, 0), new Version(10, 0)], new Version(10, 0), false, null);

    // MAC spoofing already on by default: the companion fix (ticked by default) then has nothing to do, and a test of another
    // step sees only its own; the networking tests turn it off.
    private static VmSnapshot Vm(VmState state, Version? configVersion = null, bool dynamicMemory = false, bool macSpoofing = true) => new(
        VmId, "lab-l1", state, state == VmState.Running ? TimeSpan.FromHours(2) : TimeSpan.Zero, 0, 8L << 30, dynamicMemory, 8L << 30,
        configVersion ?? new Version(10, 0), 2, 4, false, false,
        [new VmNetworkAdapterInfo("Network Adapter", "Lab", "00155D010203", macSpoofing)], null, null);

    private sealed class Lookup(Func<FakeHyperVHost?> host) : IHostLookup
    {
        public IHyperVHost? Find(string name) => host() is { } h
            ? string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase) ? h : null
            : throw new InvalidOperationException("The host directory is not available.");
    }
}
