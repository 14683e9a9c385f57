using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Tests.Audit;

namespace NestedHvDashboard.Web.Tests.Networking;

/// <summary>
/// A Hyper-V install's result after the app restarted: <see cref="RestoredGuestInstalls"/> reads each VM's latest install from the
/// audit trail, and the VM page's card (<see cref="GuestInstallProgress"/>) says how it ended instead of offering a fresh button.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class RestoredGuestInstallsTests : IAsyncLifetime
{
    private static readonly DateTime Then = new(2026, 12, 4, 21, 30, 0, DateTimeKind.Utc);
    private static readonly Guid Installed = Guid.NewGuid();
    private static readonly Guid Cut = Guid.NewGuid();
    private readonly TestDatabase _db = TestDatabase.Create();
    private readonly BunitContext _context = new();
    private readonly GuestInstalls _installs = new(TimeProvider.System);

    public Task InitializeAsync()
    {
        _context.Services.AddMudServices();
        _context.Services.AddSingleton(TimeProvider.System);
        _context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        _db.Dispose();
    }

    [Fact]
    public async Task After_a_restart_a_finished_install_says_installed_and_how_long_it_took()
    {
        // Two installs in one VM: the latest (3 min 05 s, succeeded) is the one shown.
        Add(Installed, "l1-a", AuditResults.Failed, Then, TimeSpan.FromSeconds(40), "The guest refused the credentials.");
        var latest = Add(Installed, "l1-a", AuditResults.Succeeded, Then.AddMinutes(10), TimeSpan.FromSeconds(185), "Hyper-V installed in VM 'l1-a' on host 'hv-a'.");
        await RestartAsync();

        var install = _installs.Find("HV-A", Installed);
        Assert.NotNull(install);
        Assert.Equal((latest, true, false, "ada"), (install.AuditId, install.FromAudit, install.IsRunning, install.Actor));

        var card = _context.Render<GuestInstallProgress>(p => p.Add(x => x.Install, install));
        Assert.Equal("Hyper-V installed in VM 'l1-a' in 3 min 05 s.", card.Find("[data-testid=install-headline]").TextContent.Trim());
        Assert.Equal("Succeeded", card.Find("[data-testid=install-result]").GetAttribute("data-outcome"));
        Assert.Equal($"/activity?entry={latest}", card.Find("[data-testid=install-activity-link]").GetAttribute("href"));
        Assert.Contains("2026-12-04 21:40:00 UTC by ada", card.Find("[data-testid=install-started]").TextContent, StringComparison.Ordinal);
        Assert.NotNull(card.Find("[data-testid=install-from-audit]"));
        Assert.Empty(card.FindAll("[data-testid=install-stop-waiting]"));
    }

    [Fact]
    public async Task After_a_restart_an_install_the_dashboard_stopped_during_says_interrupted_and_where()
    {
        var open = Add(Cut, "l1-b", AuditResults.Started, Then, null, "It was at 'Install Hyper-V' in the guest (running in the guest).");
        await _db.Audit.MarkInterruptedAsync();
        await RestartAsync();

        var install = _installs.Find("hv-a", Cut)!;
        var card = _context.Render<GuestInstallProgress>(p => p.Add(x => x.Install, install));

        Assert.True(install.Interrupted);
        Assert.StartsWith("Install Hyper-V was interrupted after", card.Find("[data-testid=install-headline]").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Contains("It was at 'Install Hyper-V' in the guest", card.Find("[data-testid=install-result]").TextContent, StringComparison.Ordinal);
        Assert.Equal($"/activity?entry={open}", card.Find("[data-testid=install-activity-link]").GetAttribute("href"));
    }

    [Fact]
    public async Task Restoring_again_keeps_the_install_known_and_a_vm_without_one_has_none()
    {
        Add(Installed, "l1-a", AuditResults.Succeeded, Then, TimeSpan.FromSeconds(60), "done");
        await RestartAsync();
        var restored = _installs.Find("hv-a", Installed);

        _installs.Restore([]);
        await new RestoredGuestInstalls(_db.Factory, _installs).RunAsync(CancellationToken.None);

        Assert.Same(restored, _installs.Find("hv-a", Installed));
        Assert.Null(_installs.Find("hv-a", Guid.NewGuid()));
    }

    private Task RestartAsync() => new RestoredGuestInstalls(_db.Factory, _installs).RunAsync(CancellationToken.None);

    private long Add(Guid vmId, string vmName, string result, DateTime startedAt, TimeSpan? took, string message)
    {
        using var db = _db.Factory.CreateDbContext();
        var entry = new AuditEntry
        {
            StartedAt = startedAt,
            CompletedAt = startedAt + took,
            Actor = "ada",
            Role = "Administrator",
            Channel = "Browser",
            Host = "hv-a",
            VmName = vmName,
            VmId = vmId,
            Action = GuestSetup.InstallAction,
            Result = result,
            Message = message,
        };
        db.AuditEntries.Add(entry);
        db.SaveChanges();
        return entry.Id;
    }
}
