using Microsoft.EntityFrameworkCore;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.NestedSwitching;

/// <summary>
/// The pending "apply at next shutdown" changes in the database (<see cref="StoredPendingChange"/>). Every save replaces
/// them all in one transaction, so a failure leaves the previous list, never half of one.
/// </summary>
public sealed partial class DatabasePendingChangeStore : IPendingChangeStore
{
    /// <summary>The file earlier versions kept them in, in the data folder; imported once by <see cref="EarlierFilesImport"/>.</summary>
    public const string FileName = "pending-changes.json";

    private readonly Lock _gate = new();
    private readonly IDbContextFactory<DashboardDbContext> _database;
    private readonly DatabaseSettings _settings;
    private readonly ILogger<DatabasePendingChangeStore> _logger;

    public DatabasePendingChangeStore(IDbContextFactory<DashboardDbContext> database, DatabaseSettings settings, ILogger<DatabasePendingChangeStore> logger)
    {
        _database = database ?? throw new ArgumentNullException(nameof(database));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <inheritdoc />
    /// <remarks>When the database cannot be read, the failure is logged (naming it) and the app starts with no pending change.</remarks>
    public IReadOnlyList<PendingNestedChange> Load()
    {
        lock (_gate)
        {
            try
            {
                using var db = _database.CreateDbContext();
                return [.. db.PendingChanges.AsNoTracking().OrderBy(c => c.RequestedAt).ThenBy(c => c.Id).AsEnumerable().Select(ToChange)];
            }
            catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
            {
                LogUnreadable(ex, _settings.Description);
                return [];
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="DatabaseSaveException">The database refused or failed; the changes stored before are left as they were.</exception>
    public void Save(IReadOnlyList<PendingNestedChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var rows = changes.Select(ToRow).ToList();
        lock (_gate)
        {
            try
            {
                using var db = _database.CreateDbContext();
                using var transaction = db.Database.BeginTransaction();
                db.PendingChanges.ExecuteDelete();
                db.PendingChanges.AddRange(rows);
                db.SaveChanges();
                transaction.Commit();
            }
            catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
            {
                throw DatabaseSaveException.For($"the {changes.Count} pending change(s) to apply at next shutdown", _settings, ex);
            }
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

    private static PendingNestedChange ToChange(StoredPendingChange row) => new(
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
