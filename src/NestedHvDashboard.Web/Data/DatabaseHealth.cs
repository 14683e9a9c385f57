using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NestedHvDashboard.Web.Audit;

namespace NestedHvDashboard.Web.Data;

/// <summary>
/// What <c>/healthz</c> says about the database: "ok" only when a write can commit now. A locked, full or read-only
/// database is named, so a monitor sees that changes are being refused while pages still read.
/// </summary>
public sealed class DatabaseHealth(DatabaseSettings settings, IDbContextFactory<DashboardDbContext> database, DbAuditTrail audit)
{
    // A health check answers quickly: it waits for a lock at most this long, even when writes wait longer.
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(2);

    /// <summary>Null when the database takes a write now; otherwise one line: "database locked: …" or "database unwritable: …".</summary>
    public async Task<string?> ProblemAsync(CancellationToken cancellationToken)
    {
        var problem = settings.Provider == DatabaseProvider.Sqlite ? await SqliteProblemAsync(cancellationToken) : await PostgresProblemAsync(cancellationToken);
        var waiting = audit.CompletionsWaiting;
        return waiting == 0 ? problem : $"{problem ?? "database written again"}; {waiting} audit entr{(waiting == 1 ? "y waits" : "ies wait")} to be completed";
    }

    private async Task<string?> SqliteProblemAsync(CancellationToken cancellationToken)
    {
        var wait = settings.BusyTimeout < MaxWait ? settings.BusyTimeout : MaxWait;
        try
        {
            await using var connection = new SqliteConnection(settings.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            var error = await SqliteDatabaseFile.ProbeWriteAsync(connection, wait, cancellationToken);
            return error is null ? null : Describe(error);
        }
        catch (SqliteException ex)
        {
            return Describe(ex);
        }
    }

    private string Describe(SqliteException error) => SqliteDatabaseFile.IsLocked(error)
        ? $"database locked: the {settings.Description} is locked by another connection or program ({error.Message}); changes are refused"
        : $"database unwritable: the {settings.Description} cannot be written ({error.Message}); changes are refused";

    private async Task<string?> PostgresProblemAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await database.CreateDbContextAsync(cancellationToken);
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT current_setting('transaction_read_only')";
            command.CommandTimeout = (int)MaxWait.TotalSeconds;
            return (await command.ExecuteScalarAsync(cancellationToken))?.ToString() == "on"
                ? $"database unwritable: the {settings.Description} is read-only; changes are refused"
                : null;
        }
        catch (DbException ex)
        {
            return $"database unwritable: the {settings.Description} cannot be reached ({ex.Message}); changes are refused";
        }
    }
}

/// <summary>
/// The database as one of <c>/healthz</c>'s checks: unhealthy (503) with <see cref="DatabaseHealth.ProblemAsync"/>'s line
/// while a write cannot commit, healthy otherwise.
/// </summary>
public sealed class DatabaseHealthCheck(DatabaseHealth health) : IHealthCheck
{
    /// <summary>The check's name in the health report.</summary>
    public const string Name = "database";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await health.ProblemAsync(cancellationToken).ConfigureAwait(false) is { } problem
            ? HealthCheckResult.Unhealthy(problem)
            : HealthCheckResult.Healthy();
}
