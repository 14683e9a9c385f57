using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Notifications;
using NestedHvDashboard.Web.Tests.Audit;

namespace NestedHvDashboard.Web.Tests.Notifications;

public sealed class ActionNotificationsTests : IDisposable
{
    private readonly TestDatabase _db = TestDatabase.Create();
    private readonly Clock _clock = new();
    private readonly ActionNotifications _notifications;

    public ActionNotificationsTests() => _notifications = new ActionNotifications(_db.Audit, _clock);

    public void Dispose()
    {
        _notifications.Dispose();
        _db.Dispose();
    }

    [Fact]
    public async Task A_bulk_run_shows_from_its_start_as_one_notice_and_ends_with_its_result()
    {
        var run = Guid.NewGuid();
        var runId = await _db.Audit.BeginAsync(new AuditStart(TestDatabase.Operator, "Bulk enable nested", null, null, null, null, "3 VMs on 2 hosts", run));
        var vmId = await _db.Audit.BeginAsync(new AuditStart(TestDatabase.Operator, "Enable nested", "hv-a", "vm1", Guid.NewGuid(), null, null, run));

        var running = Assert.Single(_notifications.For("olivia"));
        Assert.Equal((runId, "Bulk enable nested", "3 VMs on 2 hosts", true), (running.AuditId, running.Action, running.Subject, running.IsRunning));
        Assert.Equal($"/activity?entry={runId}", running.ActivityHref);
        Assert.Equal(1, _notifications.Unseen("olivia"));

        await _db.Audit.CompleteAsync(vmId, new AuditCompletion(AuditResults.Refused, "no"));
        await _db.Audit.CompleteAsync(runId, new AuditCompletion(RunResult.Of([OperationOutcome.Succeeded, OperationOutcome.Refused]), "1 succeeded, 1 refused"));

        var ended = Assert.Single(_notifications.For("olivia"));
        Assert.Equal((AuditResults.Partial, false), (ended.Result, ended.IsRunning));
        Assert.NotNull(ended.EndedAt);
        Assert.Equal(1, _notifications.Unseen("olivia"));
        _notifications.MarkSeen("olivia");
        Assert.Equal(0, _notifications.Unseen("olivia"));
        Assert.Empty(_notifications.For("ada"));
    }

    [Fact]
    public async Task A_quick_change_is_no_notice_but_any_change_running_past_the_long_mark_is()
    {
        var quick = await _db.Audit.BeginAsync(new AuditStart(TestDatabase.Operator, "MAC spoofing on", "hv-a", "vm1", Guid.NewGuid()));
        Assert.Empty(_notifications.For("olivia"));
        Assert.True(_notifications.HasRunning("olivia"));
        await _db.Audit.CompleteAsync(quick, new AuditCompletion(AuditResults.Succeeded, "done"));
        Assert.Empty(_notifications.For("olivia"));
        Assert.False(_notifications.HasRunning("olivia"));

        var slow = await _db.Audit.BeginAsync(new AuditStart(TestDatabase.Operator, "Enable nested", "hv-a", "vm2", Guid.NewGuid()));
        Assert.Empty(_notifications.For("olivia"));
        _clock.Now += ActionNotifications.LongAfter + TimeSpan.FromSeconds(1);

        var notice = Assert.Single(_notifications.For("olivia"));
        Assert.Equal((slow, "VM 'vm2' on host 'hv-a'"), (notice.AuditId, notice.Subject));
    }

    [Fact]
    public async Task A_denied_attempt_is_no_notice_and_each_user_keeps_at_most_its_bound()
    {
        await _db.Audit.RecordAsync(new AuditStart(TestDatabase.Viewer, "Bulk enable nested", null, null, null), new AuditCompletion(AuditResults.Denied, "no"));
        Assert.Empty(_notifications.For("victor"));

        for (var i = 0; i < ActionNotifications.PerUser + 5; i++)
        {
            var id = await _db.Audit.BeginAsync(new AuditStart(TestDatabase.Operator, "Install Hyper-V in guest", "hv-a", $"vm{i}", Guid.NewGuid()));
            await _db.Audit.CompleteAsync(id, new AuditCompletion(AuditResults.Succeeded, "done"));
        }

        var kept = _notifications.For("olivia");
        Assert.Equal(ActionNotifications.PerUser, kept.Count);
        Assert.Equal($"VM 'vm{ActionNotifications.PerUser + 4}' on host 'hv-a'", kept[0].Subject);

        _notifications.ClearFinished("olivia");
        Assert.Empty(_notifications.For("olivia"));
    }

    [Theory]
    [InlineData("Bulk enable nested", true)]
    [InlineData("Bulk shut down", true)]
    [InlineData("Install Hyper-V in guest", true)]
    [InlineData("Create guest NAT", true)]
    [InlineData("New nested-ready VM", true)]
    [InlineData("Cascade nested off", true)]
    [InlineData("MAC spoofing on", false)]
    public void Some_actions_are_long_by_nature(string action, bool isLong) => Assert.Equal(isLong, ActionNotifications.IsLongByNature(action));

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
