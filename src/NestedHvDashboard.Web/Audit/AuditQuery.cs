using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Audit;

/// <summary>
/// Which audit entries to show or export. Every field is optional; the page keeps them in its query string and the CSV
/// export reads the same query string.
/// </summary>
public sealed record AuditFilter
{
    /// <summary>Text found in the user, host, VM, action, message or host error (case-insensitive).</summary>
    public string? Text { get; init; }

    /// <summary>Only this user's entries.</summary>
    public string? User { get; init; }

    /// <summary>Only this host's entries.</summary>
    public string? Host { get; init; }

    /// <summary>Only this action.</summary>
    public string? Action { get; init; }

    /// <summary>Only this result (<see cref="AuditResults"/>).</summary>
    public string? Result { get; init; }

    /// <summary>Only entries started at or after this time (UTC).</summary>
    public DateTime? From { get; init; }

    /// <summary>Only entries started before this time (UTC); a date alone means up to the end of that day.</summary>
    public DateTime? To { get; init; }

    /// <summary>Only entries through this channel.</summary>
    public string? Channel { get; init; }

    /// <summary>The query-string names, in the order they are written.</summary>
    public static IReadOnlyList<string> Names { get; } = ["text", "user", "host", "action", "result", "from", "to", "channel"];

    /// <summary>True when no field is set.</summary>
    public bool IsEmpty => this == new AuditFilter();

    /// <summary>The filter a query string describes; unknown or unreadable values are ignored.</summary>
    public static AuditFilter FromQuery(Func<string, string?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new AuditFilter
        {
            Text = Clean(value("text")),
            User = Clean(value("user")),
            Host = Clean(value("host")),
            Action = Clean(value("action")),
            Result = Clean(value("result")),
            From = ParseTime(value("from"), endOfDay: false),
            To = ParseTime(value("to"), endOfDay: true),
            Channel = Clean(value("channel")),
        };
    }

    /// <summary>The filter of an HTTP request's query string.</summary>
    public static AuditFilter FromQuery(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var values = query.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return FromQuery(name => values.GetValueOrDefault(name));
    }

    /// <summary>The filter's fields as query-string pairs (only the set ones).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToQuery()
    {
        var pairs = new List<KeyValuePair<string, string>>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                pairs.Add(KeyValuePair.Create(name, value));
            }
        }

        Add("text", Text);
        Add("user", User);
        Add("host", Host);
        Add("action", Action);
        Add("result", Result);
        Add("from", FormatTime(From));
        Add("to", FormatTo(To));
        Add("channel", Channel);
        return pairs;
    }

    /// <summary>"?name=value&amp;…", or "" when no field is set.</summary>
    public string ToQueryString()
    {
        var pairs = ToQuery();
        return pairs.Count == 0 ? "" : "?" + string.Join("&", pairs.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
    }

    /// <summary>A time as the query string writes it: a date alone at midnight, else to the minute or second.</summary>
    public static string? FormatTime(DateTime? time) => time switch
    {
        null => null,
        { TimeOfDay.Ticks: 0 } t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        { } t => t.ToString(t.Second == 0 ? "yyyy-MM-ddTHH:mm" : "yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
    };

    /// <summary>The "to" time as typed: a whole day is stored as the next midnight and written as the day itself.</summary>
    public static string? FormatTo(DateTime? to) => to is { TimeOfDay.Ticks: 0 } day ? FormatTime(day.AddDays(-1)) : FormatTime(to);

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static DateTime? ParseTime(string? value, bool endOfDay)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateTime.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            // "to 2026-11-26" means through that whole day.
            return DateTime.SpecifyKind(endOfDay ? date.AddDays(1) : date, DateTimeKind.Utc);
        }

        return DateTime.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
            ? DateTime.SpecifyKind(time, DateTimeKind.Utc)
            : null;
    }
}

/// <summary>One page of audit entries, newest first.</summary>
/// <param name="Entries">The entries.</param>
/// <param name="HasMore">True when older entries match too (ask again with the last entry's id).</param>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, bool HasMore);

/// <summary>The values the page's filter lists offer (those present in the trail).</summary>
public sealed record AuditChoices(IReadOnlyList<string> Users, IReadOnlyList<string> Hosts, IReadOnlyList<string> Actions, IReadOnlyList<string> Results, IReadOnlyList<string> Channels);

/// <summary>
/// Reads the audit trail for the Activity page and the CSV export: the filter becomes SQL (SQLite and PostgreSQL alike),
/// newest first by id (SQLite cannot order by a DateTimeOffset, and ids grow with time anyway).
/// </summary>
public sealed class AuditQuery(IDbContextFactory<DashboardDbContext> database)
{
    /// <summary>Entries a page shows at first, and each "load more" adds.</summary>
    public const int PageSize = 200;

    /// <summary>The newest <paramref name="take"/> entries matching <paramref name="filter"/> older than entry <paramref name="beforeId"/> (or the newest when null).</summary>
    public async Task<AuditPage> ReadAsync(AuditFilter filter, long? beforeId = null, int take = PageSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(take);
        await using var db = await database.CreateDbContextAsync(cancellationToken);
        var query = Apply(db.AuditEntries.AsNoTracking(), filter);
        if (beforeId is { } before)
        {
            query = query.Where(e => e.Id < before);
        }

        var rows = await query.OrderByDescending(e => e.Id).Take(take + 1).ToListAsync(cancellationToken);
        return new AuditPage(rows.Count > take ? [.. rows.Take(take)] : rows, rows.Count > take);
    }

    /// <summary>The entry <paramref name="id"/>, or null when there is none.</summary>
    public async Task<AuditEntry?> FindAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await database.CreateDbContextAsync(cancellationToken);
        return await db.AuditEntries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
    }

    /// <summary>Every matching entry, newest first, read in batches so an export never holds the whole trail.</summary>
    public async IAsyncEnumerable<AuditEntry> StreamAsync(AuditFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        long? before = null;
        while (true)
        {
            var page = await ReadAsync(filter, before, 1000, cancellationToken);
            foreach (var entry in page.Entries)
            {
                yield return entry;
            }

            if (!page.HasMore)
            {
                yield break;
            }

            before = page.Entries[^1].Id;
        }
    }

    /// <summary>The users, hosts, actions, results and channels the trail holds, sorted.</summary>
    public async Task<AuditChoices> ChoicesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await database.CreateDbContextAsync(cancellationToken);
        var entries = db.AuditEntries.AsNoTracking();
        return new AuditChoices(
            await entries.Select(e => e.Actor).Distinct().OrderBy(v => v).ToListAsync(cancellationToken),
            await entries.Where(e => e.Host != null).Select(e => e.Host!).Distinct().OrderBy(v => v).ToListAsync(cancellationToken),
            await entries.Select(e => e.Action).Distinct().OrderBy(v => v).ToListAsync(cancellationToken),
            await entries.Select(e => e.Result).Distinct().OrderBy(v => v).ToListAsync(cancellationToken),
            await entries.Select(e => e.Channel).Distinct().OrderBy(v => v).ToListAsync(cancellationToken));
    }

    /// <summary>The filter as a query the database runs (case-insensitive matches through lower-case comparison on both providers).</summary>
    public static IQueryable<AuditEntry> Apply(IQueryable<AuditEntry> entries, AuditFilter filter)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(filter);
#pragma warning disable CA1304, CA1311, CA1862 // ToLower() is translated to SQL LOWER(); culture overloads are not.
        if (filter.User is { } user)
        {
            var u = user.ToLowerInvariant();
            entries = entries.Where(e => e.Actor.ToLower() == u);
        }

        if (filter.Host is { } host)
        {
            var h = host.ToLowerInvariant();
            entries = entries.Where(e => e.Host != null && e.Host.ToLower() == h);
        }

        if (filter.Action is { } action)
        {
            var a = action.ToLowerInvariant();
            entries = entries.Where(e => e.Action.ToLower() == a);
        }

        if (filter.Result is { } result)
        {
            var r = result.ToLowerInvariant();
            entries = entries.Where(e => e.Result.ToLower() == r);
        }

        if (filter.Channel is { } channel)
        {
            var c = channel.ToLowerInvariant();
            entries = entries.Where(e => e.Channel.ToLower() == c);
        }

        if (filter.From is { } from)
        {
            entries = entries.Where(e => e.StartedAt >= from);
        }

        if (filter.To is { } to)
        {
            entries = entries.Where(e => e.StartedAt < to);
        }

        if (filter.Text is { } text)
        {
            var t = text.ToLowerInvariant();
            entries = entries.Where(e =>
                e.Actor.ToLower().Contains(t)
                || (e.Host != null && e.Host.ToLower().Contains(t))
                || (e.VmName != null && e.VmName.ToLower().Contains(t))
                || e.Action.ToLower().Contains(t)
                || (e.Message != null && e.Message.ToLower().Contains(t))
                || (e.HostError != null && e.HostError.ToLower().Contains(t)));
        }
#pragma warning restore CA1304, CA1311, CA1862

        return entries;
    }
}
