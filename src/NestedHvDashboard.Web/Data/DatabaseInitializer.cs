using Microsoft.EntityFrameworkCore;
using NestedHvDashboard.Web.Audit;

namespace NestedHvDashboard.Web.Data;

/// <summary>Work that runs once at start-up after the migrations (importing older files, creating the first admin), in <see cref="Order"/>.</summary>
public interface IDatabaseStartupStep
{
    /// <summary>Lower runs first.</summary>
    int Order { get; }

    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>Brings the database up to date before the app serves anything.</summary>
public static partial class DatabaseInitializer
{
    /// <summary>
    /// Checks the SQLite file (an empty, damaged or read-only one stops the start with a <see cref="DatabaseUnusableException"/>
    /// naming it), applies pending migrations, marks audit entries a crash left open as interrupted, then runs every <see cref="IDatabaseStartupStep"/>.
    /// </summary>
    public static async Task InitializeDashboardDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseInitializer));
        var settings = services.GetRequiredService<DatabaseSettings>();
        await SqliteDatabaseFile.CheckAsync(settings, cancellationToken).ConfigureAwait(false);
        int interrupted;
        try
        {
            await using (var db = await services.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
            {
                var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
                await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
                LogMigrated(logger, settings.Description, pending.Count);
            }

            interrupted = await services.GetRequiredService<DbAuditTrail>().MarkInterruptedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
        {
            var reason = ex.GetBaseException().Message;
            throw new DatabaseUnusableException($"The {settings.Description} cannot be brought up to date: {reason}. Fix that, or restore the database from a backup, and start again.", ex);
        }

        if (interrupted > 0)
        {
            LogInterrupted(logger, interrupted);
        }

        await using var scope = services.CreateAsyncScope();
        foreach (var step in scope.ServiceProvider.GetServices<IDatabaseStartupStep>().OrderBy(s => s.Order))
        {
            await step.RunAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 7100, Level = LogLevel.Information, Message = "Database: {Database}, {Count} migration(s) applied")]
    private static partial void LogMigrated(ILogger logger, string database, int count);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "{Count} change(s) were still running when the dashboard last stopped; their audit entries are marked Interrupted")]
    private static partial void LogInterrupted(ILogger logger, int count);
}
