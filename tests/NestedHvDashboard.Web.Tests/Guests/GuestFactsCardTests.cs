using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;
using NestedHvDashboard.Core.Guests;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Guests;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Tests.Access;
using NestedHvDashboard.Web.Tests.Audit;
using NestedHvDashboard.Web.Tests.Data;
using NestedHvDashboard.Web.Tests.Networking;

namespace NestedHvDashboard.Web.Tests.Guests;

/// <summary>
/// The VM page's "Inside the guest" card and the reads that fill the guest facts: the card's own read, the networking card's,
/// the readiness row's "Read the guest", and the background refresh of guests with a remembered credential.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class GuestFactsCardTests : IAsyncLifetime
{
    private const string HostName = "hv-a";

    private static readonly GuestSecurity Hvci = new(GuestSecurityState.Running, GuestSecurityState.Running, GuestSecurityState.Off, HypervisorLaunchType.Auto);

    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-guestfacts-").FullName;
    private readonly BunitContext _context = new();
    private readonly TestDatabase _db = TestDatabase.Create();
    private readonly FakeGuestHost _host = new(HostName, NetworkAdaptersCardTests.Facts, Vm());
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.SignInAs(DashboardRoles.Administrator, "ada");
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IHostLookup>(new OneHost(_host));
        _context.Services.AddSingleton(new PendingNestedChanges());
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
        _host.State = _host.State with { Os = new GuestOs("Microsoft Windows Server 2022 Datacenter", "10.0.20348", true, GuestHyperVState.Installed), Security = Hvci };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
        _db.Dispose();
    }

    private GuestFactsStore Facts => _context.Services.GetRequiredService<GuestFactsStore>();

    private static VmSnapshot Vm(bool nested = true, VmState state = VmState.Running) =>
        NetworkAdaptersCardTests.Vm(state) with { ExposeVirtualizationExtensions = nested };

    [Fact]
    public void The_card_reads_the_guest_shows_what_runs_there_and_reads_again_with_the_remembered_credential()
    {
        var card = Render<GuestFactsCard>(Vm());
        Assert.Contains("Not read since the dashboard started", card.Find("[data-testid=guest-facts-none]").TextContent, StringComparison.Ordinal);

        card.Find("[data-testid=guest-facts-read]").Click();
        SignIn(remember: true);

        card.WaitForAssertion(() => Assert.Equal("Running", card.Find("[data-testid=guest-facts-hvci]").TextContent.Trim()));
        Assert.Equal("none", card.Find("[data-testid=guest-facts-nat]").TextContent.Trim());
        Assert.Equal("Installed, the hypervisor starts at boot", card.Find("[data-testid=guest-facts-hyperv]").TextContent.Trim());
        Assert.Equal("Auto", card.Find("[data-testid=guest-facts-launch-type]").TextContent.Trim());
        Assert.Equal("Off", card.Find("[data-testid=guest-facts-credential-guard]").TextContent.Trim());
        Assert.Contains("UTC (just now)", card.Find("[data-testid=guest-facts-read-at]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Read guest again", card.Find("[data-testid=guest-facts-read]").TextContent.Trim());

        // The guest gets a NAT and its hypervisor is turned off: reading again (no dialog, the credential is remembered) shows both.
        _host.State = _host.State with { Nats = [new GuestNat("LocalNAT", "192.168.0.0/24")], Security = Hvci with { LaunchType = HypervisorLaunchType.Off } };
        card.Find("[data-testid=guest-facts-read]").Click();

        card.WaitForAssertion(() => Assert.Equal("LocalNAT", card.Find("[data-testid=guest-facts-nat]").TextContent.Trim()));
        Assert.Equal("Off: Hyper-V cannot run in the guest", card.Find("[data-testid=guest-facts-launch-type]").TextContent.Trim());
        Assert.Equal(["Read", "Read"], _host.Calls.Where(c => c == "Read"));
        Assert.Empty(_db.Entries());
    }

    [Fact]
    public void A_read_from_the_networking_card_fills_the_facts_and_the_readiness_row_offers_a_read_only_while_nothing_is_known()
    {
        var facts = Render<GuestFactsCard>(Vm());
        var check = ReadinessEvaluator.EvaluateVmWithGuest(NetworkAdaptersCardTests.Facts, Vm(), null).Single(c => c.RuleId == ReadinessRuleIds.VmGuestSecurity);
        var fix = _context.Render<GuestReadFix>(p => p.Add(x => x.Host, HostName).Add(x => x.Vm, Vm()).Add(x => x.Check, check));
        Assert.NotNull(fix.Find("[data-testid='read-guest-vm.guest-security']"));

        _host.State = _host.State with { Nats = [new GuestNat("LocalNAT", "192.168.0.0/24")] };
        var networking = _context.Render<GuestNetworkingCard>(p => p.Add(x => x.Host, HostName).Add(x => x.Vm, Vm()));
        networking.Find("[data-testid=guest-read]").Click();
        SignIn(remember: false);

        facts.WaitForAssertion(() => Assert.Equal("LocalNAT", facts.Find("[data-testid=guest-facts-nat]").TextContent.Trim()));
        var known = Facts.Find(HostName, Vm().Id);
        Assert.NotNull(known);
        Assert.True(known.HasNat);
        var checks = ReadinessEvaluator.EvaluateVmWithGuest(NetworkAdaptersCardTests.Facts, Vm(), known);
        Assert.Equal(ReadinessStatus.Pass, checks.Single(c => c.RuleId == ReadinessRuleIds.VmL2Network).Status);
        var security = checks.Single(c => c.RuleId == ReadinessRuleIds.VmGuestSecurity);
        Assert.Equal(ReadinessStatus.Warn, security.Status);

        var after = _context.Render<GuestReadFix>(p => p.Add(x => x.Host, HostName).Add(x => x.Vm, Vm()).Add(x => x.Check, security));
        Assert.Empty(after.FindAll("[data-testid=guest-read-fix]"));
    }

    [Fact]
    public void A_vm_that_is_off_cannot_be_read_and_says_so_and_a_vm_without_nesting_shows_no_card()
    {
        var off = Render<GuestFactsCard>(Vm(state: VmState.Off));
        Assert.True(off.Find("[data-testid=guest-facts-read]").HasAttribute("disabled"));
        Assert.Contains("is Off", off.Find("[data-testid=guest-facts-read-hint]").TextContent, StringComparison.Ordinal);

        var plain = Render<GuestFactsCard>(Vm(nested: false));
        Assert.Empty(plain.FindAll("[data-testid=guest-facts]"));
    }

    [Fact]
    public async Task The_background_refresh_reads_only_the_guests_whose_credential_is_remembered()
    {
        var feed = new InventoryStore();
        feed.ApplyInventory(HostName, new HostInventory(NetworkAdaptersCardTests.Facts, [Vm()], DateTimeOffset.UtcNow));
        var refresher = new GuestFactsRefresher(
            feed,
            _context.Services.GetRequiredService<GuestSetup>(),
            _context.Services.GetRequiredService<GuestCredentialStore>(),
            Facts,
            Options.Create(new GuestFactsOptions()),
            TimeProvider.System,
            NullLogger<GuestFactsRefresher>.Instance);

        Assert.Equal(0, await refresher.RefreshOnceAsync());
        Assert.Null(Facts.Find(HostName, Vm().Id));
        Assert.Empty(_host.Calls);

        await _context.Services.GetRequiredService<GuestCredentialStore>().RememberAsync(HostName, Vm().Id, new GuestCredential(FakeGuestHost.UserName, FakeGuestHost.Password));
        Assert.Equal(1, await refresher.RefreshOnceAsync());
        Assert.Equal(GuestSecurityState.Running, Facts.Find(HostName, Vm().Id)?.Security.Hvci);

        // Just read: the next round leaves it until half an interval has passed.
        Assert.Equal(0, await refresher.RefreshOnceAsync());
        Assert.Equal(["Read"], _host.Calls);
    }

    private IRenderedComponent<T> Render<T>(VmSnapshot vm)
        where T : VmPartComponent
    {
        _dialogs ??= _context.Render<MudDialogProvider>();
        return _context.Render<T>(p => p.Add(x => x.Host, HostName).Add(x => x.Vm, vm));
    }

    private void SignIn(bool remember)
    {
        _dialogs ??= _context.Render<MudDialogProvider>();
        _dialogs.WaitForElement("[data-testid=guest-credential-dialog]");
        _dialogs.WaitForAssertion(() => _dialogs.Find("input[data-testid=guest-password], [data-testid=guest-password] input").Input(FakeGuestHost.Password));
        if (remember)
        {
            _dialogs.Find("input[data-testid=guest-remember], [data-testid=guest-remember] input").Change(true);
        }

        _dialogs.WaitForAssertion(() => Assert.False(_dialogs.Find("[data-testid=guest-credential-ok]").HasAttribute("disabled")));
        _dialogs.Find("[data-testid=guest-credential-ok]").Click();
    }

    private sealed class OneHost(IHyperVHost host) : IHostLookup
    {
        public IHyperVHost? Find(string name) => string.Equals(host.Name, name, StringComparison.OrdinalIgnoreCase) ? host : null;
    }
}
