using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.NestedSwitching;
namespace NestedHvDashboard.Web.Tests.Data;

/// <summary>One test's own database, migrated and empty at first.</summary>
public interface ITestDatabase : IAsyncDisposable
{
    DatabaseSettings Settings { get; }

    IDbContextFactory<DashboardDbContext> Factory { get; }
}

/// <summary>Context factories on a settings record, as the app's registration builds them, and the stores on them.</summary>
internal static class TestStores
{
    /// <summary>The app's default: dashboard.db in <paramref name="folder"/>.</summary>
    public static DatabaseSettings SqliteIn(string folder)
    {
        var file = Path.Combine(folder, "dashboard.db");
        return new DatabaseSettings(DatabaseProvider.Sqlite, $"Data Source={file}", $"SQLite file {file}");
    }

    public static IDbContextFactory<DashboardDbContext> Factory(DatabaseSettings settings) => new ContextFactory(settings);

    /// <summary>Applies the migrations (nothing to do when they are there already) and gives the factory.</summary>
    public static IDbContextFactory<DashboardDbContext> Migrated(DatabaseSettings settings)
    {
        var factory = Factory(settings);
        using var db = factory.CreateDbContext();
        db.Database.Migrate();
        return factory;
    }

    /// <summary>Like the app: keys persisted in <c>keys/</c>, so a new provider (a restart) reads what the old one wrote.</summary>
    public static IDataProtectionProvider Keys(string folder) =>
        DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(folder, "keys")), b => b.SetApplicationName(HostConnectionsServiceCollectionExtensions.ApplicationName));

    /// <summary>A host connection store on the SQLite database in <paramref name="folder"/> (migrated first), keys in its keys/.</summary>
    public static HostConnectionStore Hosts(string folder, ILogger<HostConnectionStore>? logger = null)
    {
        var settings = SqliteIn(folder);
        return new HostConnectionStore(Migrated(settings), settings, Keys(folder), logger ?? NullLogger<HostConnectionStore>.Instance);
    }

    public static GuestCredentialStore GuestCredentials(ITestDatabase database, string keys) =>
        new(database.Factory, database.Settings, Keys(keys), NullLogger<GuestCredentialStore>.Instance);

    public static DatabasePendingChangeStore PendingChanges(ITestDatabase database, ILogger<DatabasePendingChangeStore>? logger = null) =>
        new(database.Factory, database.Settings, logger ?? NullLogger<DatabasePendingChangeStore>.Instance);

    private sealed class ContextFactory(DatabaseSettings settings) : IDbContextFactory<DashboardDbContext>
    {
        public DashboardDbContext CreateDbContext() => settings.Provider == DatabaseProvider.PostgreSql
            ? new PostgresDashboardDbContext(new DbContextOptionsBuilder<PostgresDashboardDbContext>().UseNpgsql(settings.ConnectionString).Options)
            : new SqliteDashboardDbContext(new DbContextOptionsBuilder<SqliteDashboardDbContext>().UseSqlite(settings.ConnectionString).Options);
    }
}

/// <summary>A test on a database of its own, made by the derived class (SQLite or PostgreSQL), and a Data Protection key folder.</summary>
public abstract class DatabaseTestBase : IAsyncLifetime
{
    /// <summary>Where the Data Protection keys are kept, as in <c>&lt;data folder&gt;/keys</c>.</summary>
    protected string KeyFolder { get; } = Directory.CreateTempSubdirectory("nestedhv-keys-").FullName;

    protected ITestDatabase Database { get; private set; } = null!;

    protected abstract Task<ITestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync() => Database = await CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        await Database.DisposeAsync();
        if (Directory.Exists(KeyFolder))
        {
            Directory.Delete(KeyFolder, recursive: true);
        }
    }
}

/// <summary>A SQLite file in a temporary folder of its own.</summary>
public sealed class SqliteTestDatabase : ITestDatabase
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-db-").FullName;

    public SqliteTestDatabase()
    {
        Settings = TestStores.SqliteIn(_folder);
        Factory = TestStores.Migrated(Settings);
    }

    public DatabaseSettings Settings { get; }

    public IDbContextFactory<DashboardDbContext> Factory { get; }

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}
