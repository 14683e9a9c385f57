using Microsoft.EntityFrameworkCore;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Networking;

/// <summary>
/// At start (after entries a crash left open were marked Interrupted), gives <see cref="GuestInstalls"/> each VM's latest Hyper-V
/// install from the audit trail, so the VM page still says how it ended after the app restarted.
/// </summary>
public sealed class RestoredGuestInstalls(IDbContextFactory<DashboardDbContext> database, GuestInstalls installs) : IDatabaseStartupStep
{
    /// <inheritdoc />
    public int Order => 210;

    /// <inheritdoc />
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var ended = await db.AuditEntries.AsNoTracking()
            .Where(e => e.Action == GuestSetup.InstallAction && e.Result != AuditResults.Started)
            .OrderByDescending(e => e.Id)
            .Take(GuestInstalls.Capacity * 4)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        installs.Restore(ended);
    }
}
