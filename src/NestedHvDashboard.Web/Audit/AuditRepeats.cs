using Microsoft.EntityFrameworkCore;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Audit;

/// <summary>Repeated denials: counted on one row instead of one row each.</summary>
public sealed partial class DbAuditTrail
{
    /// <summary>
    /// A denial the same user makes again through the same channel from the same address, with the same action on the same host and VM, within
    /// this time of the first one is counted on that row (<see cref="AuditEntry.RepeatCount"/>); after it, a new row starts.
    /// </summary>
    public static readonly TimeSpan RepeatWindow = TimeSpan.FromMinutes(1);

    /// <summary>The id of the row a repeated denial was counted on, or null when it is not one (store a new row).</summary>
    private async Task<long?> CountRepeatedDenialAsync(AuditStart start, AuditCompletion completion, CancellationToken cancellationToken)
    {
        if (completion.Result != AuditResults.Denied)
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var since = now - RepeatWindow;
        var (actor, channel, address, action, host, vm) = (start.Actor.Name, start.Actor.Channel, start.Actor.RemoteAddress, start.Action, start.Host, start.VmName);
        await using var db = await database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var first = await db.AuditEntries
            .Where(e => e.Result == AuditResults.Denied && e.Actor == actor && e.Channel == channel && e.RemoteAddress == address && e.Action == action
                && e.Host == host && e.VmName == vm && e.VmId == start.VmId && e.StartedAt >= since)
            .OrderByDescending(e => e.Id)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (first is null)
        {
            return null;
        }

        // One UPDATE that adds 1 in the database: two denials at once both count.
        var counted = await db.AuditEntries.Where(e => e.Id == first.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.RepeatCount, e => e.RepeatCount + 1).SetProperty(e => e.CompletedAt, now), cancellationToken)
            .ConfigureAwait(false);
        if (counted == 0)
        {
            return null;
        }

        first.RepeatCount++;
        first.CompletedAt = now;
        LogRepeated(logger, first.Id, first.Actor, first.Action, first.Host, first.VmName, first.RepeatCount);
        Changed?.Invoke(first);
        return first.Id;
    }

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information,
        Message = "Audit {AuditId}: {Actor}'s {Action} on host {Host} VM {VmName} denied again, {RepeatCount} times so far")]
    private static partial void LogRepeated(ILogger logger, long auditId, string actor, string action, string? host, string? vmName, int repeatCount);
}
