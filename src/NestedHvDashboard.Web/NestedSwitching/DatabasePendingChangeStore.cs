using Microsoft.EntityFrameworkCore;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.NestedSwitching;

/// <summary>
/// The pending "apply at next shutdown" changes in the database (<see cref="StoredPendingChange"/>). Every save replaces
/// them all in one transaction, so a failure leaves the previous list, never half of one.
/// </summary>
public sealed partial class DatabasePendingChangeStore : DatabaseStore, IPendingChangeStore
{
    /// <summary>The file earlier versions kept them in, in the data folder; imported once by <see cref="EarlierFilesImport"/>.</summary>
    public const string FileName = "pending-changes.json";

    private readonly ILogger<DatabasePendingChangeStore> _logger;

    public DatabasePendingChangeStore(IDbContextFactory<DashboardDbContext> database, DatabaseSettings settings, ILogger<DatabasePendingChangeStore> logger)
        : base(database, settings)
    {
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <inheritdoc />
    /// <remarks>When the database cannot be read, the failure is logged (naming it) and the app starts with no pending change.</remarks>
    public async Task<IReadOnlyList<PendingNestedChange>> LoadAsync(CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var db = await Database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            var rows = await db.PendingChanges.AsNoTracking().OrderBy(c => c.RequestedAt).ThenBy(c => c.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.Select(ToChange)];
        }
        catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
        {
            LogUnreadable(ex, Settings.Description);
            return [];
        }
        finally
        {
            Leave();
        }
    }

    /// <inheritdoc />
    /// <exception cref="DatabaseSaveException">The database refused or failed; the changes stored before are left as they were.</exception>
    public async Task SaveAsync(IReadOnlyList<PendingNestedChange> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var rows = changes.Select(ToRow).ToList();
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var db = await Database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await db.PendingChanges.ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            db.PendingChanges.AddRange(rows);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
        {
            throw DatabaseSaveException.For($"the {changes.Count} pending change(s) to apply at next shutdown", Settings, ex);
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>The row for <paramref name="change"/>.</summary>
    internal static StoredPendingChange ToRow(PendingNestedChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new StoredPendingChange
        {
            HostName = change.HostName,
            NormalizedHostName = change.HostName.ToUpperInvariant(),
            VmId = change.VmId,
            VmName = change.VmName,
            Enable = change.Enable,
            EnableMacAddressSpoofing = change.EnableMacAddressSpoofing,
            DisableDynamicMemory = change.DisableDynamicMemory,
            RequestedAt = change.RequestedAt.UtcDateTime,
        };
    }

    /// <summary>The change a row holds.</summary>
    internal static PendingNestedChange ToChange(StoredPendingChange row) => new(
        row.HostName,
        row.VmId,
        row.VmName,
        row.Enable,
        row.EnableMacAddressSpoofing,
        new DateTimeOffset(row.RequestedAt, TimeSpan.Zero),
        row.DisableDynamicMemory);

    [LoggerMessage(Level = LogLevel.Error, Message = "The pending changes could not be read from the {Database}; the app starts with no pending change")]
    private partial void LogUnreadable(Exception error, string database);
}
