using Microsoft.EntityFrameworkCore;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Audit;

/// <summary>Entries a stopped dashboard left "Started": marked Interrupted at the next start, or by the instance that took over.</summary>
public sealed partial class DbAuditTrail
{
    /// <summary>
    /// Marks entries still "Started" from an earlier run (the app stopped while they ran) as "Interrupted", saying where the
    /// change was when the app stopped when its progress was noted (<see cref="NoteProgress"/>). In cluster mode only this
    /// instance's own: another instance's entry may be running now, and a dead one's is marked by the instance that takes over.
    /// </summary>
    public async Task<int> MarkInterruptedAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow().UtcDateTime;
        var started = db.AuditEntries.Where(e => e.Result == AuditResults.Started);
        if (cluster is { Enabled: true })
        {
            started = started.Where(e => e.Instance == Instance);
        }

        var open = await started.ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var entry in open)
        {
            entry.Result = AuditResults.Interrupted;
            entry.CompletedAt = now;
            entry.Message = InterruptedMessage(entry.Message);
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return open.Count;
    }

    /// <summary>The message of an entry the dashboard stopped during, with the progress noted while it ran (or null).</summary>
    public static string InterruptedMessage(string? progress) =>
        string.IsNullOrWhiteSpace(progress)
            ? "The dashboard stopped before this change ended; check the VM's state on the host."
            : $"The dashboard stopped before this change ended. {progress} Check the VM's state on the host.";

    /// <summary>
    /// The message of an entry whose instance (<paramref name="stopped"/>, null for an entry written before entries named
    /// theirs) stopped during it, marked by <paramref name="takenBy"/>, with the progress noted while it ran (or null).
    /// </summary>
    public static string InterruptedMessage(string? progress, string? stopped, string takenBy)
    {
        var who = stopped is null ? "The dashboard instance that ran this change" : $"Dashboard instance '{stopped}'";
        var noted = string.IsNullOrWhiteSpace(progress) ? " " : $" {progress} ";
        return $"{who} stopped before this change ended; instance '{takenBy}' took over and marked it Interrupted (the change was not run again).{noted}Check the VM's state on the host.";
    }

    /// <summary>The entries still "Started" whose instance is not among <paramref name="liveInstances"/> (entries without an instance included).</summary>
    public async Task<IReadOnlyList<AuditEntry>> StartedOutsideAsync(IReadOnlyCollection<string> liveInstances, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(liveInstances);
        var live = liveInstances.ToList();
        await using var db = await database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.AuditEntries.AsNoTracking()
            .Where(e => e.Result == AuditResults.Started && (e.Instance == null || !live.Contains(e.Instance)))
            .OrderBy(e => e.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks entry <paramref name="id"/> Interrupted with <paramref name="message"/> if it is still "Started" (never over a
    /// completion that arrived meanwhile), and raises <see cref="Changed"/> for it; false when it was not Started any more.
    /// </summary>
    public async Task<bool> InterruptAsync(long id, string message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var now = time.GetUtcNow().UtcDateTime;
        AuditEntry? entry;
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var db = await database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            var marked = await db.AuditEntries.Where(e => e.Id == id && e.Result == AuditResults.Started)
                .ExecuteUpdateAsync(set => set.SetProperty(e => e.Result, AuditResults.Interrupted).SetProperty(e => e.CompletedAt, now).SetProperty(e => e.Message, message), cancellationToken)
                .ConfigureAwait(false);
            entry = marked == 1 ? await db.AuditEntries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken).ConfigureAwait(false) : null;
        }
        finally
        {
            _writer.Release();
        }

        if (entry is null)
        {
            return false;
        }

        LogCompleted(logger, entry.Id, entry.Actor, entry.Action, entry.Host, entry.VmName, entry.Result, entry.Message, entry.HostError);
        Changed?.Invoke(entry);
        return true;
    }
}
