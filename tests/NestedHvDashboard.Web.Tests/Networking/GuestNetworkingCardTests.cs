using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using MudBlazor.Services;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Tests.Access;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Tests.Data;
using NestedHvDashboard.Web.Tests.Audit;

namespace NestedHvDashboard.Web.Tests.Networking;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class GuestNetworkingCardTests : IAsyncLifetime
{
    private const string HostName = "hv-a";

    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-guestcard-").FullName;
    private readonly BunitContext _context = new();
    private readonly TestDatabase _db = TestDatabase.Create();
    private FakeGuestHost _host = null!;
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.SignInAs(DashboardRoles.Administrator, "ada");
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IHostLookup>(new OneHost(() => _host));
        _context.Services.AddSingleton(new PendingNestedChanges());
        _context.Services.AddSingleton(new DataFolder(_folder));
        _context.Services.AddDashboardDatabase(TestStores.SqliteIn(_folder));
        TestStores.Migrated(TestStores.SqliteIn(_folder));
        _context.Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        _context.Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        _context.Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        _context.Services.AddNestedNetworking();
        _db.AddTo(_context.Services);
        // Remembering and forgetting guest credentials needs an administrator.
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

    private GuestCredentialStore Store => _context.Services.GetRequiredService<GuestCredentialStore>();


    [Fact]
    public async Task Reading_asks_for_credentials_shows_the_guest_state_and_remembers_them_when_asked()
    {
        var card = Open(Vm(nested: true));

        card.Find("[data-testid=guest-read]").Click();
        SignIn(FakeGuestHost.Password, remember: true);

        card.WaitForAssertion(() => Assert.Equal("External", card.Find("[data-testid=guest-switches]").TextContent.Trim()));
        Assert.Equal("NotInstalled", card.Find("[data-testid=guest-hyperv]").TextContent.Trim());
        Assert.Equal(FakeGuestHost.Password, (await Store.FindAsync(HostName, Vm(true).Id))?.Password);

        // A new visit takes the remembered credential without asking.
        var again = Open(Vm(nested: true));
        again.Find("[data-testid=guest-read]").Click();
        again.WaitForAssertion(() => Assert.Equal("External", again.Find("[data-testid=guest-switches]").TextContent.Trim()));
        Assert.Empty(_dialogs.FindAll("[data-testid=guest-credential-dialog]"));

        again.Find("[data-testid=guest-forget]").Click();
        Assert.False(await Store.IsRememberedAsync(HostName, Vm(true).Id));
        again.WaitForAssertion(() => Assert.Empty(again.FindAll("[data-testid=guest-forget]")));
    }

    [Fact]
    public async Task A_wrong_password_is_said_plainly_asked_again_and_never_remembered()
    {
        var card = Open(Vm(nested: true));

        card.Find("[data-testid=guest-read]").Click();
        SignIn("wrong-one", remember: true);

        _dialogs.WaitForAssertion(() => Assert.Contains(
            "VM 'lab-l1' on host 'hv-a' refused the user name or password. The guest said: The credential is invalid.",
            _dialogs.Find("[data-testid=guest-credential-problem]").TextContent,
            StringComparison.Ordinal));
        Assert.False(await Store.IsRememberedAsync(HostName, Vm(true).Id));

        SignIn(FakeGuestHost.Password, remember: false);

        card.WaitForAssertion(() => Assert.Equal("External", card.Find("[data-testid=guest-switches]").TextContent.Trim()));
        Assert.Equal(["Read", "Read"], _host.Calls);
        Assert.False(await Store.IsRememberedAsync(HostName, Vm(true).Id));
    }

    [Fact]
    public void The_nat_form_validates_live_reviews_the_exact_commands_then_creates_and_shows_the_l2_plan()
    {
        var card = ReadState();

        Type(card, "nat-prefix", "192.168.0.0/33");
        card.WaitForAssertion(() => Assert.Contains("The NAT prefix", card.Find(".mud-input-helper-text.mud-input-error, .mud-input-error").TextContent, StringComparison.Ordinal));
        Assert.True(card.Find("[data-testid=nat-review-button]").HasAttribute("disabled"));

        Type(card, "nat-prefix", "192.168.0.0/24");
        Type(card, "nat-gateway", "192.168.0.1");
        Type(card, "nat-dns", "10.0.0.1");
        card.WaitForAssertion(() => Assert.False(card.Find("[data-testid=nat-review-button]").HasAttribute("disabled")));
        card.Find("[data-testid=nat-review-button]").Click();

        card.WaitForAssertion(() => Assert.Equal(
            ["New-VMSwitch -Name VmNAT -SwitchType Internal",
             "New-NetIPAddress -IPAddress 192.168.0.1 -PrefixLength 24 -InterfaceAlias 'vEthernet (VmNAT)'",
             "New-NetNat -Name LocalNAT -InternalIPInterfaceAddressPrefix 192.168.0.0/24"],
            card.FindAll("[data-testid=nat-command]").Select(c => c.TextContent.Trim())));
        Assert.Equal(["Read"], _host.Calls);

        card.Find("[data-testid=nat-create]").Click();

        card.WaitForAssertion(() => Assert.Equal("LocalNAT (192.168.0.0/24)", card.Find("[data-testid=guest-nats]").TextContent.Trim()));
        Assert.Equal("Succeeded", card.Find("[data-testid=guest-outcome]").GetAttribute("data-outcome"));
        Assert.Equal(["Read", "Create VmNAT 192.168.0.0/24"], _host.Calls);
        var l2 = card.FindAll("[data-testid=l2-address]").Select(r => r.TextContent).ToList();
        Assert.Equal(GuestNatView.L2Count, l2.Count);
        Assert.Contains("New-NetIPAddress -IPAddress 192.168.0.2 -PrefixLength 24 -DefaultGateway 192.168.0.1 -InterfaceAlias Ethernet", l2[0], StringComparison.Ordinal);
        Assert.Contains("Set-DnsClientServerAddress -InterfaceAlias Ethernet -ServerAddresses 10.0.0.1", l2[0], StringComparison.Ordinal);
        var entry = Assert.Single(_db.Entries());
        Assert.Equal(("Create guest NAT", "Succeeded", "ada", "Administrator"), (entry.Action, entry.Result, entry.Actor, entry.Role));
        Assert.NotNull(entry.CompletedAt);
        Assert.DoesNotContain(FakeGuestHost.Password, string.Join("|", entry.Parameters, entry.Before, entry.After, entry.Message, entry.HostError), StringComparison.Ordinal);

        // The guest now has a NAT: WinNAT allows one, so a second is refused in the form before anything runs.
        card.WaitForAssertion(() => Assert.Contains("WinNAT supports one NAT network", card.Find("[data-testid=nat-name-problem]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void Remove_asks_first_and_cancel_leaves_the_nat()
    {
        var card = ReadState(withNat: true);

        card.Find("[data-testid=nat-remove]").Click();
        _dialogs.WaitForAssertion(() => Assert.Contains("Remove NAT 'LocalNAT' and switch 'VmNAT' from VM 'lab-l1'?", _dialogs.Markup, StringComparison.Ordinal));
        _dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();
        _dialogs.WaitForAssertion(() => Assert.DoesNotContain("Remove NAT 'LocalNAT'", _dialogs.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain(_host.Calls, c => c.StartsWith("Remove", StringComparison.Ordinal));

        card.Find("[data-testid=nat-remove]").Click();
        _dialogs.WaitForElement("button:not([disabled])");
        _dialogs.WaitForAssertion(() => _dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Remove").Click());

        card.WaitForAssertion(() => Assert.Equal("none", card.Find("[data-testid=guest-nats]").TextContent.Trim()));
        Assert.Contains("Remove LocalNAT VmNAT", _host.Calls);
        var entry = Assert.Single(_db.Entries());
        Assert.Equal(("Remove guest NAT", "Succeeded"), (entry.Action, entry.Result));
    }

    [Fact]
    public void Installing_hyperv_shows_each_progress_word_live_including_the_restart()
    {
        var card = ReadState();
        var hold = _host.HoldInstall();

        card.Find("[data-testid=install-hyperv]").Click();

        card.WaitForAssertion(() => Assert.Equal(
            [GuestInstalls.FirstStep, HyperVInstallProgress.Installing, HyperVInstallProgress.Restarting],
            Words(card)));
        hold.SetResult();

        card.WaitForAssertion(() => Assert.Equal("Installed", card.Find("[data-testid=guest-hyperv]").TextContent.Trim()));
        Assert.Equal(
            [GuestInstalls.FirstStep, HyperVInstallProgress.Installing, HyperVInstallProgress.Restarting, HyperVInstallProgress.WaitingForGuest, HyperVInstallProgress.Installed],
            Words(card));
        Assert.StartsWith($"Hyper-V installed in VM '{Vm(true).Name}' in ", card.Find("[data-testid=install-headline]").TextContent.Trim(), StringComparison.Ordinal);
        var entry = Assert.Single(_db.Entries(), e => e.Action == "Install Hyper-V in guest");
        Assert.Equal($"/activity?entry={entry.Id}", card.Find("[data-testid=install-activity-link]").GetAttribute("href"));
        Assert.True(card.Find("[data-testid=install-hyperv]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task After_an_app_restart_the_card_says_how_the_last_install_ended_instead_of_offering_a_fresh_button()
    {
        var vm = Vm(nested: true);
        var id = await _db.Audit.BeginAsync(new Web.Audit.AuditStart(TestDatabase.Administrator, GuestSetup.InstallAction, HostName, vm.Name, vm.Id));
        await _db.Audit.CompleteAsync(id, new Web.Audit.AuditCompletion(Web.Audit.AuditResults.Succeeded, "Hyper-V installed."));
        await new RestoredGuestInstalls(_db.Factory, _context.Services.GetRequiredService<GuestInstalls>()).RunAsync(CancellationToken.None);

        var card = Open(vm);

        card.WaitForAssertion(() => Assert.StartsWith($"Hyper-V installed in VM '{vm.Name}' in ", card.Find("[data-testid=install-headline]").TextContent.Trim(), StringComparison.Ordinal));
        Assert.Equal($"/activity?entry={id}", card.Find("[data-testid=install-activity-link]").GetAttribute("href"));
        Assert.True(card.Find("[data-testid=install-hyperv]").HasAttribute("disabled"));

        // Reading the guest says again whether Hyper-V is there: this fake guest has none, so the button is offered.
        card.Find("[data-testid=guest-read]").Click();
        SignIn(FakeGuestHost.Password, remember: false);
        card.WaitForAssertion(() => Assert.False(card.Find("[data-testid=install-hyperv]").HasAttribute("disabled")));
    }

    [Fact]
    public void An_install_past_its_limit_says_it_is_still_running_and_stop_waiting_leaves_it_to_the_guest()
    {
        var card = ReadState();
        _host.InstallOutlastsLimit = true;
        _host.HoldInstall();

        card.Find("[data-testid=install-hyperv]").Click();

        card.WaitForAssertion(() => Assert.Contains(
            "outlasted its time limit: it is still running on the host — checking the guest. This is not a failure",
            card.Find("[data-testid=install-still-running]").TextContent,
            StringComparison.Ordinal));
        Assert.Empty(card.FindAll("[data-testid=install-result]"));

        card.Find("[data-testid=install-stop-waiting]").Click();

        card.WaitForAssertion(() => Assert.Equal("Canceled", card.Find("[data-testid=install-result]").GetAttribute("data-outcome")));
        Assert.Contains($"Stopped waiting: Hyper-V's installation in VM '{Vm(true).Name}' on host '{HostName}' is left to finish in the guest.", card.Find("[data-testid=install-result]").TextContent, StringComparison.Ordinal);
        Assert.Empty(card.FindAll("[data-testid=install-still-running]"));
        Assert.Empty(card.FindAll("[data-testid=install-stop-waiting]"));
        Assert.False(card.Find("[data-testid=install-hyperv]").HasAttribute("disabled"));
        var entry = Assert.Single(_db.Entries());
        Assert.Equal(("Install Hyper-V in guest", "Canceled"), (entry.Action, entry.Result));
    }

    [Fact]
    public void An_install_past_its_limit_that_then_ends_shows_its_outcome_and_no_longer_says_still_running()
    {
        var card = ReadState();
        _host.InstallOutlastsLimit = true;
        var hold = _host.HoldInstall();
        card.Find("[data-testid=install-hyperv]").Click();
        card.WaitForElement("[data-testid=install-still-running]");

        hold.SetResult();

        card.WaitForAssertion(() => Assert.Equal("Succeeded", card.Find("[data-testid=install-result]").GetAttribute("data-outcome")));
        Assert.Empty(card.FindAll("[data-testid=install-still-running]"));
        Assert.Empty(card.FindAll("[data-testid=install-stop-waiting]"));
        Assert.Equal("Installed", card.Find("[data-testid=guest-hyperv]").TextContent.Trim());
    }

    [Fact]
    public async Task Installing_with_nested_off_is_refused_with_the_reason_before_asking_anything()
    {
        var vm = Vm(nested: false);
        var card = Open(vm);
        Assert.True(card.Find("[data-testid=install-hyperv]").HasAttribute("disabled"));
        Assert.Contains("Nested virtualization is off", card.Find("[data-testid=install-refused-reason]").TextContent, StringComparison.Ordinal);

        var asked = false;
        var result = await _context.Services.GetRequiredService<GuestSetup>().InstallHyperVAsync(TestDatabase.Operator, HostName, vm, null, _ => { asked = true; return Task.FromResult<GuestCredentialAnswer?>(null); }, null);

        Assert.Equal(OperationOutcome.Refused, result.Outcome);
        Assert.Contains("Install Hyper-V in VM 'lab-l1' on host 'hv-a': refused, nested virtualization is off", result.Message, StringComparison.Ordinal);
        Assert.False(asked);
        Assert.Empty(_host.Calls);
        var entry = Assert.Single(_db.Entries());
        Assert.Equal(("Install Hyper-V in guest", "Refused"), (entry.Action, entry.Result));
    }

    [Fact]
    public async Task An_install_goes_on_while_its_card_is_gone_and_a_new_card_shows_it_through_the_restart_to_its_result()
    {
        var card = ReadState();
        var hold = _host.HoldInstall();
        card.Find("[data-testid=install-hyperv]").Click();
        card.WaitForAssertion(() => Assert.Contains(HyperVInstallProgress.Restarting, Words(card)));

        // The VM restarts: the page's card goes away (the user navigated, or the page reloaded) and a new one opens on the Off VM.
        await _context.DisposeComponentsAsync();
        var restarting = Open(Vm(nested: true) with { State = VmState.Off });

        Assert.Equal("true", restarting.Find("[data-testid=install-panel]").GetAttribute("data-running"));
        Assert.Equal([GuestInstalls.FirstStep, HyperVInstallProgress.Installing, HyperVInstallProgress.Restarting], Words(restarting));
        Assert.Contains("The install goes on", restarting.Find("[data-testid=guest-not-running]").TextContent, StringComparison.Ordinal);
        Assert.True(restarting.Find("[data-testid=install-hyperv]").HasAttribute("disabled"));

        hold.SetResult();

        restarting.WaitForAssertion(() => Assert.Equal("Succeeded", restarting.Find("[data-testid=install-result]").GetAttribute("data-outcome")));
        Assert.StartsWith("Hyper-V installed in VM 'lab-l1' in ", restarting.Find("[data-testid=install-headline]").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal("Installed", restarting.Find("[data-testid=guest-hyperv]").TextContent.Trim());
        var entry = Assert.Single(_db.Entries(), e => e.Action == "Install Hyper-V in guest");
        Assert.Equal("Succeeded", entry.Result);

        // And once more after the guest is back: the result stays.
        var back = Open(Vm(nested: true));
        Assert.Equal("Succeeded", back.Find("[data-testid=install-result]").GetAttribute("data-outcome"));
        Assert.Equal($"/activity?entry={entry.Id}", back.Find("[data-testid=install-activity-link]").GetAttribute("href"));
    }

    private static List<string> Words(IRenderedComponent<GuestNetworkingCard> card) =>
        [.. card.FindAll("[data-testid=install-step]").Select(s => s.GetAttribute("data-word") ?? "")];

    private IRenderedComponent<GuestNetworkingCard> ReadState(bool withNat = false)
    {
        var card = Open(Vm(nested: true));
        if (withNat)
        {
            _host.State = _host.State with
            {
                SwitchNames = ["External", "VmNAT"],
                Nats = [new GuestNat("LocalNAT", "192.168.0.0/24")],
                Addresses = [.. _host.State.Addresses, new GuestIPAddress("192.168.0.1", 24, "vEthernet (VmNAT)")],
            };
        }

        card.Find("[data-testid=guest-read]").Click();
        SignIn(FakeGuestHost.Password, remember: false);
        card.WaitForAssertion(() => Assert.NotNull(card.Find("[data-testid=guest-state]")));
        return card;
    }

    private IRenderedComponent<GuestNetworkingCard> Open(VmSnapshot vm)
    {
        _host ??= new FakeGuestHost(HostName, Facts, vm);
        _dialogs = _context.Render<MudDialogProvider>();
        return _context.Render<GuestNetworkingCard>(p => p.Add(x => x.Host, HostName).Add(x => x.Vm, vm));
    }

    private void SignIn(string password, bool remember)
    {
        _dialogs.WaitForElement("[data-testid=guest-credential-dialog]");
        _dialogs.WaitForAssertion(() => _dialogs.Find("input[data-testid=guest-password], [data-testid=guest-password] input").Input(password));
        if (remember)
        {
            _dialogs.Find("input[data-testid=guest-remember], [data-testid=guest-remember] input").Change(true);
        }

        _dialogs.WaitForAssertion(() => Assert.False(_dialogs.Find("[data-testid=guest-credential-ok]").HasAttribute("disabled")));
        _dialogs.Find("[data-testid=guest-credential-ok]").Click();
    }

    private static void Type(IRenderedComponent<GuestNetworkingCard> card, string field, string value) =>
        card.WaitForAssertion(() => card.Find($"input[data-testid={field}], [data-testid={field}] input").Input(value));

    private static readonly HostFacts Facts = NetworkAdaptersCardTests.Facts;

    private static VmSnapshot Vm(bool nested) => NetworkAdaptersCardTests.Vm(VmState.Running) with { ExposeVirtualizationExtensions = nested };

    private sealed class OneHost(Func<IHyperVHost?> host) : IHostLookup
    {
        public IHyperVHost? Find(string name) => host() is { } h && string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase) ? h : null;
    }
}
