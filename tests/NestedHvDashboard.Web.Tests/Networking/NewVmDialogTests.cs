using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
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
using NestedHvDashboard.Web.Tests.Audit;

namespace NestedHvDashboard.Web.Tests.Networking;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class NewVmDialogTests : IAsyncLifetime
{
    private const string HostName = "hv-a";

    private readonly BunitContext _context = new();
    private readonly TestDatabase _db = TestDatabase.Create();
    private readonly FakeGuestHost _host = new(HostName, NetworkAdaptersCardTests.Facts, NetworkAdaptersCardTests.Vm(VmState.Running));
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.SignInAs(DashboardRoles.Administrator, "olivia");
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IHostLookup>(new OneHost(_host));
        _context.Services.AddSingleton(new PendingNestedChanges());
        _context.Services.AddNestedNetworking();
        _db.AddTo(_context.Services);
        _context.AddActorServices();
        _context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        _dialogs = _context.Render<MudDialogProvider>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        _db.Dispose();
    }

    [Fact]
    public async Task Memory_under_4_GB_is_refused_as_typed_and_Create_says_why_instead_of_greying_out()
    {
        await OpenAsync();
        Type("new-vm-name", "l1-new");
        Type("new-vm-memory", "2");

        _dialogs.WaitForAssertion(() => Assert.Contains("needs at least 4 GB", ProblemUnder("new-vm-memory"), StringComparison.Ordinal));
        Assert.Single(_dialogs.FindAll(".mud-input-helper-text.mud-input-error"), e => e.TextContent.Contains("needs at least 4 GB", StringComparison.Ordinal));
        Assert.False(_dialogs.Find("[data-testid=new-vm-create]").HasAttribute("disabled"));
        _dialogs.Find("[data-testid=new-vm-create]").Click();

        _dialogs.WaitForAssertion(() => Assert.Contains("One field needs a change", _dialogs.Find("[data-testid=new-vm-fix-fields]").TextContent, StringComparison.Ordinal));
        Assert.Empty(_host.Created);
        Assert.Empty(_db.Entries());
    }

    [Fact]
    public async Task Create_on_an_untouched_form_shows_every_fields_problem_at_once()
    {
        await OpenAsync();
        Type("new-vm-cpus", "999");

        _dialogs.Find("[data-testid=new-vm-create]").Click();

        _dialogs.WaitForAssertion(() =>
        {
            var errors = string.Join(" | ", _dialogs.FindAll(".mud-input-error").Select(e => e.TextContent));
            Assert.Contains("The VM name is required.", errors, StringComparison.Ordinal);
            Assert.Contains("999 was asked for", errors, StringComparison.Ordinal);
        });
        Assert.Contains("fields need a change", _dialogs.Find("[data-testid=new-vm-fix-fields]").TextContent, StringComparison.Ordinal);
        Assert.Empty(_host.Created);
    }

    [Fact]
    public async Task A_duplicate_name_is_refused_as_typed_and_a_fixed_field_loses_its_error()
    {
        await OpenAsync(existing: ["l1-old"]);
        Type("new-vm-name", "L1-OLD");
        _dialogs.WaitForAssertion(() => Assert.Contains("already has a VM named 'L1-OLD'", _dialogs.Find(".mud-input-error").TextContent, StringComparison.Ordinal));

        Type("new-vm-name", "");
        _dialogs.WaitForAssertion(() => Assert.Contains("The VM name is required.", _dialogs.Find(".mud-input-error").TextContent, StringComparison.Ordinal));
        Type("new-vm-name", "l1-new");

        _dialogs.WaitForAssertion(() => Assert.DoesNotContain(_dialogs.FindAll(".mud-input-error"), e => e.TextContent.Trim().Length > 0));
    }

    [Fact]
    public async Task A_valid_request_creates_the_vm_and_shows_what_the_host_made()
    {
        await OpenAsync();
        Type("new-vm-name", "l1-new");
        Type("new-vm-memory", "8");
        Type("new-vm-cpus", "4");
        _dialogs.WaitForAssertion(() => Assert.False(_dialogs.Find("[data-testid=new-vm-create]").HasAttribute("disabled")));

        _dialogs.Find("[data-testid=new-vm-create]").Click();

        _dialogs.WaitForAssertion(() => Assert.Equal("Succeeded", _dialogs.Find("[data-testid=new-vm-outcome]").GetAttribute("data-outcome")));
        Assert.Contains("New VM 'l1-new' on host 'hv-a': created", _dialogs.Find("[data-testid=new-vm-outcome]").TextContent, StringComparison.Ordinal);
        Assert.Equal([new NewVmRequest("l1-new", 8L << 30, 4, "Lab")], _host.Created);
        var entry = Assert.Single(_db.Entries());
        Assert.Equal(("New nested-ready VM", "Succeeded", "l1-new", "olivia"), (entry.Action, entry.Result, entry.VmName, entry.Actor));
        Assert.NotNull(entry.After);
    }

    [Fact]
    public async Task The_hosts_refusal_lists_its_problems_in_the_dialog()
    {
        _host.CreateFailure = new NewVmRefusedException(HostName, [new NewVmProblem(NewVmField.SwitchName, "The host has no switch named 'Lab'.")]);
        await OpenAsync();
        Type("new-vm-name", "l1-new");
        _dialogs.WaitForAssertion(() => Assert.False(_dialogs.Find("[data-testid=new-vm-create]").HasAttribute("disabled")));

        _dialogs.Find("[data-testid=new-vm-create]").Click();

        _dialogs.WaitForAssertion(() => Assert.Equal("Failed", _dialogs.Find("[data-testid=new-vm-outcome]").GetAttribute("data-outcome")));
        var outcome = _dialogs.Find("[data-testid=new-vm-outcome]").TextContent;
        Assert.Contains("refused before anything ran", outcome, StringComparison.Ordinal);
        Assert.Contains("The host has no switch named 'Lab'.", outcome, StringComparison.Ordinal);
        var entry = Assert.Single(_db.Entries());
        Assert.Equal("Refused", entry.Result);
        Assert.Contains("The host has no switch named 'Lab'.", entry.Message, StringComparison.Ordinal);
    }

    private async Task OpenAsync(IReadOnlyCollection<string>? existing = null)
    {
        var parameters = new DialogParameters<NewVmDialog>
        {
            { d => d.Host, HostName },
            { d => d.Facts, NetworkAdaptersCardTests.Facts },
            { d => d.Switches, ["Lab"] },
            { d => d.ExistingNames, existing ?? [] },
        };
        await _dialogs.InvokeAsync(() => _context.Services.GetRequiredService<IDialogService>().ShowAsync<NewVmDialog>("New VM", parameters));
        _dialogs.WaitForElement("[data-testid=new-vm-dialog]");
    }

    private void Type(string field, string value) =>
        _dialogs.WaitForAssertion(() => _dialogs.Find($"input[data-testid={field}], [data-testid={field}] input").Input(value));

    private sealed class OneHost(IHyperVHost host) : IHostLookup
    {
        public IHyperVHost? Find(string name) => string.Equals(host.Name, name, StringComparison.OrdinalIgnoreCase) ? host : null;
    }

    // The problem MudBlazor writes under the field whose input carries the test id; empty when it shows none.
    private string ProblemUnder(string testId) =>
        _dialogs.Find($"input[data-testid={testId}]").Closest(".mud-input-control")?.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim() ?? "";
}
