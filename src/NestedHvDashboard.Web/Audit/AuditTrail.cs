using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Cluster;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Audit;

/// <summary>What a change attempt is, written before it runs.</summary>
/// <param name="Actor">Who, through what, from where.</param>
/// <param name="Action">What is tried, e.g. "Enable nested".</param>
/// <param name="Host">The host, or null for an attempt about many hosts.</param>
/// <param name="VmName">The VM's name, or null.</param>
/// <param name="VmId">The VM's id, or null.</param>
/// <param name="Parameters">The request's parameters (serialized as JSON; never pass a secret).</param>
/// <param name="Before">The state before, in a line or as JSON.</param>
/// <param name="CorrelationId">Groups a bulk run's entries, or an API operation's.</param>
public sealed record AuditStart(
    Actor Actor,
    string Action,
    string? Host,
    string? VmName,
    Guid? VmId,
    object? Parameters = null,
    string? Before = null,
    Guid? CorrelationId = null);

/// <summary>How a change attempt ended.</summary>
/// <param name="Result">An <see cref="AuditResults"/> value.</param>
/// <param name="Message">One line for the user.</param>
/// <param name="After">The state after.</param>
/// <param name="HostError">What the host said, verbatim.</param>
public sealed record AuditCompletion(string Result, string? Message, string? After = null, string? HostError = null);

/// <summary>The results an audit entry can have.</summary>
public static class AuditResults
{
    public const string Started = "Started";
    public const string Succeeded = "Succeeded";

    /// <summary>A run over many VMs in which some were changed and others were refused, busy, failed or canceled.</summary>
    public const string Partial = "Partial";
    public const string Failed = "Failed";
    public const string Refused = "Refused";
    public const string Denied = "Denied";
    public const string Deferred = "Deferred";
    public const string Canceled = "Canceled";
    public const string Interrupted = "Interrupted";

    /// <summary>A step's own limit ran out while the host was still at it; the host was left to finish.</summary>
    public const string StillRunning = "StillRunning";
}

/// <summary>
/// The audit trail: every change attempt is stored before it runs (<see cref="BeginAsync"/>) and completed after
/// (<see cref="CompleteAsync"/>); a structured Serilog event accompanies both.
/// </summary>
public interface IAuditTrail
{
    /// <summary>Stores the attempt with result "Started"; returns its id. Throws when it cannot be stored: then the change must not run.</summary>
    Task<long> BeginAsync(AuditStart start, CancellationToken cancellationToken = default);

    /// <summary>Completes the attempt <paramref name="id"/>.</summary>
    Task CompleteAsync(long id, AuditCompletion completion, CancellationToken cancellationToken = default);

    /// <summary>Stores an attempt that ended at once (denied, refused by validation, deferred); returns its id.</summary>
    Task<long> RecordAsync(AuditStart start, AuditCompletion completion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores where a running attempt <paramref name="id"/> is (its current step) as the message of its still Started entry, before
    /// the step runs, so that an entry the next start marks Interrupted says where the change stopped. Best effort: a note the
    /// database refuses is logged, and the change goes on.
    /// </summary>
    void NoteProgress(long id, string note)
    {
    }

    /// <summary>Raised after an entry was stored or completed (on the writing thread).</summary>
    event Action<AuditEntry>? Changed;
}

/// <summary>
/// The audit trail in the dashboard's database. Its writes go one at a time (concurrent changes never race each other for
/// the database's write lock), and a completion the database refuses is kept and retried until it is stored or the app
/// stops: by then the host has changed, so the entry must not stay "Started" and the change must not be reported failed.
/// </summary>
/// <remarks>
/// Every entry names the instance that ran it (<see cref="AuditEntry.Instance"/>, from <see cref="ClusterSettings.InstanceId"/>),
/// so in cluster mode an instance marks Interrupted at start only its own entries (<see cref="MarkInterruptedAsync(CancellationToken)"/>),
/// and those of an instance that died are marked by the one that took its host over (<see cref="InterruptAsync"/>).
/// </remarks>
public sealed partial class DbAuditTrail(
    IDbContextFactory<DashboardDbContext> database,
    TimeProvider time,
    ILogger<DbAuditTrail> logger,
    IHostApplicationLifetime? lifetime = null,
    ClusterSettings? cluster = null) : IAuditTrail, IDisposable
{
    /// <summary>The instance that writes the entries: this one's id (the machine's name when no settings were given, as in tests).</summary>
    public string Instance { get; } = cluster?.InstanceId ?? Environment.MachineName;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _writer = new(1, 1);

    private int _completionsWaiting;

    /// <summary>Completions the database refused so far and that are being retried.</summary>
    public int CompletionsWaiting => Volatile.Read(ref _completionsWaiting);

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();

    /// <inheritdoc />
    public event Action<AuditEntry>? Changed;

    /// <inheritdoc />
    public async Task<long> BeginAsync(AuditStart start, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        var entry = NewEntry(AuditColumns.Fit(start));
        entry.Result = AuditResults.Started;
        await AddAsync(entry, cancellationToken).ConfigureAwait(false);

        LogStarted(logger, entry.Id, entry.Actor, entry.Role ?? "-", entry.Channel, entry.RemoteAddress ?? "-", entry.Action, Shown(entry.Host), Shown(entry.VmName), Shown(entry.Parameters));
        Changed?.Invoke(entry);
        return entry.Id;
    }

    /// <summary>
    /// Completes the attempt <paramref name="id"/>. When the database refuses it (locked, full), the completion is logged,
    /// kept and retried in the background until it is stored or the app stops; this method then returns without it.
    /// </summary>
    public async Task CompleteAsync(long id, AuditCompletion completion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var completedAt = time.GetUtcNow().UtcDateTime;
        try
        {
            await StoreCompletionAsync(id, completion, completedAt, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
        {
            LogCompletionWaits(logger, ex, id, completion.Result, completion.Message, completion.HostError);
            Interlocked.Increment(ref _completionsWaiting);
            _ = KeepCompletingAsync(id, completion, completedAt);
        }
    }

    /// <inheritdoc />
    public async Task<long> RecordAsync(AuditStart start, AuditCompletion completion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(completion);
        start = AuditColumns.Fit(start);
        if (await CountRepeatedDenialAsync(start, completion, cancellationToken).ConfigureAwait(false) is { } repeated)
        {
            return repeated;
        }

        var entry = NewEntry(start);
        Apply(entry, completion, time.GetUtcNow().UtcDateTime);
        await AddAsync(entry, cancellationToken).ConfigureAwait(false);

        LogCompleted(logger, entry.Id, entry.Actor, entry.Action, entry.Host, entry.VmName, entry.Result, entry.Message, entry.HostError);
        Changed?.Invoke(entry);
        return entry.Id;
    }

    /// <summary>
    /// Synchronous on purpose: it is called from a step's progress report, and the note must be stored before the step's
    /// cmdlet goes to the host (a kill -9 during the cmdlet then finds the note). Only a Started entry takes it, so a note can
    /// never overwrite a completion.
    /// </summary>
    public void NoteProgress(long id, string note)
    {
        ArgumentNullException.ThrowIfNull(note);
        _writer.Wait();
        try
        {
            using var db = database.CreateDbContext();
            db.AuditEntries.Where(e => e.Id == id && e.Result == AuditResults.Started).ExecuteUpdate(set => set.SetProperty(e => e.Message, note));
        }
        catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
        {
            LogProgressLost(logger, ex, id, note);
        }
        finally
        {
            _writer.Release();
        }
    }

    private async Task AddAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var db = await database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            db.AuditEntries.Add(entry);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writer.Release();
        }
    }

    private async Task StoreCompletionAsync(long id, AuditCompletion completion, DateTime completedAt, CancellationToken cancellationToken)
    {
        AuditEntry entry;
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var db = await database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            entry = await db.AuditEntries.FindAsync([id], cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"There is no audit entry {id} to complete.");
            Apply(entry, completion, completedAt);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writer.Release();
        }

        LogCompleted(logger, entry.Id, entry.Actor, entry.Action, entry.Host, entry.VmName, entry.Result, entry.Message, entry.HostError);
        Changed?.Invoke(entry);
    }

    // The change has happened on the host: its entry is completed however long the database takes, until the app stops
    // (then the next start marks it Interrupted, and this log line said how it really ended).
    private async Task KeepCompletingAsync(long id, AuditCompletion completion, DateTime completedAt)
    {
        var stopping = lifetime?.ApplicationStopping ?? CancellationToken.None;
        var delay = TimeSpan.FromMilliseconds(200);
        try
        {
            while (true)
            {
                await Task.Delay(delay, stopping).ConfigureAwait(false);
                try
                {
                    await StoreCompletionAsync(id, completion, completedAt, stopping).ConfigureAwait(false);
                    LogCompletionStored(logger, id);
                    return;
                }
                catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
                {
                    delay = delay * 2 < MaxRetryDelay ? delay * 2 : MaxRetryDelay;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // The app is stopping (its services disposed): what the entry should have said stays in the log.
            LogCompletionLost(logger, id, completion.Result, completion.Message);
        }
        finally
        {
            Interlocked.Decrement(ref _completionsWaiting);
        }
    }

    private AuditEntry NewEntry(AuditStart start) => new()
    {
        StartedAt = time.GetUtcNow().UtcDateTime,
        Actor = start.Actor.Name,
        Role = start.Actor.Role,
        Channel = start.Actor.Channel,
        RemoteAddress = start.Actor.RemoteAddress,
        Host = start.Host,
        VmName = start.VmName,
        VmId = start.VmId,
        Action = start.Action,
        Parameters = start.Parameters is null ? null : start.Parameters as string ?? JsonSerializer.Serialize(start.Parameters, start.Parameters.GetType(), Json),
        Before = start.Before,
        CorrelationId = start.CorrelationId,
        Result = AuditResults.Started,
        Instance = Instance,
    };

    private static void Apply(AuditEntry entry, AuditCompletion completion, DateTime completedAt)
    {
        entry.Result = completion.Result;
        entry.Message = completion.Message;
        entry.After = completion.After;
        entry.HostError = completion.HostError;
        entry.CompletedAt = completedAt;
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information,
        Message = "Audit {AuditId}: {Actor} ({Role}, {Channel}, from {RemoteAddress}) started {Action} on host {Host} VM {VmName} with {Parameters}")]
    private static partial void LogStarted(ILogger logger, long auditId, string actor, string? role, string channel, string? remoteAddress, string action, string? host, string? vmName, string? parameters);

    // A value the entry has not (no host, no VM): a dash in the log line, never "null" or nothing.
    private static string Shown(string? value) => string.IsNullOrEmpty(value) ? "-" : value;

    // A change without a host error (most of them) ends its line with the message, not with "null".
    private static void LogCompleted(ILogger logger, long auditId, string actor, string action, string? host, string? vmName, string result, string? message, string? hostError)
    {
        if (hostError is null)
        {
            LogCompletedPlain(logger, auditId, actor, action, Shown(host), Shown(vmName), result, message ?? "");
        }
        else
        {
            LogCompletedWithHostError(logger, auditId, actor, action, Shown(host), Shown(vmName), result, message ?? "", hostError);
        }
    }

    private static void LogCompletionWaits(ILogger logger, Exception exception, long auditId, string result, string? message, string? hostError)
    {
        if (hostError is null)
        {
            LogCompletionWaitsPlain(logger, exception, auditId, result, message ?? "");
        }
        else
        {
            LogCompletionWaitsWithHostError(logger, exception, auditId, result, message ?? "", hostError);
        }
    }

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information,
        Message = "Audit {AuditId}: {Actor}'s {Action} on host {Host} VM {VmName} ended {Result}: {Message}")]
    private static partial void LogCompletedPlain(ILogger logger, long auditId, string actor, string action, string host, string vmName, string result, string message);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information,
        Message = "Audit {AuditId}: {Actor}'s {Action} on host {Host} VM {VmName} ended {Result}: {Message} The host said: {HostError}")]
    private static partial void LogCompletedWithHostError(ILogger logger, long auditId, string actor, string action, string host, string vmName, string result, string message, string hostError);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning,
        Message = "Audit {AuditId} ended {Result} ({Message}) but the database refused to store that; it is retried until stored or the dashboard stops")]
    private static partial void LogCompletionWaitsPlain(ILogger logger, Exception exception, long auditId, string result, string message);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning,
        Message = "Audit {AuditId} ended {Result} ({Message} The host said: {HostError}) but the database refused to store that; it is retried until stored or the dashboard stops")]
    private static partial void LogCompletionWaitsWithHostError(ILogger logger, Exception exception, long auditId, string result, string message, string hostError);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Information, Message = "Audit {AuditId}: its completion is stored now")]
    private static partial void LogCompletionStored(ILogger logger, long auditId);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "Audit {AuditId}: the database refused the change's progress ({Note}); the change goes on")]
    private static partial void LogProgressLost(ILogger logger, Exception exception, long auditId, string note);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Error,
        Message = "Audit {AuditId} ended {Result} ({Message}) but the dashboard stopped before the database took it; the next start marks it Interrupted")]
    private static partial void LogCompletionLost(ILogger logger, long auditId, string result, string? message);
}
