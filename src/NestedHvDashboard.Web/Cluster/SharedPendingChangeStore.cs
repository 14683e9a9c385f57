using Microsoft.EntityFrameworkCore;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.NestedSwitching;
using StackExchange.Redis;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>
/// The pending "apply at next shutdown" changes in the shared database, a row at a time (never "replace them all", which would
/// undo another instance's add), with a claim that lets exactly one instance apply a change. After each write the other
/// instances are told on the Redis channel <c>nhv:pending</c> to read the list again (<see cref="PendingChangesRefresh"/>).
/// </summary>
public sealed partial class SharedPendingChangeStore(
    IDbContextFactory<DashboardDbContext> database,
    DatabaseSettings settings,
    ClusterSettings cluster,
    IConnectionMultiplexer redis,
    ILogger<SharedPendingChangeStore> logger) : DatabaseStore(database, settings), ISharedPendingChangeStore
{
    // PostgreSQL keeps microseconds, the clock gives ticks: a change read back may differ from the one saved by less than this.
    private static readonly TimeSpan SameTime = TimeSpan.FromMilliseconds(1);

    /// <summary>The channel every write is announced on (the message is the writing instance's id).</summary>
    public static RedisChannel Channel(ClusterSettings cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return RedisChannel.Literal(cluster.Key("pending"));
    }

    /// <inheritdoc />
    /// <remarks>When the database cannot be read, the failure is logged and the app starts with none (the refresh reads them again).</remarks>
    public async Task<IReadOnlyList<PendingNestedChange>> LoadAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
        {
            LogUnreadable(logger, ex, Settings.Description);
            return [];
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PendingNestedChange>> ReadAsync(CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var db = await Database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            var rows = await db.PendingChanges.AsNoTracking().OrderBy(c => c.RequestedAt).ThenBy(c => c.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.Select(DatabasePendingChangeStore.ToChange)];
        }
        finally
        {
            Leave();
        }
    }

    /// <inheritdoc />
    /// <remarks>Never used by <see cref="PendingNestedChanges"/> on a shared store: replacing them all would undo other instances' changes.</remarks>
    public Task SaveAsync(IReadOnlyList<PendingNestedChange> changes, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Pending changes shared by several instances are saved a row at a time.");

    /// <inheritdoc />
    /// <exception cref="DatabaseSaveException">The database refused or failed; what was stored before stays.</exception>
    public Task PutAsync(PendingNestedChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        return WriteAsync($"the pending change on VM '{change.VmName}' on host '{change.HostName}'", async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await OfVm(db, change.HostName, change.VmId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            db.PendingChanges.Add(DatabasePendingChangeStore.ToRow(change));
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="DatabaseSaveException">The database refused or failed.</exception>
    public Task<bool> DeleteAsync(string hostName, Guid vmId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        return WriteAsync($"the removal of the pending change on VM {vmId} on host '{hostName}'",
            async db => await OfVm(db, hostName, vmId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) > 0, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One DELETE of exactly this change's row: the database lets only one instance's delete find it.</remarks>
    public Task<bool> ClaimAsync(PendingNestedChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var (from, to) = (change.RequestedAt.UtcDateTime - SameTime, change.RequestedAt.UtcDateTime + SameTime);
        return WriteAsync($"the claim of the pending change on VM '{change.VmName}' on host '{change.HostName}'", async db =>
            await OfVm(db, change.HostName, change.VmId)
                .Where(c => c.Enable == change.Enable && c.RequestedAt >= from && c.RequestedAt <= to)
                .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) == 1,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RestoreAsync(PendingNestedChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        return WriteAsync($"the pending change on VM '{change.VmName}' on host '{change.HostName}', put back", async db =>
        {
            if (await OfVm(db, change.HostName, change.VmId).AnyAsync(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            db.PendingChanges.Add(DatabasePendingChangeStore.ToRow(change));
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (DbUpdateException)
            {
                // Another instance saved a newer change for the VM meanwhile (the unique index): that one stays.
                return false;
            }
        }, cancellationToken);
    }

    private static IQueryable<StoredPendingChange> OfVm(DashboardDbContext db, string hostName, Guid vmId)
    {
        var normalized = hostName.ToUpperInvariant();
        return db.PendingChanges.Where(c => c.NormalizedHostName == normalized && c.VmId == vmId);
    }

    private async Task<bool> WriteAsync(string what, Func<DashboardDbContext, Task<bool>> write, CancellationToken cancellationToken)
    {
        bool written;
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var db = await Database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            written = await write(db).ConfigureAwait(false);
        }
        catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
        {
            throw DatabaseSaveException.For(what, Settings, ex);
        }
        finally
        {
            Leave();
        }

        if (written)
        {
            await AnnounceAsync().ConfigureAwait(false);
        }

        return written;
    }

    // Best effort: an instance that misses the message reads the list again at its next periodic refresh.
    private async Task AnnounceAsync()
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(Channel(cluster), cluster.InstanceId).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogNotAnnounced(logger, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The pending changes could not be read from the {Database}; the app starts with none and reads them again at the next refresh")]
    private static partial void LogUnreadable(ILogger logger, Exception error, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The other instances could not be told that the pending changes changed ({Reason}); they read them again at their next refresh")]
    private static partial void LogNotAnnounced(ILogger logger, string reason);
}
