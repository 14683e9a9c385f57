using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;

namespace NestedHvDashboard.Web.Tests.Audit;

/// <summary>The Activity page's and the export's filters, run as SQL on a real SQLite database.</summary>
public sealed class AuditQueryTests : IDisposable
{
    private static readonly DateTimeOffset Day = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    private readonly TestDatabase _db = TestDatabase.Create();
    private readonly Clock _clock = new();
    private readonly AuditQuery _query;

    public AuditQueryTests()
    {
        _query = new AuditQuery(_db.Factory);
    }

    public void Dispose() => _db.Dispose();

    /// <summary>Five entries over three days, by three users through three channels.</summary>
    private async Task SeedAsync()
    {
        var audit = new DbAuditTrail(_db.Factory, _clock, NullLogger<DbAuditTrail>.Instance);
        var api = new Actor("script-bot", DashboardRoles.Operator, Channels.Api, "10.0.0.9");
        async Task Add(DateTimeOffset at, Actor actor, string action, string? host, string? vm, string result, string message, string? hostError = null)
        {
            _clock.Now = at;
            await audit.RecordAsync(new AuditStart(actor, action, host, vm, null), new AuditCompletion(result, message, null, hostError));
        }

        await Add(Day.AddHours(9), TestDatabase.Operator, "Enable nested", "hv-a", "web-01", AuditResults.Succeeded, "Enabled.");
        await Add(Day.AddHours(10), TestDatabase.Viewer, "Enable nested", "hv-a", "web-01", AuditResults.Denied, "Needs the Operator role.");
        await Add(Day.AddDays(1).AddHours(9), api, "Disable nested", "HV-B", "sql-01", AuditResults.Failed, "Failed.", "Access is denied.");
        await Add(Day.AddDays(1).AddHours(23).AddMinutes(59), TestDatabase.Administrator, "Add host", "hv-c", null, AuditResults.Succeeded, "Added.");
        await Add(Day.AddDays(2).AddHours(1), Actor.System, "Enable nested (applied at next shutdown)", "hv-a", "app-01", AuditResults.Succeeded, "Applied.");
    }

    private async Task<List<string>> ActorsAsync(AuditFilter filter) =>
        [.. (await _query.ReadAsync(filter)).Entries.Select(e => e.Actor)];

    [Fact]
    public async Task No_filter_reads_everything_newest_first()
    {
        await SeedAsync();

        Assert.Equal(["system", "ada", "script-bot", "victor", "olivia"], await ActorsAsync(new AuditFilter()));
    }

    [Fact]
    public async Task Each_filter_narrows_the_entries_case_insensitively()
    {
        await SeedAsync();

        Assert.Equal(["victor"], await ActorsAsync(new AuditFilter { User = "VICTOR" }));
        Assert.Equal(["script-bot"], await ActorsAsync(new AuditFilter { Host = "hv-b" }));
        Assert.Equal(["script-bot"], await ActorsAsync(new AuditFilter { Action = "disable nested" }));
        Assert.Equal(["system", "ada", "olivia"], await ActorsAsync(new AuditFilter { Result = "succeeded" }));
        Assert.Equal(["script-bot"], await ActorsAsync(new AuditFilter { Channel = "api" }));
        Assert.Equal(["system"], await ActorsAsync(new AuditFilter { Channel = Channels.System }));
    }

    [Fact]
    public async Task The_text_filter_searches_user_host_vm_action_message_and_host_error()
    {
        await SeedAsync();

        Assert.Equal(["script-bot"], await ActorsAsync(new AuditFilter { Text = "access is" }));
        Assert.Equal(["script-bot"], await ActorsAsync(new AuditFilter { Text = "SQL-0" }));
        Assert.Equal(["victor"], await ActorsAsync(new AuditFilter { Text = "operator role" }));
        Assert.Equal(["ada"], await ActorsAsync(new AuditFilter { Text = "add host" }));
        Assert.Equal(["ada"], await ActorsAsync(new AuditFilter { Text = "hv-c" }));
        Assert.Equal(["script-bot"], await ActorsAsync(new AuditFilter { Text = "bot" }));
        Assert.Empty(await ActorsAsync(new AuditFilter { Text = "nothing like this" }));
    }

    [Fact]
    public async Task From_and_to_bound_the_start_time_and_a_to_date_includes_that_whole_day()
    {
        await SeedAsync();

        var day2 = AuditFilter.FromQuery(n => n switch { "from" => "2026-11-21", "to" => "2026-11-21", _ => null });
        Assert.Equal(["ada", "script-bot"], await ActorsAsync(day2));
        Assert.Equal(["system", "ada", "script-bot"], await ActorsAsync(new AuditFilter { From = Day.AddDays(1).UtcDateTime }));
        Assert.Equal(["victor", "olivia"], await ActorsAsync(new AuditFilter { To = Day.AddHours(12).UtcDateTime }));
        var minute = AuditFilter.FromQuery(n => n == "from" ? "2026-11-20T10:00" : null);
        Assert.Equal(["system", "ada", "script-bot", "victor"], await ActorsAsync(minute));
    }

    [Fact]
    public async Task Filters_combine()
    {
        await SeedAsync();

        Assert.Equal(["olivia"], await ActorsAsync(new AuditFilter { Host = "hv-a", Result = AuditResults.Succeeded, Channel = Channels.Browser }));
        Assert.Empty(await ActorsAsync(new AuditFilter { User = "olivia", Result = AuditResults.Denied }));
    }

    [Fact]
    public async Task Pages_go_back_by_id_and_say_when_there_is_more()
    {
        var audit = new DbAuditTrail(_db.Factory, TimeProvider.System, NullLogger<DbAuditTrail>.Instance);
        for (var i = 0; i < 5; i++)
        {
            await audit.RecordAsync(new AuditStart(TestDatabase.Operator, "Enable nested", "hv-a", $"vm-{i}", null), new AuditCompletion(AuditResults.Succeeded, "ok"));
        }

        var first = await _query.ReadAsync(new AuditFilter(), take: 2);
        var second = await _query.ReadAsync(new AuditFilter(), first.Entries[^1].Id, take: 2);
        var last = await _query.ReadAsync(new AuditFilter(), second.Entries[^1].Id, take: 2);

        Assert.Equal(["vm-4", "vm-3"], first.Entries.Select(e => e.VmName));
        Assert.Equal(["vm-2", "vm-1"], second.Entries.Select(e => e.VmName));
        Assert.Equal(["vm-0"], last.Entries.Select(e => e.VmName));
        Assert.Equal([true, true, false], new[] { first.HasMore, second.HasMore, last.HasMore });
        var streamed = new List<string?>();
        await foreach (var entry in _query.StreamAsync(new AuditFilter { Text = "vm-" }))
        {
            streamed.Add(entry.VmName);
        }

        Assert.Equal(["vm-4", "vm-3", "vm-2", "vm-1", "vm-0"], streamed);
    }

    [Fact]
    public async Task Choices_list_the_values_present()
    {
        await SeedAsync();

        var choices = await _query.ChoicesAsync();

        Assert.Equal(["ada", "olivia", "script-bot", "system", "victor"], choices.Users);
        Assert.Equal(["Denied", "Failed", "Succeeded"], choices.Results);
        Assert.Equal(["API", "Browser", "System"], choices.Channels);
        Assert.Contains("HV-B", choices.Hosts);
    }

    [Fact]
    public void The_query_string_round_trips_and_ignores_what_it_cannot_read()
    {
        var filter = new AuditFilter
        {
            Text = "a&b=c", User = "olivia", Host = "hv-a", Action = "Enable nested", Result = "Failed", Channel = "API",
            From = new DateTime(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc), To = new DateTime(2026, 11, 22, 0, 0, 0, DateTimeKind.Utc),
        };

        var text = filter.ToQueryString();
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(text);

        Assert.Equal("2026-11-21", query["to"].ToString());
        Assert.Equal("a&b=c", query["text"].ToString());
        Assert.Equal(filter, AuditFilter.FromQuery(query));
        Assert.Equal("", new AuditFilter().ToQueryString());
        Assert.True(AuditFilter.FromQuery(n => n == "from" ? "not a date" : n == "user" ? "  " : null).IsEmpty);
    }

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
