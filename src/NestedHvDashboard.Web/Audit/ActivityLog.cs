using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Audit;

/// <summary>
/// The audit trail as the Activity page reads it: pages of entries matching a filter (through <see cref="AuditQuery"/>),
/// the values the filters offer, and an event when an entry is stored or completed.
/// </summary>
public sealed class ActivityLog : IDisposable
{
    private readonly AuditQuery _query;
    private readonly IAuditTrail _audit;

    public ActivityLog(AuditQuery query, IAuditTrail audit)
    {
        _query = query ?? throw new ArgumentNullException(nameof(query));
        _audit = audit ?? throw new ArgumentNullException(nameof(audit));
        _audit.Changed += OnChanged;
    }

    /// <summary>Raised after an entry was stored or completed (on the writing thread).</summary>
    public event Action<AuditEntry>? Changed;

    /// <summary>The newest entries matching <paramref name="filter"/> older than <paramref name="beforeId"/>, newest first.</summary>
    public Task<AuditPage> ReadAsync(AuditFilter filter, long? beforeId = null, CancellationToken cancellationToken = default) =>
        _query.ReadAsync(filter, beforeId, AuditQuery.PageSize, cancellationToken);

    /// <summary>The entry <paramref name="id"/> (opened from a link, e.g. the notification centre's), or null when there is none.</summary>
    public Task<AuditEntry?> FindAsync(long id, CancellationToken cancellationToken = default) => _query.FindAsync(id, cancellationToken);

    /// <summary>The users, hosts, actions, results and channels the trail holds.</summary>
    public Task<AuditChoices> ChoicesAsync(CancellationToken cancellationToken = default) => _query.ChoicesAsync(cancellationToken);

    public void Dispose() => _audit.Changed -= OnChanged;

    private void OnChanged(AuditEntry entry) => Changed?.Invoke(entry);
}
