using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;

namespace NestedHvDashboard.Web.Tests.Audit;

/// <summary>A denial repeated within the window is one row with a count; anything else is a row of its own.</summary>
public sealed class AuditRepeatTests : IDisposable
{
    private readonly TestDatabase _db = TestDatabase.Create();
    private readonly SteppedTime _time = new(new DateTimeOffset(2026, 12, 3, 22, 0, 0, TimeSpan.Zero));
    private readonly DbAuditTrail _audit;

    public AuditRepeatTests() => _audit = new DbAuditTrail(_db.Factory, _time, NullLogger<DbAuditTrail>.Instance);

    public void Dispose() => _db.Dispose();

    private static AuditStart Attempt(Actor? actor = null, string action = "API POST /api/v1/hosts/hv-a/vms/web-01/nested", string? vm = "web-01") =>
        new(actor ?? TestDatabase.Viewer with { Channel = Channels.Api }, action, "hv-a", vm, null);

    private static AuditCompletion Denied => new(AuditResults.Denied, "needs the Operator role");

    [Fact]
    public async Task The_same_denial_within_the_window_is_counted_on_one_row_and_the_last_time_kept()
    {
        var first = await _audit.RecordAsync(Attempt(), Denied);
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(first, await _audit.RecordAsync(Attempt(), Denied));
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(first, await _audit.RecordAsync(Attempt(), Denied));

        var row = Assert.Single(_db.Entries());
        Assert.Equal((AuditResults.Denied, 3), (row.Result, row.RepeatCount));
        Assert.Equal(_time.GetUtcNow().UtcDateTime, row.CompletedAt);
        Assert.Equal(_time.GetUtcNow().UtcDateTime.AddSeconds(-40), row.StartedAt);
    }

    [Fact]
    public async Task A_denial_after_the_window_another_target_user_address_or_action_and_other_results_get_rows_of_their_own()
    {
        await _audit.RecordAsync(Attempt(), Denied);
        await _audit.RecordAsync(Attempt(vm: "web-02"), Denied);
        await _audit.RecordAsync(Attempt(vm: null), Denied);
        await _audit.RecordAsync(Attempt(action: "API PUT /api/v1/hosts/hv-a/vms/web-01/adapters/mac-spoofing"), Denied);
        await _audit.RecordAsync(Attempt(TestDatabase.Operator), Denied);
        await _audit.RecordAsync(Attempt(TestDatabase.Viewer), Denied);
        await _audit.RecordAsync(Attempt(TestDatabase.Viewer with { Channel = Channels.Api, RemoteAddress = "10.0.0.9" }), Denied);
        await _audit.RecordAsync(Attempt(), new AuditCompletion(AuditResults.Refused, "VM not found"));
        await _audit.RecordAsync(Attempt(), new AuditCompletion(AuditResults.Refused, "VM not found"));
        _time.Advance(DbAuditTrail.RepeatWindow + TimeSpan.FromSeconds(1));
        await _audit.RecordAsync(Attempt(), Denied);

        var rows = _db.Entries();
        Assert.Equal(10, rows.Count);
        Assert.All(rows, r => Assert.Equal(1, r.RepeatCount));
    }

    [Fact]
    public async Task Concurrent_repeats_are_all_counted()
    {
        await _audit.RecordAsync(Attempt(), Denied);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => _audit.RecordAsync(Attempt(), Denied))));

        Assert.Equal(21, Assert.Single(_db.Entries()).RepeatCount);
    }

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class SteppedTime(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
