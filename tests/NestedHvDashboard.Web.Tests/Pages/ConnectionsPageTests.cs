using AngleSharp.Dom;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using MudBlazor.Services;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Tests.Access;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Tests.Hosts;
using NestedHvDashboard.Web.Tests.Data;
using NestedHvDashboard.Web.Tests.Audit;

namespace NestedHvDashboard.Web.Tests.Pages;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class ConnectionsPageTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-connections-").FullName;
    private readonly BunitContext _context = new();
    private BunitAuthorizationContext _auth = null!;
    private readonly TestDatabase _db = TestDatabase.Create();
    private readonly InventoryStore _feed = new(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(20) });
    private readonly FakeConnector _connector = new();
    private InventoryMonitor _monitor = null!;
    private HostDirectory _directory = null!;
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;

    public async Task InitializeAsync()
    {
        _monitor = new InventoryMonitor(
            [],
            _feed,
            new InventoryMonitorOptions { PollInterval = TimeSpan.FromMilliseconds(50), ReconnectDelay = TimeSpan.FromMilliseconds(50) },
            NullLogger<InventoryMonitor>.Instance);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hosts:0:Name"] = "hv-config",
            ["Hosts:0:Address"] = "hv-config.lab.example",
        }).Build();
        var store = TestStores.Hosts(_folder);
        _directory = await HostDirectory.CreateAsync(configuration, NullLogger<HostDirectory>.Instance, store, _connector);
        _directory.Subscribe(_monitor);
        await _monitor.StartAsync(CancellationToken.None);

        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _auth = _context.SignInAs(DashboardRoles.Administrator);
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IInventoryFeed>(_feed);
        _context.Services.AddSingleton<NestedHvDashboard.Web.Inventory.SharedInventory>();
        _context.Services.AddSingleton(_directory);
        _context.Services.AddSingleton<HostAdministration>();
        _context.Services.AddSingleton<NestedHvDashboard.Web.Simulator.SimulatedLabSwitch>();
        _db.AddTo(_context.Services);
        _context.AddActorServices();
        _context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        _context.Render<MudPopoverProvider>();
        _dialogs = _context.Render<MudDialogProvider>();
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _monitor.StopAsync(CancellationToken.None);
        _monitor.Dispose();
        await _directory.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
        _db.Dispose();
    }

    private IRenderedComponent<Connections> Open()
    {
        var page = _context.Render<Connections>();
        page.WaitForAssertion(() => Assert.Equal("live", page.Find("[data-testid=feed-state]").TextContent));
        return page;
    }

    // Find and act in one dispatch: the live feed may re-render between a Find and its event.
    private static void Click<T>(IRenderedComponent<T> component, string selector)
        where T : IComponent =>
        component.InvokeAsync(() => component.Find(selector).Click()).GetAwaiter().GetResult();

    // As a browser types: the form's fields check themselves on each input event.
    private void Fill(string field, string value)
    {
        var selector = $"[data-testid=field-{field}] input, input[data-testid=field-{field}]";
        _dialogs.WaitForElement(selector);
        _dialogs.InvokeAsync(() => _dialogs.Find(selector).Input(value)).GetAwaiter().GetResult();
    }

    private static IElement? Row(IRenderedComponent<Connections> page, string host) =>
        page.FindAll("tr").FirstOrDefault(r => r.QuerySelector($"[data-testid=host-name][data-host='{host}']") is not null);

    private IRenderedComponent<Connections> OpenAddDialog(string name)
    {
        var page = Open();
        Click(page, "[data-testid=add-host]");
        Fill("name", name);
        Fill("address", $"{name}.lab.example");
        return page;
    }

    private IRenderedComponent<Connections> AddThroughTheDialog(string name, string tags = "rack-a")
    {
        var page = OpenAddDialog(name);
        Fill("tags", tags);
        Click(_dialogs, "[data-testid=save]");
        _dialogs.WaitForAssertion(() => Assert.Empty(_dialogs.FindAll("[data-testid=host-dialog]")), Patience);
        return page;
    }

    [Theory]
    [InlineData(DashboardRoles.Viewer, false)]
    [InlineData(DashboardRoles.Operator, false)]
    [InlineData(DashboardRoles.Administrator, true)]
    public void Only_an_administrator_sees_add_edit_and_remove(string role, bool administer)
    {
        var added = AddThroughTheDialog("hv-role");
        added.WaitForAssertion(() => Assert.NotNull(Row(added, "hv-role")));
        _auth.As(role);
        var page = Open();

        page.WaitForAssertion(() => Assert.NotNull(Row(page, "hv-role")));
        var row = Row(page, "hv-role")!;
        Assert.Equal(administer, row.QuerySelector("[data-testid=edit-host]") is not null);
        Assert.Equal(administer, row.QuerySelector("[data-testid=remove-host]") is not null);
        Assert.Equal(administer, page.FindAll("[data-testid=add-host]").Count == 1);
        Assert.Equal(!administer, page.FindAll("[data-testid=administrators-hint]").Count == 1);
    }

    [Fact]
    public void Configured_hosts_are_listed_read_only()
    {
        var page = Open();

        page.WaitForAssertion(() =>
        {
            var row = Row(page, "hv-config");
            Assert.NotNull(row);
            Assert.Contains("from configuration", row.TextContent, StringComparison.Ordinal);
            Assert.Null(row.QuerySelector("[data-testid=edit-host]"));
            Assert.Null(row.QuerySelector("[data-testid=remove-host]"));
        });
    }

    [Fact]
    public void A_host_added_in_the_dialog_appears_in_the_table_and_turns_connected_live()
    {
        var page = AddThroughTheDialog("hv09");

        page.WaitForAssertion(() =>
        {
            var row = Row(page, "hv09");
            Assert.NotNull(row);
            Assert.Contains("added here", row.TextContent, StringComparison.Ordinal);
            Assert.Contains("rack-a", row.QuerySelector("[data-testid=host-tags]")!.TextContent, StringComparison.Ordinal);
            Assert.Equal("Connected", row.QuerySelector("[data-testid=host-status]")!.TextContent.Trim());
        }, Patience);
        Assert.Contains("Host 'hv09' added", page.Find("[data-testid=notice]").TextContent, StringComparison.Ordinal);
        Assert.Contains(_directory.Hosts, h => h is { Name: "hv09", Source: HostSource.Stored });
    }

    [Fact]
    public void A_bad_form_shows_the_error_under_its_field_and_stays_open()
    {
        var page = Open();
        Click(page, "[data-testid=add-host]");
        Fill("address", "https://hv09.lab.example");
        Click(_dialogs, "[data-testid=save]");

        _dialogs.WaitForAssertion(() =>
        {
            Assert.Contains("Name is required.", _dialogs.Markup, StringComparison.Ordinal);
            Assert.Contains("without a scheme", _dialogs.Markup, StringComparison.Ordinal);
            Assert.NotEmpty(_dialogs.FindAll("[data-testid=host-dialog]"));
        });
        Assert.Equal(["hv-config"], _directory.Hosts.Select(h => h.Name));
    }

    [Fact]
    public void A_fixed_field_loses_its_error_as_it_is_typed_and_a_bad_one_shows_its_error_before_save()
    {
        var page = Open();
        Click(page, "[data-testid=add-host]");
        Click(_dialogs, "[data-testid=save]");
        _dialogs.WaitForAssertion(() => Assert.Contains("Name is required.", _dialogs.Markup, StringComparison.Ordinal));

        Fill("name", "hv09");
        _dialogs.WaitForAssertion(() => Assert.DoesNotContain("Name is required.", _dialogs.Markup, StringComparison.Ordinal));

        // An edit is checked as it is typed, before Save: a name that is taken says so at once.
        Fill("name", "hv-config");
        _dialogs.WaitForAssertion(() => Assert.Contains("hv-config", _dialogs.Find("[data-testid=host-dialog] .mud-input-error").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void Test_connection_shows_the_hosts_facts_in_the_dialog()
    {
        OpenAddDialog("hv09");

        Click(_dialogs, "[data-testid=test-connection]");

        _dialogs.WaitForAssertion(() =>
        {
            var result = _dialogs.Find("[data-testid=test-result]");
            Assert.Equal("true", result.GetAttribute("data-succeeded"));
            Assert.Contains("Connected to 'hv09'", result.TextContent, StringComparison.Ordinal);
            Assert.Contains("Microsoft Windows Server 2022 Datacenter, build 20348", result.TextContent, StringComparison.Ordinal);
        }, Patience);
        Assert.DoesNotContain(_directory.Hosts, h => h.Name == "hv09");
    }

    [Fact]
    public void Test_connection_shows_the_failure_with_the_host_and_its_message()
    {
        _connector.Refusing.Add("hv11.lab.example");
        OpenAddDialog("hv11");

        Click(_dialogs, "[data-testid=test-connection]");

        _dialogs.WaitForAssertion(() =>
        {
            var result = _dialogs.Find("[data-testid=test-result]");
            Assert.Equal("false", result.GetAttribute("data-succeeded"));
            Assert.Contains("Could not connect to 'hv11'", result.TextContent, StringComparison.Ordinal);
            Assert.Contains("Unreachable", result.TextContent, StringComparison.Ordinal);
            Assert.Contains("Connection refused", result.TextContent, StringComparison.Ordinal);
        }, Patience);
    }

    [Fact]
    public void Editing_a_host_changes_its_row()
    {
        var page = AddThroughTheDialog("hv09");
        page.WaitForAssertion(() => Assert.NotNull(Row(page, "hv09")));

        Click(page, "[data-testid=edit-host][data-host='hv09']");
        _dialogs.WaitForAssertion(() => Assert.Equal("rack-a", _dialogs.Find("[data-testid=field-tags] input, input[data-testid=field-tags]").GetAttribute("value")));
        Fill("tags", "rack-b, gpu");
        Click(_dialogs, "[data-testid=save]");

        page.WaitForAssertion(() =>
        {
            var tags = Row(page, "hv09")!.QuerySelector("[data-testid=host-tags]")!.TextContent;
            Assert.Contains("rack-b", tags, StringComparison.Ordinal);
            Assert.Contains("gpu", tags, StringComparison.Ordinal);
            Assert.DoesNotContain("rack-a", tags, StringComparison.Ordinal);
        }, Patience);
    }

    [Fact]
    public void Removing_asks_first_and_then_the_host_leaves_the_table()
    {
        var page = AddThroughTheDialog("hv09");
        page.WaitForAssertion(() => Assert.NotNull(Row(page, "hv09")));

        Click(page, "[data-testid=remove-host][data-host='hv09']");
        _dialogs.WaitForElement("[data-testid=remove-cancel]");
        Click(_dialogs, "[data-testid=remove-cancel]");
        _dialogs.WaitForAssertion(() => Assert.Empty(_dialogs.FindAll("[data-testid=remove-dialog]")));
        Assert.NotNull(Row(page, "hv09"));

        Click(page, "[data-testid=remove-host][data-host='hv09']");
        _dialogs.WaitForElement("[data-testid=remove-confirm]");
        Click(_dialogs, "[data-testid=remove-confirm]");

        page.WaitForAssertion(() => Assert.Null(Row(page, "hv09")), Patience);
        // The table drops the row once the directory has removed the host; the feed lets its state go when its watch has
        // stopped, a moment later (a fresh-clone run saw the row gone and the snapshot still holding it).
        page.WaitForAssertion(() => Assert.Null(_feed.GetSnapshot().Find("hv09")), Patience);
        Assert.NotNull(Row(page, "hv-config"));
    }

    [Fact]
    public void The_form_says_at_once_that_WinRM_needs_Windows_and_that_SSH_has_no_endpoint_names()
    {
        OpenAddDialog("hv13");

        // The tests run on Linux, where PowerShell has no WS-Management client.
        _dialogs.WaitForAssertion(() => Assert.Equal(
            "WinRM needs a Windows management box; from Linux use SSH: PowerShell 7 and OpenSSH on the host.",
            _dialogs.Find("[data-testid=winrm-needs-windows]").TextContent.Trim()));
        Click(_dialogs, "[data-testid=transport-ssh]");

        _dialogs.WaitForAssertion(() =>
        {
            Assert.Empty(_dialogs.FindAll("[data-testid=winrm-needs-windows]"));
            Assert.Empty(_dialogs.FindAll("[data-testid=field-endpoint]"));
            Assert.Contains("runs the host's sshd powershell subsystem", _dialogs.Find("[data-testid=ssh-endpoint-note]").TextContent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_WinRM_endpoint_typed_on_the_form_is_saved_with_the_host()
    {
        OpenAddDialog("hv14");
        Fill("endpoint", "PowerShell.7");

        Click(_dialogs, "[data-testid=save]");

        _dialogs.WaitForAssertion(() => Assert.Empty(_dialogs.FindAll("[data-testid=host-dialog]")), Patience);
        Assert.Equal("PowerShell.7", Assert.Single(_directory.Hosts, h => h.Name == "hv14").Settings.ConfigurationName);
    }

    [Fact]
    public async Task Choosing_ssh_hides_and_clears_the_winrm_fields_so_the_form_saves()
    {
        OpenAddDialog("hv12");
        const string https = "input[data-testid=field-https], [data-testid=field-https] input";
        await _dialogs.InvokeAsync(() => _dialogs.Find(https).Change(true));
        Fill("password", "typed-before-switching");
        _dialogs.WaitForAssertion(() => Assert.NotEmpty(_dialogs.FindAll("[data-testid=field-authentication]")));

        Click(_dialogs, "[data-testid=transport-ssh]");

        _dialogs.WaitForAssertion(() =>
        {
            Assert.Empty(_dialogs.FindAll(https));
            Assert.Empty(_dialogs.FindAll("[data-testid=field-password]"));
            Assert.NotEmpty(_dialogs.FindAll("[data-testid=field-key-file]"));
        });
        Fill("address", "127.0.0.1");
        Click(_dialogs, "[data-testid=save]");

        _dialogs.WaitForAssertion(() => Assert.Empty(_dialogs.FindAll("[data-testid=host-dialog]")), Patience);
        var saved = Assert.Single(_directory.Hosts, h => h.Name == "hv12").Settings;
        Assert.Equal((HostTransport.Ssh, false, null), (saved.Transport, saved.UseHttps, saved.Password));
    }
}
