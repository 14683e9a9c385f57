using NestedHvDashboard.Core.Operations;

namespace NestedHvDashboard.Web.Operations;

/// <summary>One thing the dashboard did or tried.</summary>
/// <param name="Time">When it ended (UTC).</param>
/// <param name="Host">The host, or null for an entry about many hosts (a bulk run's start and end).</param>
/// <param name="VmName">The VM's name, or null for an entry not about one VM.</param>
/// <param name="VmId">The VM's id, or null.</param>
/// <param name="Action">What was tried, e.g. "Enable nested" or "Bulk disable nested".</param>
/// <param name="Outcome">How it ended: an <see cref="OperationOutcome"/> name, "Deferred", "Started" or "Ended".</param>
/// <param name="Message">One line for the user.</param>
/// <param name="HostMessage">What the host said, verbatim, when it said something.</param>
public sealed record ActivityEntry(
    DateTimeOffset Time,
    string? Host,
    string? VmName,
    Guid? VmId,
    string Action,
    string Outcome,
    string Message,
    string? HostMessage);

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
/// The dashboard's in-memory record of nested virtualization changes, newest kept, oldest dropped beyond
/// <see cref="Capacity"/>. Thread-safe; <see cref="Appended"/> is raised outside the lock on the appending thread.
/// </summary>
public sealed class ActivityLog(TimeProvider time, int capacity = ActivityLog.DefaultCapacity)
{
    /// <summary>Entries kept by default.</summary>
    public const int DefaultCapacity = 2000;

    private readonly Lock _gate = new();
    private readonly Queue<ActivityEntry> _entries = new();

    /// <summary>Raised after an entry was added.</summary>
    public event Action<ActivityEntry>? Appended;

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    /// <summary>Every entry kept, newest first.</summary>
    public IReadOnlyList<ActivityEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries.Reverse()];
            }
        }
    }

    /// <summary>Adds an entry, dropping the oldest beyond <see cref="Capacity"/>.</summary>
    public void Append(ActivityEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            _entries.Enqueue(entry);
            while (_entries.Count > Capacity)
            {
                _entries.Dequeue();
            }
        }

        Appended?.Invoke(entry);
    }

    /// <summary>Records how a one-VM change ended (the VM page's switch, or one VM of a bulk run).</summary>
    public ActivityEntry Record(OperationResult result, bool enable, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var action = $"{source}{(source is null ? "" : " ")}{(enable ? "enable" : "disable")} nested";
        var entry = new ActivityEntry(
            time.GetUtcNow(), result.HostName, result.VmName, result.VmId, Capitalized(action), result.Outcome.ToString(), result.Message, result.HostMessage);
        Append(entry);
        return entry;
    }

    /// <summary>Records the result (as <see cref="Record"/>) and returns it, for callers that pass it on.</summary>
    public OperationResult Recorded(OperationResult result, bool enable, string? source = null)
    {
        Record(result, enable, source);
        return result;
    }

    /// <summary>Records an entry that is not one VM's result (a bulk run starting or ending, a deferred change).</summary>
    public ActivityEntry Note(string? host, string? vmName, Guid? vmId, string action, string outcome, string message)
    {
        var entry = new ActivityEntry(time.GetUtcNow(), host, vmName, vmId, action, outcome, message, null);
        Append(entry);
        return entry;
    }

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
