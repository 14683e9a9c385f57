using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Notifications;

/// <summary>One long action in a user's notification centre, as its audit entry last said.</summary>
/// <param name="AuditId">Its audit entry (Activity opens it at <c>/activity?entry=ID</c>).</param>
/// <param name="Action">What was done, e.g. "Bulk enable nested", "Install Hyper-V in guest".</param>
/// <param name="Subject">What it was done to: "VM 'x' on host 'h'", "12 VMs on 3 hosts", or the host.</param>
/// <param name="Result">An <see cref="AuditResults"/> value; Started while it runs.</param>
/// <param name="Message">The entry's message (where it is, or how it ended).</param>
/// <param name="StartedAt">When it started (UTC).</param>
/// <param name="EndedAt">When it ended (UTC); null while it runs.</param>
public sealed record ActionNotice(long AuditId, string Action, string Subject, string Result, string? Message, DateTimeOffset StartedAt, DateTimeOffset? EndedAt)
{
    /// <summary>True while it runs.</summary>
    public bool IsRunning => Result == AuditResults.Started;

    /// <summary>Where Activity shows its entry.</summary>
    public string ActivityHref => $"/activity?entry={AuditId}";

    /// <summary>How long it took, or has taken so far at <paramref name="now"/>.</summary>
    public TimeSpan Elapsed(DateTimeOffset now) => (EndedAt ?? now) - StartedAt;
}

/// <summary>
/// The notification centre's feed: each user's running and finished long actions (bulk runs, Hyper-V installs, new VMs, guest
/// NAT, and any other audited change that runs longer than <see cref="LongAfter"/>), fed live by the audit trail. In memory and
/// bounded: at most <see cref="PerUser"/> notices per user and <see cref="Users"/> users (the longest quiet go first).
/// </summary>
public sealed class ActionNotifications : IDisposable
{
    /// <summary>Notices kept per user (the oldest finished go first).</summary>
    public const int PerUser = 30;

    /// <summary>Users kept.</summary>
    public const int Users = 200;

    /// <summary>Any audited change running at least this long is a long action.</summary>
    public static readonly TimeSpan LongAfter = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Inbox> _inboxes = new(StringComparer.OrdinalIgnoreCase);
    private readonly IAuditTrail _audit;
    private readonly TimeProvider _time;

    public ActionNotifications(IAuditTrail audit, TimeProvider time)
    {
        _audit = audit ?? throw new ArgumentNullException(nameof(audit));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _audit.Changed += OnAuditChanged;
    }

    /// <summary>Raised, on the writing thread, with the user whose notices changed.</summary>
    public event Action<string>? Changed;

    /// <summary>
    /// True for an action that is long by its nature (shown from its first second): a run over many VMs, a guest's Hyper-V or NAT,
    /// a new VM, a cascade; the actions other parts name "Bulk …" too.
    /// </summary>
    public static bool IsLongByNature(string action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return action.StartsWith("Bulk ", StringComparison.OrdinalIgnoreCase)
            || action.Contains("Hyper-V", StringComparison.OrdinalIgnoreCase)
            || action.Contains("NAT", StringComparison.Ordinal)
            || (action.StartsWith("New ", StringComparison.OrdinalIgnoreCase) && action.Contains("VM", StringComparison.Ordinal))
            || action.Contains("Create VM", StringComparison.OrdinalIgnoreCase)
            || action.Contains("cascade", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The user's notices, newest first: the long ones, and the others once they ran <see cref="LongAfter"/>.</summary>
    public IReadOnlyList<ActionNotice> For(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            return _inboxes.TryGetValue(user, out var inbox)
                ? [.. inbox.Notices.Values.Where(n => n.Long || n.Notice.Elapsed(now) >= LongAfter).Select(n => n.Notice).OrderByDescending(n => n.AuditId)]
                : [];
        }
    }

    /// <summary>True while any change of the user runs, a short one too (it becomes a notice once it ran <see cref="LongAfter"/>).</summary>
    public bool HasRunning(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_gate)
        {
            return _inboxes.TryGetValue(user, out var inbox) && inbox.Notices.Values.Any(n => n.Notice.IsRunning);
        }
    }

    /// <summary>How many of the user's notices the badge counts: the running ones and those that ended since the user last looked.</summary>
    public int Unseen(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var shown = For(user).Select(n => n.AuditId).ToHashSet();
        lock (_gate)
        {
            return _inboxes.TryGetValue(user, out var inbox)
                ? inbox.Notices.Values.Count(n => shown.Contains(n.Notice.AuditId) && (n.Notice.IsRunning || !n.Seen))
                : 0;
        }
    }

    /// <summary>The user opened the list: what ended so far is seen.</summary>
    public void MarkSeen(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_gate)
        {
            if (_inboxes.TryGetValue(user, out var inbox))
            {
                foreach (var tracked in inbox.Notices.Values.Where(n => !n.Notice.IsRunning))
                {
                    tracked.Seen = true;
                }
            }
        }

        Changed?.Invoke(user);
    }

    /// <summary>Drops the user's finished notices (the running ones stay).</summary>
    public void ClearFinished(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_gate)
        {
            if (_inboxes.TryGetValue(user, out var inbox))
            {
                foreach (var id in inbox.Notices.Where(n => !n.Value.Notice.IsRunning).Select(n => n.Key).ToList())
                {
                    inbox.Notices.Remove(id);
                }
            }
        }

        Changed?.Invoke(user);
    }

    /// <summary>
    /// Rebuilds the notices from the audit trail's recent entries after the app started (the list is in memory): each finished
    /// long action is listed again as its entry ended, Interrupted for one the app stopped during. Those the app stopped during
    /// count as new for the badge; the others were shown before the restart. Entries recorded as ended at once (a denial, a
    /// refusal by validation) stay out, as they do live.
    /// </summary>
    public void Restore(IEnumerable<AuditEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var users = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        lock (_gate)
        {
            foreach (var entry in entries.Where(e => e.Result != AuditResults.Started && !EndedAtOnce(e)).OrderBy(e => e.Id))
            {
                if (Take(entry, restoring: true) && _inboxes[entry.Actor].Notices.TryGetValue(entry.Id, out var tracked))
                {
                    tracked.Seen = entry.Result != AuditResults.Interrupted;
                    users.Add(entry.Actor);
                }
            }
        }

        foreach (var user in users)
        {
            Changed?.Invoke(user);
        }
    }

    public void Dispose() => _audit.Changed -= OnAuditChanged;

    // Recorded complete in one write (RecordAsync, its two clock reads microseconds apart): it never ran, so it was never a
    // running action. A change that ran was written twice, at least one database write apart.
    private static bool EndedAtOnce(AuditEntry entry) =>
        entry.Result is AuditResults.Denied or AuditResults.Refused or AuditResults.Deferred
        && entry.CompletedAt - entry.StartedAt < TimeSpan.FromMilliseconds(1);

    private void OnAuditChanged(AuditEntry entry)
    {
        string user;
        lock (_gate)
        {
            user = entry.Actor;
            if (!Take(entry))
            {
                return;
            }
        }

        Changed?.Invoke(user);
    }

    // Called under _gate. A change begins as Started (a denial or refusal recorded at once is not a long action) and ends later.
    private bool Take(AuditEntry entry, bool restoring = false)
    {
        var started = new DateTimeOffset(DateTime.SpecifyKind(entry.StartedAt, DateTimeKind.Utc));
        DateTimeOffset? ended = entry.CompletedAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
        var known = _inboxes.TryGetValue(entry.Actor, out var existing) && existing.Notices.ContainsKey(entry.Id);
        if (!known && entry.Result != AuditResults.Started && !restoring)
        {
            return false;
        }

        var inbox = InboxOf(entry.Actor);
        if (!known && entry.Host is null && entry.CorrelationId is { } run)
        {
            inbox.Runs.Add(run);
        }
        else if (!known && entry.Host is not null && entry.CorrelationId is { } part && inbox.Runs.Contains(part))
        {
            // A VM's line of a bulk run: the run's own notice stands for it.
            return false;
        }

        var notice = new ActionNotice(entry.Id, entry.Action, SubjectOf(entry), entry.Result, entry.Message, started, ended);
        var isLong = IsLongByNature(entry.Action);
        if (!isLong && ended - started < LongAfter)
        {
            // A quick change is no news: it is in Activity.
            inbox.Notices.Remove(entry.Id);
            return known;
        }

        inbox.Notices[entry.Id] = new Tracked(notice, isLong);
        inbox.LastAt = _time.GetUtcNow();
        Trim(inbox);
        return true;
    }

    private static string SubjectOf(AuditEntry entry) =>
        entry.VmName is { } vm ? $"VM '{vm}'{(entry.Host is { } host ? $" on host '{host}'" : "")}"
        : entry.Host is { } onHost ? $"host '{onHost}'"
        : entry.Before ?? "";

    // Called under _gate.
    private Inbox InboxOf(string user)
    {
        if (!_inboxes.TryGetValue(user, out var inbox))
        {
            if (_inboxes.Count >= Users)
            {
                _inboxes.Remove(_inboxes.MinBy(i => i.Value.LastAt).Key);
            }

            inbox = new Inbox { LastAt = _time.GetUtcNow() };
            _inboxes[user] = inbox;
        }

        return inbox;
    }

    // Called under _gate: the oldest finished notices go first; running ones are kept (they end, and are then trimmed).
    private static void Trim(Inbox inbox)
    {
        var over = inbox.Notices.Count - PerUser;
        foreach (var id in inbox.Notices.Where(n => !n.Value.Notice.IsRunning).Select(n => n.Key).Order().Take(Math.Max(0, over)).ToList())
        {
            inbox.Notices.Remove(id);
        }

        if (inbox.Runs.Count > PerUser * 4)
        {
            inbox.Runs.Clear();
        }
    }

    private sealed class Tracked(ActionNotice notice, bool isLong)
    {
        public ActionNotice Notice { get; } = notice;

        public bool Long { get; } = isLong;

        /// <summary>True once the user opened the list after it ended.</summary>
        public bool Seen { get; set; }
    }

    private sealed class Inbox
    {
        public Dictionary<long, Tracked> Notices { get; } = [];

        public HashSet<Guid> Runs { get; } = [];

        public DateTimeOffset LastAt { get; set; }
    }
}
