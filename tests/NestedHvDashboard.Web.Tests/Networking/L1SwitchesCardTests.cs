using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using MudBlazor.Services;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Tests.Access;
using NestedHvDashboard.Web.Tests.Audit;
using NestedHvDashboard.Web.Tests.Data;

namespace NestedHvDashboard.Web.Tests.Networking;

/// <summary>The L1's switches card: the advice, the review dialog with the exact command and any refusal, and each change as the guest was told.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class L1SwitchesCardTests : IAsyncLifetime
{
    private const string HostName = "hv-a";

    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-l1switch-").FullName;
    private readonly BunitContext _context = new();
    private readonly TestDatabase _db = TestDatabase.Create();
    private readonly InventoryStore _inventory = new();
    private FakeL1Host _host = null!;
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.SignInAs(DashboardRoles.Administrator, "ada");
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IHostLookup>(new OneHost(() => _host));
        _context.Services.AddSingleton(new PendingNestedChanges());
        _context.Services.AddSingleton(_inventory);
        _context.Services.AddSingleton(new DataFolder(_folder));
        _context.Services.AddDashboardDatabase(TestStores.SqliteIn(_folder));
        TestStores.Migrated(TestStores.SqliteIn(_folder));
        _context.Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        _context.Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        _context.Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        _context.Services.AddNestedNetworking();
        _db.AddTo(_context.Services);
        _context.AddActorServices();
        _context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
        _db.Dispose();
    }

    [Fact]
    public void Creating_the_external_switch_reviews_the_exact_command_then_runs_it_audited_with_its_step()
    {
        var card = Read(Vm(spoofing: true));
        Assert.Equal("External", card.Find("[data-testid=l2-advice]").GetAttribute("data-recommended"));

        card.Find("[data-testid=l1-switch-review-create]").Click();

        _dialogs.WaitForAssertion(() => Assert.Equal(
            "New-VMSwitch -Name External -NetAdapterName Ethernet -AllowManagementOS:$true", _dialogs.Find("[data-testid=l1-switch-review-command]").TextContent.Trim()));
        Assert.Contains(_dialogs.FindAll("[data-testid=l1-switch-review-note]"), n => n.TextContent.Contains(L1SwitchPlan.SpoofingWhy, StringComparison.Ordinal));
        _dialogs.Find("[data-testid=l1-switch-review-ok]").Click();

        card.WaitForAssertion(() => Assert.Equal("Succeeded", card.Find("[data-testid=l1-switch-outcome]").GetAttribute("data-outcome")));
        Assert.Equal("Done", card.Find("[data-testid=l1-switch-step]").GetAttribute("data-step-status"));
        Assert.Equal(["Read", "Create External Ethernet"], _host.Calls);
        var row = card.Find("[data-testid=l1-switches] tr[data-switch=External]");
        Assert.Contains("Ethernet", row.TextContent, StringComparison.Ordinal);
        var entry = Assert.Single(_db.Entries());
        Assert.Equal(("Create external switch in guest", "Succeeded", "lab-l1", "ada"), (entry.Action, entry.Result, entry.VmName, entry.Actor));
        Assert.Contains("New-VMSwitch -Name External", entry.Parameters, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeGuestHost.Password, entry.Parameters, StringComparison.Ordinal);
    }

    [Fact]
    public void Spoofing_off_is_refused_in_the_review_with_microsofts_words_and_nothing_runs()
    {
        var card = Read(Vm(spoofing: false));

        card.Find("[data-testid=l1-switch-review-create]").Click();

        _dialogs.WaitForAssertion(() => Assert.Contains(
            L1SwitchPlan.SpoofingWhy, _dialogs.Find("[data-testid=l1-switch-review-problem][data-field=L1]").TextContent, StringComparison.Ordinal));
        Assert.Empty(_dialogs.FindAll("[data-testid=l1-switch-review-ok]"));
        _dialogs.Find("[data-testid=l1-switch-review-cancel]").Click();
        Assert.Equal(["Read"], _host.Calls);
        Assert.Empty(_db.Entries());
    }

    [Fact]
    public async Task Removing_a_switch_with_l2_adapters_on_it_names_them_and_connecting_moves_an_l2_vm()
    {
        var card = Read(Vm(spoofing: true));
        _host.Reading = _host.Reading with { Switches = [.. _host.Reading.Switches, new L1Switch("External", "External", "Ethernet")] };
        card.Find("[data-testid=l1-switches-read]").Click();
        card.WaitForAssertion(() => Assert.NotEmpty(card.FindAll("tr[data-switch=External]")));

        // l2-db to External, through the review.
        card.WaitForAssertion(() => card.FindAll("tr[data-l2-vm=l2-db] [data-testid=l2-connect]")[0].Click());
        _dialogs.WaitForAssertion(() => Assert.Equal("Connect-VMNetworkAdapter -VMName l2-db -SwitchName VmNAT", _dialogs.Find("[data-testid=l1-switch-review-command]").TextContent.Trim()));
        _dialogs.Find("[data-testid=l1-switch-review-cancel]").Click();
        var service = _context.Services.GetRequiredService<L1SwitchService>();
        var actor = new Actor("ada", DashboardRoles.Administrator, Channels.Browser, "127.0.0.1");
        var connected = await service.ConnectL2Async(actor, HostName, Vm(true), new GuestCredential(FakeGuestHost.UserName, FakeGuestHost.Password), _ => Task.FromResult<GuestCredentialAnswer?>(null), "l2-db", "External");
        Assert.Equal(OperationOutcome.Succeeded, connected.Outcome);
        Assert.Equal("External", connected.Reading!.L2Adapters.Single(a => a.VmName == "l2-db").SwitchName);

        card.Find("[data-testid=l1-switches-read]").Click();
        card.WaitForAssertion(() => card.Find("tr[data-switch=External] [data-testid=l1-switch-remove]").Click());
        _dialogs.WaitForAssertion(() => Assert.Contains(
            "L2 adapters are connected to 'External': 'l2-db (Network Adapter)'", _dialogs.Find("[data-testid=l1-switch-review-problem]").TextContent, StringComparison.Ordinal));
        Assert.Empty(_dialogs.FindAll("[data-testid=l1-switch-review-ok]"));
    }

    [Fact]
    public async Task A_change_while_another_runs_on_the_l1_is_busy_and_recorded_refused_and_a_viewer_is_denied()
    {
        _host = new FakeL1Host(HostName, NetworkAdaptersCardTests.Facts, Vm(true));
        var service = _context.Services.GetRequiredService<L1SwitchService>();
        var locks = _context.Services.GetRequiredService<NestedVirtualizationOperations>();
        var credential = new GuestCredential(FakeGuestHost.UserName, FakeGuestHost.Password);
        static Task<GuestCredentialAnswer?> NoOne(string? problem) => Task.FromResult<GuestCredentialAnswer?>(null);

        using (locks.TryLock(HostName, Vm(true).Id, "lab-l1", out _))
        {
            var busy = await service.RemoveSwitchAsync(new Actor("ada", DashboardRoles.Operator, Channels.Browser, "127.0.0.1"), HostName, Vm(true), credential, NoOne, "VmNAT");
            Assert.Equal(OperationOutcome.Busy, busy.Outcome);
            Assert.Contains("Another change is running on VM 'lab-l1'", busy.Message, StringComparison.Ordinal);
        }

        var denied = await service.RemoveSwitchAsync(new Actor("vic", DashboardRoles.Viewer, Channels.Browser, "127.0.0.1"), HostName, Vm(true), credential, NoOne, "VmNAT");

        Assert.Equal(OperationOutcome.Denied, denied.Outcome);
        Assert.Empty(_host.Calls);
        Assert.Equal(["Refused", "Denied"], _db.Entries().Select(e => e.Result));
    }

    /// <summary>The card for <paramref name="vm"/>, read once with the guest's credentials typed in.</summary>
    private IRenderedComponent<L1SwitchesCard> Read(VmSnapshot vm)
    {
        _host = new FakeL1Host(HostName, NetworkAdaptersCardTests.Facts, vm);
        _dialogs = _context.Render<MudDialogProvider>();
        var card = _context.Render<L1SwitchesCard>(p => p.Add(x => x.Host, HostName).Add(x => x.Vm, vm));
        card.Find("[data-testid=l1-switches-read]").Click();
        _dialogs.WaitForElement("[data-testid=guest-credential-dialog]");
        _dialogs.WaitForAssertion(() => _dialogs.Find("input[data-testid=guest-password], [data-testid=guest-password] input").Input(FakeGuestHost.Password));
        _dialogs.Find("[data-testid=guest-credential-ok]").Click();
        card.WaitForAssertion(() => Assert.NotEmpty(card.FindAll("[data-testid=l1-switches] tr[data-switch]")));
        return card;
    }

    private static VmSnapshot Vm(bool spoofing) => NetworkAdaptersCardTests.Vm(VmState.Running) with
    {
        ExposeVirtualizationExtensions = true,
        NetworkAdapters = [new VmNetworkAdapterInfo("Network Adapter", "External", "00155D010203", spoofing)],
    };

    private sealed class OneHost(Func<IHyperVHost?> host) : IHostLookup
    {
        public IHyperVHost? Find(string name) => host() is { } h && string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase) ? h : null;
    }
}
