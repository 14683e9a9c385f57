using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using MudBlazor.Services;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Components.Layout;
using NestedHvDashboard.Web.Notifications;
using NestedHvDashboard.Web.Tests.Access;
using NestedHvDashboard.Web.Tests.Audit;

namespace NestedHvDashboard.Web.Tests.Layout;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class NotificationBellTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly TestDatabase _db = TestDatabase.Create();

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.SignInAs(DashboardRoles.Operator, "olivia");
        _context.Services.AddMudServices();
        _db.AddTo(_context.Services);
        _context.Services.AddActionNotifications();
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
    public async Task The_bell_counts_the_users_running_and_new_long_actions_and_lists_each_with_a_link_to_its_entry()
    {
        var popovers = _context.Render<MudPopoverProvider>();
        var bell = _context.Render<NotificationBell>();
        Assert.Empty(bell.FindAll("[data-testid=notifications-count]"));

        // Another user's action is not this user's news.
        await _db.Audit.BeginAsync(new AuditStart(TestDatabase.Administrator, "Bulk enable nested", null, null, null, null, "2 VMs on 1 hosts", Guid.NewGuid()));
        var id = await _db.Audit.BeginAsync(new AuditStart(TestDatabase.Operator, "Install Hyper-V in guest", "hv-a", "lab-l1", Guid.NewGuid()));

        bell.WaitForAssertion(() => Assert.Equal("1", bell.Find("[data-testid=notifications-count]").TextContent.Trim()));
        Assert.Equal("Long actions, 1 new or running", bell.Find("[data-testid=notifications-button]").GetAttribute("aria-label"));

        await bell.Find("[data-testid=notifications-button]").ClickAsync(new());
        popovers.WaitForAssertion(() => Assert.Single(popovers.FindAll("[data-testid=notification]")));
        var notice = popovers.Find("[data-testid=notification]");
        Assert.Contains("Install Hyper-V in guest", notice.TextContent, StringComparison.Ordinal);
        Assert.Contains("VM 'lab-l1' on host 'hv-a'", notice.TextContent, StringComparison.Ordinal);
        Assert.StartsWith("Running · ", popovers.Find("[data-testid=notification-state]").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal($"/activity?entry={id}", popovers.Find("[data-testid=notification-link]").GetAttribute("href"));

        await _db.Audit.CompleteAsync(id, new AuditCompletion(AuditResults.Succeeded, "done"));

        popovers.WaitForAssertion(() => Assert.StartsWith("Succeeded · took ", popovers.Find("[data-testid=notification-state]").TextContent.Trim(), StringComparison.Ordinal));
        Assert.Equal(AuditResults.Succeeded, popovers.Find("[data-testid=notification]").GetAttribute("data-result"));
    }
}
