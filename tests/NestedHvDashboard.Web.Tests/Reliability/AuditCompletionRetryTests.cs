using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Tests.Api;
using NestedHvDashboard.Web.Tests.Audit;

namespace NestedHvDashboard.Web.Tests.Reliability;

/// <summary>
/// The host has changed, then the database refuses the audit entry's completion (another program holds the write lock
/// longer than the busy timeout): the completion does not fail the change, and it is stored as soon as the lock goes,
/// with the time the change ended.
/// </summary>
public sealed class AuditCompletionRetryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-retry-").FullName;

    private string File => Path.Combine(_folder, "dashboard.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_completion_the_database_refuses_is_kept_and_stored_once_the_lock_is_gone()
    {
        var options = new DbContextOptionsBuilder<SqliteDashboardDbContext>()
            .UseSqlite($"Data Source={File};Pooling=false;Default Timeout=1")
            .AddInterceptors(new SqliteBusyTimeout(TimeSpan.FromMilliseconds(200)))
            .Options;
        await using (var db = new SqliteDashboardDbContext(options))
        {
            await db.Database.MigrateAsync();
        }

        var factory = new Factory(options);
        using var audit = new DbAuditTrail(factory, TimeProvider.System, NullLogger<DbAuditTrail>.Instance);
        var id = await audit.BeginAsync(new AuditStart(TestDatabase.Operator, "Enable nested", "HV-01", "web-01", Guid.NewGuid()));

        DateTime ended;
        await using (var holder = new SqliteConnection($"Data Source={File};Pooling=false"))
        {
            await holder.OpenAsync();
            await using (var begin = holder.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE;";
                await begin.ExecuteNonQueryAsync();
            }

            ended = DateTime.UtcNow;
            await audit.CompleteAsync(id, new AuditCompletion(AuditResults.Succeeded, "Succeeded: nested on", "Off, nested on"));

            Assert.Equal(1, audit.CompletionsWaiting);
            Assert.Equal(AuditResults.Started, Entry(factory, id).Result);
            await using var rollback = holder.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }

        var unlocked = DateTime.UtcNow;
        await Eventually.HoldsAsync(() => Entry(factory, id).Result == AuditResults.Succeeded, ApiServer.Patience, "the completion to be stored");
        var entry = Entry(factory, id);
        Assert.Equal("Off, nested on", entry.After);
        Assert.InRange(entry.CompletedAt!.Value, ended.AddSeconds(-1), unlocked);
        await Eventually.HoldsAsync(() => audit.CompletionsWaiting == 0, ApiServer.Patience, "nothing left waiting");
    }

    private static AuditEntry Entry(IDbContextFactory<DashboardDbContext> factory, long id)
    {
        using var db = factory.CreateDbContext();
        return db.AuditEntries.AsNoTracking().Single(e => e.Id == id);
    }

    private sealed class Factory(DbContextOptions<SqliteDashboardDbContext> options) : IDbContextFactory<DashboardDbContext>
    {
        public DashboardDbContext CreateDbContext() => new SqliteDashboardDbContext(options);
    }
}
