using Microsoft.EntityFrameworkCore;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Operations;

/// <summary>One thing the dashboard did or tried.</summary>
/// <param name="Time">When it ended (UTC).</param>
/// <param name="Host">The host, or null for an entry about many hosts (a bulk run's start and end).</param>
/// <param name="VmName">The VM's name, or null for an entry not about one VM.</param>
/// <param name="VmId">The VM's id, or null.</param>
/// <param name="Action">What was tried, e.g. "Enable nested" or "Bulk disable nested".</param>
/// <param name="Outcome">How it ended: an <c>OperationOutcome</c> name, "Deferred", "Started" or "Ended".</param>
/// <param name="Message">One line for the user.</param>
/// <param name="HostMessage">What the host said, verbatim, when it said something.</param>
/// <param name="Actor">Who asked for it.</param>
public sealed record ActivityEntry(
    DateTimeOffset Time,
    string? Host,
    string? VmName,
    Guid? VmId,
    string Action,
    string Outcome,
    string Message,
    string? HostMessage,
    string? Actor = null);

/// <summary>What the activity page shows: entries for a host, with an outcome, containing a text.</summary>
public sealed record ActivityQuery
{
    /// <summary>Only this host's entries (case-insensitive); null or empty for all.</summary>
    public string? Host { get; init; }

    /// <summary>Only entries with this outcome; null or empty for all.</summary>
    public string? Outcome { get; init; }

    /// <summary>Text found in the VM name, action, message or host message; empty for all.</summary>
    public string Text { get; init; } = "";

    public IReadOnlyList<ActivityEntry> Apply(IEnumerable<ActivityEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var text = Text.Trim();
        return [.. entries.Where(e =>
            (string.IsNullOrEmpty(Host) || string.Equals(e.Host, Host, StringComparison.OrdinalIgnoreCase))
            && (string.IsNullOrEmpty(Outcome) || string.Equals(e.Outcome, Outcome, StringComparison.OrdinalIgnoreCase))
            && (text.Length == 0
                || (e.VmName?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false)
                || e.Action.Contains(text, StringComparison.OrdinalIgnoreCase)
                || e.Message.Contains(text, StringComparison.OrdinalIgnoreCase)
                || (e.HostMessage?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false)))];
    }
}

/// <summary>
/// The audit trail as the activity page shows it: the newest <see cref="Capacity"/> entries, and an event when one is
/// stored or completed. The trail itself is in the database (<see cref="IAuditTrail"/>).
/// </summary>
public sealed class ActivityLog : IDisposable
{
    /// <summary>Entries read at most.</summary>
    public const int Capacity = 2000;

    private readonly IDbContextFactory<DashboardDbContext> _database;
    private readonly IAuditTrail _audit;

    public ActivityLog(IDbContextFactory<DashboardDbContext> database, IAuditTrail audit)
    {
        _database = database ?? throw new ArgumentNullException(nameof(database));
        _audit = audit ?? throw new ArgumentNullException(nameof(audit));
        _audit.Changed += OnChanged;
    }

    /// <summary>Raised after an entry was stored or completed (on the writing thread).</summary>
    public event Action<ActivityEntry>? Appended;

    /// <summary>The newest entries, newest first.</summary>
    public async Task<IReadOnlyList<ActivityEntry>> ReadAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await _database.CreateDbContextAsync(cancellationToken);
        var rows = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Id).Take(Capacity).ToListAsync(cancellationToken);
        return [.. rows.Select(Of)];
    }

    /// <summary>An audit entry as the page shows it.</summary>
    public static ActivityEntry Of(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new ActivityEntry(
            new DateTimeOffset(entry.CompletedAt ?? entry.StartedAt, TimeSpan.Zero), entry.Host, entry.VmName, entry.VmId,
            entry.Action, entry.Result, entry.Message ?? "", entry.HostError, entry.Actor);
    }

    public void Dispose() => _audit.Changed -= OnChanged;

    private void OnChanged(AuditEntry entry) => Appended?.Invoke(Of(entry));
}
