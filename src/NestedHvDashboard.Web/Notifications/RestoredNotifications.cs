using Microsoft.EntityFrameworkCore;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Notifications;

/// <summary>
/// At start (after entries a crash left open were marked Interrupted), gives <see cref="ActionNotifications"/> the audit trail's
/// recent entries, so the bell still lists the last long actions after the app restarted.
/// </summary>
public sealed class RestoredNotifications(IDbContextFactory<DashboardDbContext> database, ActionNotifications notifications, TimeProvider time) : IDatabaseStartupStep
{
    /// <summary>How far back the bell looks: older actions are in Activity.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(7);

    /// <summary>The newest entries read at most (a bulk run writes one per VM; most are short changes the bell leaves out).</summary>
    public const int MostEntries = 5000;

    /// <inheritdoc />
    public int Order => 200;

    /// <inheritdoc />
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow().UtcDateTime - Window;
        await using var db = await database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var recent = await db.AuditEntries.AsNoTracking()
            .Where(e => e.StartedAt >= since && e.Result != AuditResults.Started)
            .OrderByDescending(e => e.Id)
            .Take(MostEntries)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        notifications.Restore(recent);
    }
}
