using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.Tests.Operations;

public sealed class ActivityLogTests
{
    private readonly FixedTime _time = new(new DateTimeOffset(2026, 11, 26, 3, 0, 0, TimeSpan.Zero));

    private static OperationResult Result(OperationOutcome outcome, string host = "hv-a", string vm = "web-01", string? hostMessage = null) =>
        new(outcome, host, Guid.NewGuid(), vm, $"{outcome} on VM '{vm}' on host '{host}'.", [], null, hostMessage, null);

    [Fact]
    public void A_result_becomes_one_entry_with_time_host_vm_action_outcome_and_both_messages()
    {
        var log = new ActivityLog(_time);
        var result = Result(OperationOutcome.Failed, hostMessage: "Access denied.");

        var entry = log.Record(result, enable: true, "Bulk");

        Assert.Equal(new ActivityEntry(_time.GetUtcNow(), "hv-a", "web-01", result.VmId, "Bulk enable nested", "Failed", result.Message, "Access denied."), entry);
        Assert.Equal([entry], log.Entries);
        Assert.Equal("Disable nested", log.Record(Result(OperationOutcome.Succeeded), enable: false).Action);
    }

    [Fact]
    public void Entries_come_newest_first_and_the_oldest_go_beyond_the_capacity()
    {
        var log = new ActivityLog(_time, capacity: 3);
        for (var i = 1; i <= 5; i++)
        {
            log.Note("hv-a", $"vm-{i}", null, "Enable nested", "Succeeded", $"entry {i}");
        }

        Assert.Equal(["vm-5", "vm-4", "vm-3"], log.Entries.Select(e => e.VmName));
    }

    [Fact]
    public void Appending_raises_the_event_and_many_threads_can_append_at_once()
    {
        var log = new ActivityLog(_time, capacity: 10_000);
        var heard = 0;
        log.Appended += _ => Interlocked.Increment(ref heard);

        Parallel.For(0, 1000, i => log.Record(Result(OperationOutcome.Succeeded, vm: $"vm-{i}"), enable: true));

        Assert.Equal(1000, heard);
        Assert.Equal(1000, log.Entries.Select(e => e.VmName).Distinct().Count());
    }

    [Fact]
    public void The_query_filters_by_host_outcome_and_text()
    {
        var log = new ActivityLog(_time);
        log.Record(Result(OperationOutcome.Succeeded, "hv-a", "web-01"), true);
        log.Record(Result(OperationOutcome.Failed, "hv-b", "sql-01", "Access denied."), true);
        log.Note(null, null, null, "Bulk enable nested", "Ended", "Bulk enable nested ended: 1 succeeded.");

        Assert.Equal(["sql-01"], new ActivityQuery { Host = "HV-B" }.Apply(log.Entries).Select(e => e.VmName));
        Assert.Equal(["web-01"], new ActivityQuery { Outcome = "succeeded" }.Apply(log.Entries).Select(e => e.VmName));
        Assert.Equal(["sql-01"], new ActivityQuery { Text = "denied" }.Apply(log.Entries).Select(e => e.VmName));
        Assert.Single(new ActivityQuery { Text = "ended:" }.Apply(log.Entries));
        Assert.Equal(3, new ActivityQuery().Apply(log.Entries).Count);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
