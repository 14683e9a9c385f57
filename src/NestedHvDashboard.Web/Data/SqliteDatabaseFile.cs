using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace NestedHvDashboard.Web.Data;

/// <summary>The dashboard cannot start on its database; the message names the file (or server), the problem and what to do.</summary>
public sealed class DatabaseUnusableException : Exception
{
    public DatabaseUnusableException()
    {
    }

    public DatabaseUnusableException(string message)
        : base(message)
    {
    }

    public DatabaseUnusableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The SQLite file: created owner-only and already a database (so an empty file is never a fresh one), checked before the
/// migrations, and probed by a real write for <c>/healthz</c>.
/// </summary>
public static class SqliteDatabaseFile
{
    /// <summary>Whole seconds for Microsoft.Data.Sqlite's own retry of a busy database (at least 1).</summary>
    public static int TimeoutSeconds(TimeSpan busyTimeout) => Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds));

    /// <summary>
    /// Creates <paramref name="file"/> when it does not exist: a SQLite database in WAL mode, readable by the dashboard's
    /// account only (its -wal and -shm files get the same mode), moved into place whole. A folder or file that cannot be
    /// created is left for the start-up check to report.
    /// </summary>
    public static void CreateIfMissing(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (File.Exists(file))
        {
            return;
        }

        var fresh = $"{file}.new-{Guid.NewGuid():N}";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            if (!OperatingSystem.IsWindows())
            {
                new FileStream(fresh, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }).Dispose();
            }

            using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = fresh, Pooling = false }.ToString()))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA journal_mode = WAL;";
                command.ExecuteNonQuery();
            }

            File.Move(fresh, file, overwrite: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SqliteException)
        {
            // Created meanwhile by another start, or a folder the dashboard may not write: the start-up check names the problem.
        }
        finally
        {
            File.Delete(fresh);
        }
    }

    /// <summary>
    /// Refuses a file that is empty, not a database, damaged or not writable, naming it, the problem and what to do; on
    /// a good file it makes sure of WAL mode. Runs before the migrations, which would otherwise make an empty file a new database.
    /// </summary>
    public static async Task CheckAsync(DatabaseSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var file = settings.SqliteFile;
        if (file is null || file == ":memory:")
        {
            return;
        }

        var info = new FileInfo(file);
        if (info.Exists && info.Length == 0)
        {
            throw new DatabaseUnusableException(
                $"The database file {file} is empty (0 bytes): its users, hosts and audit trail are gone, and the dashboard will not start " +
                $"afresh on it. Restore it from a backup: stop the dashboard, copy the backup over {file} (with the keys folder beside it) and start again. " +
                "To really begin with a new database, move the empty file away.");
        }

        try
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder(settings.ConnectionString) { Pooling = false }.ToString());
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // WAL: readers never block the writer and the writer never blocks readers (the rollback journal made concurrent audit writes fail).
            await ScalarAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
            var check = await ScalarAsync(connection, "PRAGMA quick_check(1);", cancellationToken).ConfigureAwait(false);
            if (!string.Equals(check, "ok", StringComparison.OrdinalIgnoreCase))
            {
                throw new DatabaseUnusableException(
                    $"The database file {file} is damaged (SQLite's check says: {check}). Restore it from a backup: stop the dashboard, copy the backup over {file} and start again.");
            }

            if (WriteProblem(await ProbeWriteAsync(connection, settings.BusyTimeout, cancellationToken).ConfigureAwait(false)) is { } problem)
            {
                throw new DatabaseUnusableException($"The database file {file} cannot be written: {problem}.");
            }
        }
        catch (SqliteException ex)
        {
            throw new DatabaseUnusableException(Unusable(file, ex), ex);
        }
    }

    /// <summary>
    /// Commits one small real write (the header's user version, rewritten unchanged), waiting at most
    /// <paramref name="busyTimeout"/> for a lock. Returns null when it committed, otherwise SQLite's error.
    /// </summary>
    public static async Task<SqliteException?> ProbeWriteAsync(SqliteConnection connection, TimeSpan busyTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        try
        {
            await ExecuteAsync(connection, $"PRAGMA busy_timeout = {(int)busyTimeout.TotalMilliseconds};", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "BEGIN IMMEDIATE;", cancellationToken, busyTimeout).ConfigureAwait(false);
            try
            {
                var version = await ScalarAsync(connection, "PRAGMA user_version;", cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, $"PRAGMA user_version = {long.Parse(version ?? "0", System.Globalization.CultureInfo.InvariantCulture)};", cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, "COMMIT;", cancellationToken, busyTimeout).ConfigureAwait(false);
            }
            catch (SqliteException)
            {
                await TryExecuteAsync(connection, "ROLLBACK;").ConfigureAwait(false);
                throw;
            }

            return null;
        }
        catch (SqliteException ex)
        {
            return ex;
        }
    }

    /// <summary>"locked: …" or "unwritable: …" for a failed probe, null for none.</summary>
    public static string? WriteProblem(SqliteException? error) => error switch
    {
        null => null,
        { SqliteErrorCode: 5 or 6 } => $"locked by another connection or program ({error.Message})",
        _ => error.Message,
    };

    /// <summary>True for SQLite's "busy" and "locked" codes.</summary>
    public static bool IsLocked(SqliteException? error) => error is { SqliteErrorCode: 5 or 6 };

    private static string Unusable(string file, SqliteException error) => error.SqliteErrorCode switch
    {
        11 or 26 => $"The database file {file} is damaged or not a database ({error.Message}). Restore it from a backup: stop the dashboard, copy the backup over {file} and start again.",
        8 => $"The database file {file} is read-only ({error.Message}). Make it and its folder writable by the dashboard's account, or restore a writable copy from a backup.",
        13 => $"The database file {file} cannot be written: the disk is full ({error.Message}). Free space on its filesystem and start again.",
        5 or 6 => $"The database file {file} is locked by another program ({error.Message}). Stop the other program (another dashboard on the same data folder?) and start again.",
        14 => $"The database file {file} cannot be opened ({error.Message}). Check that its folder exists and the dashboard's account may write it.",
        _ => $"The database file {file} cannot be used ({error.Message}). Restore it from a backup if it is damaged.",
    };

    private static async Task<string?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))?.ToString();
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (timeout is { } wait)
        {
            command.CommandTimeout = TimeoutSeconds(wait);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task TryExecuteAsync(SqliteConnection connection, string sql)
    {
        try
        {
            await ExecuteAsync(connection, sql, CancellationToken.None).ConfigureAwait(false);
        }
        catch (SqliteException)
        {
            // Nothing to roll back: SQLite already ended the transaction.
        }
    }
}

/// <summary>Sets SQLite's busy timeout on every connection EF Core opens, so a write waits for another one's lock instead of failing at once.</summary>
public sealed class SqliteBusyTimeout(TimeSpan timeout) : DbConnectionInterceptor
{
    private readonly string _pragma = $"PRAGMA busy_timeout = {(int)timeout.TotalMilliseconds};";

    /// <inheritdoc />
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = _pragma;
        command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = _pragma;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
