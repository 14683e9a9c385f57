using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Notifications;
using NestedHvDashboard.Web.Tests.Audit;

namespace NestedHvDashboard.Web.Tests.Notifications;

/// <summary>
/// The bell after an app restart: a fresh <see cref="ActionNotifications"/> (the list is in memory) is filled from the audit
/// trail by <see cref="RestoredNotifications"/>, as the app's start runs it after marking open entries Interrupted.
/// </summary>
public sealed class RestoredNotificationsTests : IDisposable
{
    private readonly TestDatabase _db = TestDatabase.Create();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task After_a_restart_the_bell_lists_the_last_long_actions_and_the_interrupted_one_as_new()
    {
        // Before the restart: a bulk run with one refused VM, a quick change, a denial, a VM created, and an install the app died during.
        var run = Guid.NewGuid();
        var bulk = await _db.Audit.BeginAsync(new AuditStart(TestDatabase.Operator, "Bulk enable nested", null, null, null, null, "2 VMs on 1 host", run));
        var vm1 = await _db.Audit.BeginAsync(new AuditStart(TestDatabase.Operator, "Enable nested", "hv-a", "vm1", Guid.NewGuid(), null, null, run));
        var vm2 = await _db.Audit.BeginAsync(new AuditStart(TestDatabase.Operator, "Enable nested", "hv-a", "vm2", Guid.NewGuid(), null, null, run));
        await _db.Audit.CompleteAsync(vm1, new AuditCompletion(AuditResults.Succeeded, "on"));
        await _db.Audit.CompleteAsync(vm2, new AuditCompletion(AuditResults.Refused, "running"));
        await _db.Audit.CompleteAsync(bulk, new AuditCompletion(RunResult.Of([OperationOutcome.Succeeded, OperationOutcome.Refused]), "1 succeeded, 1 refused"));
        var quick = await _db.Audit.BeginAsync(new AuditStart(TestDatabase.Operator, "MAC spoofing on", "hv-a", "vm1", Guid.NewGuid()));
        await _db.Audit.CompleteAsync(quick, new AuditCompletion(AuditResults.Succeeded, "on"));
        await _db.Audit.RecordAsync(new AuditStart(TestDatabase.Viewer, "Bulk enable nested", null, null, null), new AuditCompletion(AuditResults.Denied, "no"));
        var created = await _db.Audit.BeginAsync(new AuditStart(TestDatabase.Administrator, "New nested-ready VM", "hv-a", "l1-new", null));
        await _db.Audit.CompleteAsync(created, new AuditCompletion(AuditResults.Succeeded, "created"));
        var install = await _db.Audit.BeginAsync(new AuditStart(TestDatabase.Operator, "Install Hyper-V in guest", "hv-a", "vm3", Guid.NewGuid()));
        _db.Audit.NoteProgress(install, "It was at 'Install Hyper-V' in the guest.");

        // The restart: open entries are marked Interrupted, then a fresh bell is filled from the trail.
        await _db.Audit.MarkInterruptedAsync();
        using var restarted = new ActionNotifications(_db.Audit, TimeProvider.System);
        var changed = new List<string>();
        restarted.Changed += changed.Add;
        await new RestoredNotifications(_db.Factory, restarted, TimeProvider.System).RunAsync(CancellationToken.None);

        var olivia = restarted.For("olivia");
        Assert.Equal([(install, AuditResults.Interrupted), (bulk, AuditResults.Partial)], olivia.Select(n => (n.AuditId, n.Result)));
        Assert.All(olivia, n => Assert.False(n.IsRunning));
        Assert.Equal($"/activity?entry={install}", olivia[0].ActivityHref);
        Assert.Equal("VM 'vm3' on host 'hv-a'", olivia[0].Subject);
        Assert.Contains("It was at 'Install Hyper-V'", olivia[0].Message, StringComparison.Ordinal);
        Assert.Equal(("2 VMs on 1 host", "1 succeeded, 1 refused"), (olivia[1].Subject, olivia[1].Message));
        // Only the interrupted one is news: the others were shown before the restart.
        Assert.Equal(1, restarted.Unseen("olivia"));
        Assert.Equal(created, Assert.Single(restarted.For("ada")).AuditId);
        Assert.Equal(0, restarted.Unseen("ada"));
        Assert.Empty(restarted.For("victor"));
        Assert.Equal(["ada", "olivia"], changed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_restored_bell_goes_on_with_live_actions()
    {
        var before = await _db.Audit.BeginAsync(new AuditStart(TestDatabase.Operator, "Bulk shut down", null, null, null, null, "4 VMs on 2 hosts", Guid.NewGuid()));
        await _db.Audit.CompleteAsync(before, new AuditCompletion(AuditResults.Succeeded, "4 shut down"));
        using var restarted = new ActionNotifications(_db.Audit, TimeProvider.System);
        await new RestoredNotifications(_db.Factory, restarted, TimeProvider.System).RunAsync(CancellationToken.None);

        var after = await _db.Audit.BeginAsync(new AuditStart(TestDatabase.Operator, "Bulk start", null, null, null, null, "4 VMs on 2 hosts", Guid.NewGuid()));

        var notices = restarted.For("olivia");
        Assert.Equal([(after, true), (before, false)], notices.Select(n => (n.AuditId, n.IsRunning)));
        Assert.Equal(1, restarted.Unseen("olivia"));
    }
}
