using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Checkpoints;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Tests.Networking;
using NestedHvDashboard.Web.Tests.Access;
using NestedHvDashboard.Web.Tests.Audit;
using NestedHvDashboard.Web.Tests.Pages;

namespace NestedHvDashboard.Web.Tests.Checkpoints;

/// <summary>The VM page's checkpoints card: the tree with "Now", and take / apply / delete as an operator and as a viewer sees them.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class CheckpointsCardTests : IAsyncLifetime
{
    private const string HostName = "hv-a";

    private readonly BunitContext _context = new();
    private readonly TestDatabase _db = TestDatabase.Create();
    private readonly InventoryStore _store = new();
    private FakeHyperVHost _host = null!;
    private BunitAuthorizationContext _authorization = null!;

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _authorization = _context.AddAuthorization();
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IHostLookup>(new OneHost(() => _host));
        _context.Services.AddSingleton(new PendingNestedChanges());
        _context.Services.AddSingleton(_store);
        _context.Services.AddCheckpoints();
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
    public async Task The_tree_lists_children_under_their_parent_with_dates_types_and_now_under_the_current_checkpoint()
    {
        var vm = NetworkAdaptersCardTests.Vm(VmState.Off);
        _host = new FakeHyperVHost(HostName, NetworkAdaptersCardTests.Facts, vm);
        var a = _host.AddCheckpoint(vm.Id, "base", DateTimeOffset.UtcNow.AddDays(-3));
        _host.AddCheckpoint(vm.Id, "tried upgrade", DateTimeOffset.UtcNow.AddHours(-5));
        await _host.ApplyCheckpointAsync(vm.Id, a.Id);
        _host.AddCheckpoint(vm.Id, "second try", DateTimeOffset.UtcNow.AddMinutes(-10), "Production");

        var card = Open(NetworkAdaptersCardTests.Vm(VmState.Off), DashboardRoles.Operator);

        card.WaitForAssertion(() => Assert.Equal(3, card.FindAll("[data-testid=checkpoint-row]").Count));
        var rows = card.FindAll("[data-testid=checkpoint-row]");
        Assert.Equal(["base", "tried upgrade", "second try"], rows.Select(r => r.GetAttribute("data-checkpoint")));
        Assert.Equal(["padding-left:0rem", "padding-left:1.25rem", "padding-left:1.25rem"], rows.Select(r => r.GetAttribute("style")));
        Assert.Contains("3 days ago", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("10 min ago", rows[2].TextContent, StringComparison.Ordinal);
        Assert.Equal(["Standard", "Standard", "Production"], card.FindAll("[data-testid=checkpoint-type]").Select(t => t.TextContent));
        var now = card.Find("[data-testid=checkpoint-now]");
        Assert.Contains("the VM runs from 'second try'", now.TextContent, StringComparison.Ordinal);
        Assert.Equal("padding-left:2.5rem", now.GetAttribute("style"));
        // Only a checkpoint with children can lose a subtree.
        Assert.Equal([false, true, true], card.FindAll("[data-testid=checkpoint-delete-subtree]").Select(b => b.HasAttribute("disabled")));
    }

    [Fact]
    public void A_viewer_sees_the_list_with_every_button_disabled()
    {
        var vm = NetworkAdaptersCardTests.Vm(VmState.Running);
        _host = new FakeHyperVHost(HostName, NetworkAdaptersCardTests.Facts, vm);
        _host.AddCheckpoint(vm.Id, "base", DateTimeOffset.UtcNow.AddDays(-1));

        var card = Open(vm, DashboardRoles.Viewer);

        card.WaitForAssertion(() => Assert.Single(card.FindAll("[data-testid=checkpoint-row]")));
        Assert.True(card.Find("[data-testid=checkpoint-new]").HasAttribute("disabled"));
        Assert.True(card.Find("[data-testid=checkpoint-apply]").HasAttribute("disabled"));
        Assert.True(card.Find("[data-testid=checkpoint-delete]").HasAttribute("disabled"));
        Assert.Contains("Operators can take, apply and delete checkpoints.", card.Find("[data-testid=checkpoints-operators-hint]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Creating_shows_a_field_error_for_an_empty_name_warns_on_a_duplicate_and_takes_the_checkpoint()
    {
        var vm = NetworkAdaptersCardTests.Vm(VmState.Running);
        _host = new FakeHyperVHost(HostName, NetworkAdaptersCardTests.Facts, vm);
        _host.AddCheckpoint(vm.Id, "base", DateTimeOffset.UtcNow.AddDays(-1));
        var card = Open(vm, DashboardRoles.Operator);
        card.WaitForAssertion(() => Assert.False(card.Find("[data-testid=checkpoint-new]").HasAttribute("disabled")));

        card.Find("[data-testid=checkpoint-new]").Click();
        Assert.StartsWith("lab-l1 - (", card.Find("input[data-testid=checkpoint-name], [data-testid=checkpoint-name] input").GetAttribute("value"), StringComparison.Ordinal);
        card.Find("input[data-testid=checkpoint-name], [data-testid=checkpoint-name] input").Input("");
        card.Find("[data-testid=checkpoint-create]").Click();
        Assert.Contains("A name is required.", card.Find("[data-testid=checkpoint-create-form]").TextContent, StringComparison.Ordinal);
        card.Find("input[data-testid=checkpoint-name], [data-testid=checkpoint-name] input").Input("Base");
        Assert.Contains("already has a checkpoint named 'Base'", card.Find("[data-testid=checkpoint-name-duplicate]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("A name is required.", card.Find("[data-testid=checkpoint-create-form]").TextContent, StringComparison.Ordinal);
        card.Find("[data-testid=checkpoint-create]").Click();

        card.WaitForAssertion(() => Assert.Equal(2, card.FindAll("[data-testid=checkpoint-row]").Count));
        Assert.Equal("Succeeded", card.Find("[data-testid=checkpoint-outcome]").GetAttribute("data-outcome"));
        Assert.Equal("Done", card.Find("[data-testid=checkpoint-steps] [data-step-status]").GetAttribute("data-step-status"));
        Assert.Equal(["CreateCheckpoint Base"], _host.Calls.Where(c => c.StartsWith("Create", StringComparison.Ordinal)));
        Assert.Equal(("Create checkpoint", "Succeeded"), (Assert.Single(_db.Entries()).Action, _db.Entries()[0].Result));
    }

    [Fact]
    public void Applying_on_a_running_vm_warns_ticks_a_checkpoint_first_and_runs_take_apply_start()
    {
        var vm = NetworkAdaptersCardTests.Vm(VmState.Running);
        _host = new FakeHyperVHost(HostName, NetworkAdaptersCardTests.Facts, vm);
        _host.AddCheckpoint(vm.Id, "base", DateTimeOffset.UtcNow.AddDays(-1));
        var card = Open(vm, DashboardRoles.Operator);
        card.WaitForAssertion(() => Assert.False(card.Find("[data-testid=checkpoint-apply]").HasAttribute("disabled")));

        card.Find("[data-testid=checkpoint-apply]").Click();

        var form = card.Find("[data-testid=checkpoint-apply-form]").TextContent;
        Assert.Contains("The VM's current state is lost unless you create a checkpoint first.", form, StringComparison.Ordinal);
        Assert.Contains("Hyper-V stops it first", card.Find("[data-testid=checkpoint-apply-running]").TextContent, StringComparison.Ordinal);
        Assert.True(card.Find("input[data-testid=checkpoint-apply-first], [data-testid=checkpoint-apply-first] input").HasAttribute("checked"));
        Assert.True(card.Find("input[data-testid=checkpoint-apply-start], [data-testid=checkpoint-apply-start] input").HasAttribute("checked"));
        card.Find("[data-testid=checkpoint-apply-confirm]").Click();

        card.WaitForAssertion(() => Assert.Equal("Succeeded", card.Find("[data-testid=checkpoint-outcome]").GetAttribute("data-outcome")));
        Assert.Equal(["CreateCheckpoint", "ApplyCheckpoint", "Start"], _host.Calls.Where(c => !c.StartsWith("Get", StringComparison.Ordinal)).Select(c => c.Split(' ')[0]));
        Assert.All(card.FindAll("[data-testid=checkpoint-steps] [data-step-status]"), s => Assert.Equal("Done", s.GetAttribute("data-step-status")));
        Assert.Equal("Apply checkpoint", Assert.Single(_db.Entries()).Action);
    }

    [Fact]
    public void Deleting_a_subtree_is_warned_and_a_refusal_shows_the_hosts_words()
    {
        var vm = NetworkAdaptersCardTests.Vm(VmState.Off);
        _host = new FakeHyperVHost(HostName, NetworkAdaptersCardTests.Facts, vm);
        _host.AddCheckpoint(vm.Id, "a", DateTimeOffset.UtcNow.AddDays(-2));
        _host.AddCheckpoint(vm.Id, "b", DateTimeOffset.UtcNow.AddDays(-1));
        var card = Open(vm, DashboardRoles.Operator);
        card.WaitForAssertion(() => Assert.Equal(2, card.FindAll("[data-testid=checkpoint-row]").Count));

        card.FindAll("[data-testid=checkpoint-delete-subtree]")[0].Click();
        Assert.Contains("Delete checkpoint 'a' and the 1 checkpoint under it?", card.Find("[data-testid=checkpoint-delete-form]").TextContent, StringComparison.Ordinal);
        _host.FailNext("RemoveCheckpoint", "Remove-VMSnapshot : The system cannot find the file specified.");
        card.Find("[data-testid=checkpoint-delete-confirm]").Click();

        card.WaitForAssertion(() => Assert.Equal("Failed", card.Find("[data-testid=checkpoint-outcome]").GetAttribute("data-outcome")));
        Assert.Contains("The host said: Remove-VMSnapshot : The system cannot find the file specified.", card.Find("[data-testid=checkpoint-outcome]").TextContent, StringComparison.Ordinal);
        Assert.Equal(2, card.FindAll("[data-testid=checkpoint-row]").Count);

        card.FindAll("[data-testid=checkpoint-delete-subtree]")[0].Click();
        card.Find("[data-testid=checkpoint-delete-confirm]").Click();
        card.WaitForAssertion(() => Assert.NotNull(card.Find("[data-testid=checkpoints-none]")));
    }

    private IRenderedComponent<CheckpointsCard> Open(VmSnapshot vm, string role)
    {
        _authorization.As(role, role == DashboardRoles.Viewer ? "vera" : "oscar");
        _store.ApplyInventory(HostName, new HostInventory(NetworkAdaptersCardTests.Facts, [vm], DateTimeOffset.UtcNow.AddMinutes(-1)));
        return _context.Render<CheckpointsCard>(p => p.Add(x => x.Host, HostName).Add(x => x.Vm, vm));
    }

    private sealed class OneHost(Func<IHyperVHost?> host) : IHostLookup
    {
        public IHyperVHost? Find(string name) => host() is { } h && string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase) ? h : null;
    }
}
