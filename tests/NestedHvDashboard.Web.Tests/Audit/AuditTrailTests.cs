using Microsoft.Extensions.Logging;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Operations;
namespace NestedHvDashboard.Web.Tests.Audit;

/// <summary>The audit trail in the database: stored before, completed after, interrupted leftovers, events and structured logs.</summary>
public sealed class AuditTrailTests : IDisposable
{
    private readonly TestDatabase _db = TestDatabase.Create();

    public void Dispose() => _db.Dispose();

    private static AuditStart Start(string action = "Enable nested", string? host = "hv-a", string? vm = "web-01") =>
        new(TestDatabase.Operator, action, host, vm, Guid.Parse("11111111-2222-4333-8444-555555555555"), new { enable = true }, "Off, nested off");

    [Fact]
    public async Task Begin_stores_a_started_entry_and_complete_ends_it_with_after_and_the_hosts_words()
    {
        var id = await _db.Audit.BeginAsync(Start());

        var started = Assert.Single(_db.Entries());
        Assert.Equal((id, "Started", (DateTime?)null), (started.Id, started.Result, started.CompletedAt));
        Assert.Equal(("olivia", "Operator", "Browser", "127.0.0.1"), (started.Actor, started.Role, started.Channel, started.RemoteAddress));
        Assert.Equal("{\"enable\":true}", started.Parameters);
        Assert.Equal("Off, nested off", started.Before);

        await _db.Audit.CompleteAsync(id, new AuditCompletion(AuditResults.Failed, "It failed.", "Off, nested off", "Access denied."));

        var ended = Assert.Single(_db.Entries());
        Assert.Equal(("Failed", "It failed.", "Off, nested off", "Access denied."), (ended.Result, ended.Message, ended.After, ended.HostError));
        Assert.NotNull(ended.CompletedAt);
        Assert.True(ended.CompletedAt >= ended.StartedAt);
    }

    [Fact]
    public async Task Completing_an_entry_that_does_not_exist_throws()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => _db.Audit.CompleteAsync(424242, new AuditCompletion(AuditResults.Succeeded, "done")));
    }

    [Fact]
    public async Task Mark_interrupted_ends_only_the_entries_still_started()
    {
        var open = await _db.Audit.BeginAsync(Start(vm: "open-01"));
        var done = await _db.Audit.BeginAsync(Start(vm: "done-01"));
        await _db.Audit.CompleteAsync(done, new AuditCompletion(AuditResults.Succeeded, "done"));
        await _db.Audit.RecordAsync(Start(vm: "denied-01"), new AuditCompletion(AuditResults.Denied, "no"));

        Assert.Equal(1, await _db.Audit.MarkInterruptedAsync());

        var entries = _db.Entries().ToDictionary(e => e.VmName!);
        Assert.Equal(("Interrupted", open), (entries["open-01"].Result, entries["open-01"].Id));
        Assert.NotNull(entries["open-01"].CompletedAt);
        Assert.Contains("stopped before this change ended", entries["open-01"].Message, StringComparison.Ordinal);
        Assert.Equal(("Succeeded", "Denied"), (entries["done-01"].Result, entries["denied-01"].Result));
        Assert.Equal(0, await _db.Audit.MarkInterruptedAsync());
    }

    [Fact]
    public async Task An_entry_interrupted_mid_change_names_the_step_it_stopped_at_and_says_the_vm_may_be_left_off()
    {
        var id = await _db.Audit.BeginAsync(Start());
        var vm = Guid.Parse("11111111-2222-4333-8444-555555555555");
        OperationStep Step(int index, OperationStepKind kind, string title, OperationStepStatus status) => new("hv-a", vm, "web-01", index, kind, title, status);
        var page = new StepLog();
        var progress = new AuditProgress(_db.Audit, id, page);
        progress.Report(Step(0, OperationStepKind.ShutDown, "Shut down the VM", OperationStepStatus.Pending));
        progress.Report(Step(1, OperationStepKind.SetNestedVirtualization, "Set ExposeVirtualizationExtensions $true", OperationStepStatus.Pending));
        progress.Report(Step(2, OperationStepKind.Start, "Start the VM", OperationStepStatus.Pending));
        Assert.Null(Assert.Single(_db.Entries()).Message);

        // As the plan runs: the note is stored before each step goes to the host, and the page still gets every report.
        progress.Report(Step(0, OperationStepKind.ShutDown, "Shut down the VM", OperationStepStatus.Running));
        Assert.Contains("at step 1 of 3, 'Shut down the VM' (running on the host)", Assert.Single(_db.Entries()).Message, StringComparison.Ordinal);
        progress.Report(Step(0, OperationStepKind.ShutDown, "Shut down the VM", OperationStepStatus.Done));
        progress.Report(Step(1, OperationStepKind.SetNestedVirtualization, "Set ExposeVirtualizationExtensions $true", OperationStepStatus.Running));
        Assert.Equal(3, page.Steps.Count);

        // The dashboard dies here; the next start marks the entry Interrupted with where it was.
        Assert.Equal(1, await _db.Audit.MarkInterruptedAsync());

        var entry = Assert.Single(_db.Entries());
        Assert.Equal(AuditResults.Interrupted, entry.Result);
        Assert.Equal(
            "The dashboard stopped before this change ended. It was at step 2 of 3, 'Set ExposeVirtualizationExtensions $true' (running on the host). " +
            "Done before it: 'Shut down the VM'. This change had shut down the VM and not started it again: the VM may be left Off; start it if it should run. " +
            "Check the VM's state on the host.",
            entry.Message);
    }

    [Fact]
    public async Task A_progress_note_never_overwrites_a_completed_entry_and_a_vm_started_again_is_not_said_to_be_off()
    {
        var id = await _db.Audit.BeginAsync(Start());
        var vm = Guid.Parse("11111111-2222-4333-8444-555555555555");
        var progress = new AuditProgress(_db.Audit, id, null);
        progress.Report(new("hv-a", vm, "web-01", 0, OperationStepKind.TurnOff, "Turn off the VM", OperationStepStatus.Done));
        progress.Report(new("hv-a", vm, "web-01", 1, OperationStepKind.Start, "Start the VM", OperationStepStatus.Done));
        var noted = Assert.Single(_db.Entries()).Message;
        Assert.Contains("'Start the VM' (done)", noted, StringComparison.Ordinal);
        Assert.DoesNotContain("Off", noted, StringComparison.Ordinal);

        await _db.Audit.CompleteAsync(id, new AuditCompletion(AuditResults.Succeeded, "done"));
        _db.Audit.NoteProgress(id, "late note");

        Assert.Equal("done", Assert.Single(_db.Entries()).Message);
        Assert.Equal(0, await _db.Audit.MarkInterruptedAsync());
    }

    [Fact]
    public async Task A_trail_whose_database_is_gone_throws_on_begin_so_the_caller_can_refuse()
    {
        _db.Break();

        await Assert.ThrowsAnyAsync<Exception>(() => _db.Audit.BeginAsync(Start()));
    }

    [Fact]
    public async Task Each_store_and_completion_raises_changed_and_the_activity_log_passes_it_on()
    {
        using var log = new ActivityLog(new AuditQuery(_db.Factory), _db.Audit);
        var heard = new List<(long, string)>();
        log.Changed += e => heard.Add((e.Id, e.Result));

        var id = await _db.Audit.BeginAsync(Start());
        await _db.Audit.CompleteAsync(id, new AuditCompletion(AuditResults.Succeeded, "done"));
        var denied = await _db.Audit.RecordAsync(Start(), new AuditCompletion(AuditResults.Denied, "no"));

        Assert.Equal([(id, "Started"), (id, "Succeeded"), (denied, "Denied")], heard);
        var page = await log.ReadAsync(new AuditFilter());
        Assert.Equal([denied, id], page.Entries.Select(e => e.Id));
        Assert.False(page.HasMore);

        log.Dispose();
        await _db.Audit.RecordAsync(Start(), new AuditCompletion(AuditResults.Denied, "no"));
        Assert.Equal(3, heard.Count);
    }

    [Fact]
    public async Task Begin_and_complete_write_structured_events_7001_and_7002()
    {
        var logger = new CapturingLogger();
        var audit = new DbAuditTrail(_db.Factory, TimeProvider.System, logger);

        var id = await audit.BeginAsync(Start());
        await audit.CompleteAsync(id, new AuditCompletion(AuditResults.Failed, "It failed.", null, "Access denied."));

        Assert.Equal([7001, 7002], logger.Events.Select(e => e.Id));
        var begun = logger.Events[0].Properties;
        Assert.Equal((id, "olivia", "Enable nested", "hv-a", "web-01"), ((long)begun["AuditId"]!, begun["Actor"], begun["Action"], begun["Host"], begun["VmName"]));
        var ended = logger.Events[1].Properties;
        Assert.Equal((id, "Failed", "Access denied."), ((long)ended["AuditId"]!, ended["Result"], ended["HostError"]));
    }

    [Fact]
    public async Task A_change_without_a_host_error_or_vm_logs_lines_that_do_not_end_in_null()
    {
        var logger = new CapturingLogger();
        var audit = new DbAuditTrail(_db.Factory, TimeProvider.System, logger);

        var id = await audit.BeginAsync(Start() with { Host = null, VmName = null, VmId = null });
        await audit.CompleteAsync(id, new AuditCompletion(AuditResults.Succeeded, "Done."));

        Assert.Equal([7001, 7002], logger.Events.Select(e => e.Id));
        Assert.All(logger.Messages, m => Assert.DoesNotContain("null", m, StringComparison.OrdinalIgnoreCase));
        Assert.EndsWith("ended Succeeded: Done.", logger.Messages[1], StringComparison.Ordinal);
    }

    /// <summary>Keeps each event's id and structured properties.</summary>
    private sealed class CapturingLogger : ILogger<DbAuditTrail>
    {
        public List<(int Id, IReadOnlyDictionary<string, object?> Properties)> Events { get; } = [];

        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Events.Add((eventId.Id, state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToDictionary(p => p.Key, p => p.Value) : new Dictionary<string, object?>()));
            Messages.Add(formatter(state, exception));
        }
    }
}
