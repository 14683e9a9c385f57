using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
namespace NestedHvDashboard.Web.Data;

/// <summary>Which database the dashboard uses.</summary>
public enum DatabaseProvider
{
    /// <summary>A SQLite file (the default), <c>dashboard.db</c> in the data folder unless <c>Database:Path</c> names another.</summary>
    Sqlite,

    /// <summary>PostgreSQL through <c>ConnectionStrings:Dashboard</c>.</summary>
    PostgreSql,
}

/// <summary>The database settings, read from configuration.</summary>
/// <param name="Provider">The provider.</param>
/// <param name="ConnectionString">The connection string the provider gets.</param>
/// <param name="Description">Where the data is, for the log (no password).</param>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString, string Description)
{
    /// <summary>How long a write waits for another one's lock before it fails, unless <c>Database:BusyTimeout</c> says otherwise.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long a write waits for a lock (SQLite's busy timeout); <c>Database:BusyTimeout</c>.</summary>
    public TimeSpan BusyTimeout { get; init; } = DefaultBusyTimeout;

    /// <summary>The SQLite file, or null for PostgreSQL.</summary>
    public string? SqliteFile { get; init; }

    /// <summary>
    /// Reads <c>Database:Provider</c> ("Sqlite" by default, or "PostgreSQL"), <c>Database:Path</c> (the SQLite file,
    /// relative to the data folder) and <c>ConnectionStrings:Dashboard</c> (required for PostgreSQL; for SQLite it wins over the path).
    /// </summary>
    public static DatabaseSettings FromConfiguration(IConfiguration configuration, DataFolder folder)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(folder);
        var providerText = configuration["Database:Provider"];
        var connectionString = configuration.GetConnectionString("Dashboard");
        DatabaseProvider provider;
        if (string.IsNullOrWhiteSpace(providerText) || providerText.Trim().Equals("sqlite", StringComparison.OrdinalIgnoreCase))
        {
            provider = DatabaseProvider.Sqlite;
        }
        else if (providerText.Trim() is var p && (p.Equals("postgresql", StringComparison.OrdinalIgnoreCase) || p.Equals("postgres", StringComparison.OrdinalIgnoreCase) || p.Equals("npgsql", StringComparison.OrdinalIgnoreCase)))
        {
            provider = DatabaseProvider.PostgreSql;
        }
        else
        {
            throw new InvalidOperationException($"Database:Provider is '{providerText}'; it must be 'Sqlite' (the default) or 'PostgreSQL'.");
        }

        var busyTimeout = BusyTimeoutOf(configuration["Database:BusyTimeout"]);

        if (provider == DatabaseProvider.PostgreSql)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException("Database:Provider is PostgreSQL but ConnectionStrings:Dashboard is not set; set it to the server's connection string.");
            }

            var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            return new DatabaseSettings(provider, connectionString, $"PostgreSQL database '{builder.Database}' on {builder.Host}:{builder.Port}") { BusyTimeout = busyTimeout };
        }

        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
            if (!connectionString.Contains("timeout", StringComparison.OrdinalIgnoreCase))
            {
                builder.DefaultTimeout = SqliteDatabaseFile.TimeoutSeconds(busyTimeout);
            }

            return new DatabaseSettings(provider, builder.ToString(), $"SQLite file {builder.DataSource}") { BusyTimeout = busyTimeout, SqliteFile = builder.DataSource };
        }

        var path = configuration["Database:Path"];
        var file = string.IsNullOrWhiteSpace(path) ? folder.File("dashboard.db") : Path.Combine(folder.Path, path);
        SqliteDatabaseFile.CreateIfMissing(file);
        var sqlite = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder
        {
            DataSource = file,
            Pooling = true,
            DefaultTimeout = SqliteDatabaseFile.TimeoutSeconds(busyTimeout),
        };
        return new DatabaseSettings(provider, sqlite.ToString(), $"SQLite file {file}") { BusyTimeout = busyTimeout, SqliteFile = file };
    }

    private static TimeSpan BusyTimeoutOf(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultBusyTimeout;
        }

        return TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= TimeSpan.FromMilliseconds(100) && value <= TimeSpan.FromMinutes(10)
            ? value
            : throw new InvalidOperationException($"Database:BusyTimeout is '{text}'; it must be a time between 00:00:00.1 and 00:10:00 (default {DefaultBusyTimeout}).");
    }
}

/// <summary>Registers the database.</summary>
public static class DatabaseServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IDbContextFactory{DashboardDbContext}"/> (for singletons and components) and a scoped
    /// <see cref="DashboardDbContext"/> (for Identity) on the configured provider, and the audit trail stored in it.
    /// </summary>
    public static IServiceCollection AddDashboardDatabase(this IServiceCollection services, DatabaseSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(settings);
        if (settings.Provider == DatabaseProvider.PostgreSql)
        {
            services.AddDbContextFactory<PostgresDashboardDbContext>(o => o.UseNpgsql(settings.ConnectionString));
            services.AddSingleton<IDbContextFactory<DashboardDbContext>>(sp =>
                new ForwardingFactory<PostgresDashboardDbContext>(sp.GetRequiredService<IDbContextFactory<PostgresDashboardDbContext>>()));
        }
        else
        {
            var busyTimeout = new SqliteBusyTimeout(settings.BusyTimeout);
            services.AddDbContextFactory<SqliteDashboardDbContext>(o => o.UseSqlite(settings.ConnectionString).AddInterceptors(busyTimeout));
            services.AddSingleton<IDbContextFactory<DashboardDbContext>>(sp =>
                new ForwardingFactory<SqliteDashboardDbContext>(sp.GetRequiredService<IDbContextFactory<SqliteDashboardDbContext>>()));
        }

        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContext());
        services.AddSingleton<Audit.DbAuditTrail>();
        services.AddSingleton<Audit.IAuditTrail>(sp => sp.GetRequiredService<Audit.DbAuditTrail>());
        services.AddSingleton<DatabaseHealth>();
        return services;
    }

    private sealed class ForwardingFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<DashboardDbContext>
        where TContext : DashboardDbContext
    {
        public DashboardDbContext CreateDbContext() => inner.CreateDbContext();
    }
}

/// <summary>For <c>dotnet ef migrations add … --context SqliteDashboardDbContext</c>.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteDashboardDbContext>
{
    public SqliteDashboardDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteDashboardDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>For <c>dotnet ef migrations add … --context PostgresDashboardDbContext</c> (no server is contacted).</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresDashboardDbContext>
{
    public PostgresDashboardDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresDashboardDbContext>().UseNpgsql("Host=127.0.0.1;Database=design_time").Options);
}
