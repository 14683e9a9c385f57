using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;
namespace NestedHvDashboard.Web.Tests.Audit;

/// <summary>A real, migrated SQLite database in a temporary file, with the real audit trail on it.</summary>
public sealed class TestDatabase : IDisposable
{
    private readonly string _folder;

    private TestDatabase(string folder, IDbContextFactory<DashboardDbContext> factory)
    {
        _folder = folder;
        Factory = factory;
        Audit = new DbAuditTrail(factory, TimeProvider.System, NullLogger<DbAuditTrail>.Instance);
    }

    public IDbContextFactory<DashboardDbContext> Factory { get; }

    public DbAuditTrail Audit { get; }

    /// <summary>An Operator acting from the browser at 127.0.0.1.</summary>
    public static Actor Operator { get; } = new("olivia", DashboardRoles.Operator, Channels.Browser, "127.0.0.1");

    /// <summary>A Viewer acting from the browser at 127.0.0.1.</summary>
    public static Actor Viewer { get; } = new("victor", DashboardRoles.Viewer, Channels.Browser, "127.0.0.1");

    /// <summary>An Administrator acting from the browser at 127.0.0.1.</summary>
    public static Actor Administrator { get; } = new("ada", DashboardRoles.Administrator, Channels.Browser, "127.0.0.1");

    public static TestDatabase Create()
    {
        var folder = Directory.CreateTempSubdirectory("nestedhv-db-").FullName;
        var options = new DbContextOptionsBuilder<SqliteDashboardDbContext>()
            .UseSqlite($"Data Source={Path.Combine(folder, "test.db")};Pooling=false").Options;
        using (var db = new SqliteDashboardDbContext(options))
        {
            db.Database.Migrate();
        }

        return new TestDatabase(folder, new ContextFactory(options));
    }

    /// <summary>The database file (Pooling=false: nothing keeps it open between uses).</summary>
    public string FilePath => Path.Combine(_folder, "test.db");

    /// <summary>Deletes the database file: the next write finds no audit table and fails, as a lost database would.</summary>
    public void Break() => File.Delete(FilePath);

    /// <summary>Every audit entry, oldest first.</summary>
    public IReadOnlyList<AuditEntry> Entries()
    {
        using var db = Factory.CreateDbContext();
        return [.. db.AuditEntries.AsNoTracking().OrderBy(e => e.Id)];
    }

    /// <summary>Registers the database, the audit trail, its query and the activity log in a test's services.</summary>
    public void AddTo(IServiceCollection services)
    {
        services.RemoveAll<IDbContextFactory<DashboardDbContext>>();
        services.AddSingleton(Factory);
        services.AddSingleton(Audit);
        services.AddSingleton<IAuditTrail>(Audit);
        services.AddSingleton<AuditQuery>();
        services.AddSingleton<ActivityLog>();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left to the temp folder's cleanup.
        }
    }

    private sealed class ContextFactory(DbContextOptions<SqliteDashboardDbContext> options) : IDbContextFactory<DashboardDbContext>
    {
        public DashboardDbContext CreateDbContext() => new SqliteDashboardDbContext(options);
    }
}
