namespace NestedHvDashboard.Web.Data;

/// <summary>Which database the dashboard uses.</summary>
public enum DatabaseProvider
{
    /// <summary>A SQLite file (the default), <c>dashboard.db</c> in the data folder unless <c>Database:Path</c> names another.</summary>
    Sqlite,

    /// <summary>PostgreSQL through <c>ConnectionStrings:Dashboard</c>.</summary>
    PostgreSql,
}

/// <summary>The database the dashboard uses: from <see cref="DatabaseOptions"/> (<see cref="From"/>), or given (tests).</summary>
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
    /// The settings of validated options (<see cref="ValidateDatabaseOptions"/>): PostgreSQL on the connection string; SQLite on the
    /// connection string when set, else on <c>Database:Path</c> relative to <paramref name="folder"/> (the file is created when missing).
    /// </summary>
    public static DatabaseSettings From(DatabaseOptions options, DataFolder folder)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(folder);
        var provider = options.ProviderKind;
        var busyTimeout = options.BusyTimeoutValue;
        var connectionString = options.ConnectionString;
        if (provider is null || busyTimeout is null || (provider == DatabaseProvider.PostgreSql && string.IsNullOrWhiteSpace(connectionString)))
        {
            throw new InvalidOperationException($"The database settings have not been validated: {nameof(ValidateDatabaseOptions)} refuses them.");
        }

        if (provider == DatabaseProvider.PostgreSql)
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            return new DatabaseSettings(DatabaseProvider.PostgreSql, connectionString!, $"PostgreSQL database '{builder.Database}' on {builder.Host}:{builder.Port}") { BusyTimeout = busyTimeout.Value };
        }

        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
            if (!connectionString.Contains("timeout", StringComparison.OrdinalIgnoreCase))
            {
                builder.DefaultTimeout = SqliteDatabaseFile.TimeoutSeconds(busyTimeout.Value);
            }

            return new DatabaseSettings(DatabaseProvider.Sqlite, builder.ToString(), $"SQLite file {builder.DataSource}") { BusyTimeout = busyTimeout.Value, SqliteFile = builder.DataSource };
        }

        var file = string.IsNullOrWhiteSpace(options.Path) ? folder.File("dashboard.db") : Path.Combine(folder.Path, options.Path);
        SqliteDatabaseFile.CreateIfMissing(file);
        var sqlite = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder
        {
            DataSource = file,
            Pooling = true,
            DefaultTimeout = SqliteDatabaseFile.TimeoutSeconds(busyTimeout.Value),
        };
        return new DatabaseSettings(DatabaseProvider.Sqlite, sqlite.ToString(), $"SQLite file {file}") { BusyTimeout = busyTimeout.Value, SqliteFile = file };
    }
}
