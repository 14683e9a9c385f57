using System.Globalization;
using Microsoft.Extensions.Options;

namespace NestedHvDashboard.Web.Data;

/// <summary>
/// The database as configured: <c>Database:Provider</c>, <c>Database:Path</c>, <c>Database:BusyTimeout</c> and
/// <c>ConnectionStrings:Dashboard</c>, bound by the options system and checked by <see cref="ValidateDatabaseOptions"/>;
/// <see cref="DatabaseSettings"/> is what the app uses.
/// </summary>
public sealed class DatabaseOptions
{
    /// <summary>The section the options are bound from.</summary>
    public const string Section = "Database";

    /// <summary>The connection string's name under <c>ConnectionStrings</c>.</summary>
    public const string ConnectionStringName = "Dashboard";

    /// <summary>"Sqlite" (the default) or "PostgreSQL" (also "postgres", "npgsql"), any case.</summary>
    public string? Provider { get; set; }

    /// <summary>The SQLite file, relative to the data folder; default <c>dashboard.db</c>.</summary>
    public string? Path { get; set; }

    /// <summary>How long a write waits for a lock, as a time (<c>00:00:10</c>); default <see cref="DatabaseSettings.DefaultBusyTimeout"/>.</summary>
    public string? BusyTimeout { get; set; }

    /// <summary><c>ConnectionStrings:Dashboard</c>: required for PostgreSQL; for SQLite it wins over <see cref="Path"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The provider <see cref="Provider"/> names, or null when it names none.</summary>
    public DatabaseProvider? ProviderKind => Provider?.Trim().ToUpperInvariant() switch
    {
        null or "" or "SQLITE" => DatabaseProvider.Sqlite,
        "POSTGRESQL" or "POSTGRES" or "NPGSQL" => DatabaseProvider.PostgreSql,
        _ => null,
    };

    /// <summary>The busy timeout <see cref="BusyTimeout"/> gives, or null when it is not a time from 0.1 s to 10 minutes.</summary>
    public TimeSpan? BusyTimeoutValue =>
        string.IsNullOrWhiteSpace(BusyTimeout) ? DatabaseSettings.DefaultBusyTimeout
        : TimeSpan.TryParse(BusyTimeout, CultureInfo.InvariantCulture, out var value) && value >= TimeSpan.FromMilliseconds(100) && value <= TimeSpan.FromMinutes(10) ? value
        : null;
}

/// <summary>Refuses database settings that cannot work, naming every one and what is allowed.</summary>
public sealed class ValidateDatabaseOptions : IValidateOptions<DatabaseOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var provider = options.ProviderKind;
        if (provider is null)
        {
            problems.Add($"Database:Provider is '{options.Provider}'; it must be 'Sqlite' (the default) or 'PostgreSQL'.");
        }

        if (options.BusyTimeoutValue is null)
        {
            problems.Add($"Database:BusyTimeout is '{options.BusyTimeout}'; it must be a time between 00:00:00.1 and 00:10:00 (default {DatabaseSettings.DefaultBusyTimeout}).");
        }

        var connectionString = options.ConnectionString;
        if (provider == DatabaseProvider.PostgreSql && string.IsNullOrWhiteSpace(connectionString))
        {
            problems.Add("Database:Provider is PostgreSQL but ConnectionStrings:Dashboard is not set; set it to the server's connection string.");
        }
        else if (provider is not null && !string.IsNullOrWhiteSpace(connectionString) && ConnectionStringProblem(provider.Value, connectionString) is { } problem)
        {
            problems.Add($"ConnectionStrings:Dashboard is not a {(provider == DatabaseProvider.PostgreSql ? "PostgreSQL" : "SQLite")} connection string: {problem}");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static string? ConnectionStringProblem(DatabaseProvider provider, string connectionString)
    {
        try
        {
            _ = provider == DatabaseProvider.PostgreSql
                ? new Npgsql.NpgsqlConnectionStringBuilder(connectionString).ConnectionString
                : new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).ConnectionString;
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            return ex.Message;
        }
    }
}
