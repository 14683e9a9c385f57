using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
namespace NestedHvDashboard.Web.Data;

/// <summary>Registers the database.</summary>
public static class DatabaseServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IDbContextFactory{DashboardDbContext}"/> (for singletons and components) and a scoped
    /// <see cref="DashboardDbContext"/> (for Identity), and the audit trail stored in it, on <paramref name="settings"/> (a test's)
    /// or, when null, on the database the configuration names: <see cref="DatabaseOptions"/> bound from <c>Database</c> and
    /// <c>ConnectionStrings:Dashboard</c>, validated at start-up (every problem listed at once), in the <see cref="DataFolder"/>
    /// (<see cref="DataFolderServiceCollectionExtensions.AddDataFolder"/>); that needs the app's <see cref="IConfiguration"/>.
    /// </summary>
    public static IServiceCollection AddDashboardDatabase(this IServiceCollection services, DatabaseSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (settings is not null)
        {
            services.AddSingleton(settings);
        }
        else
        {
            services.AddDataFolder();
            services.AddOptions<DatabaseOptions>()
                .BindConfiguration(DatabaseOptions.Section)
                .Configure<IConfiguration>((o, configuration) => o.ConnectionString = configuration.GetConnectionString(DatabaseOptions.ConnectionStringName))
                .ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DatabaseOptions>, ValidateDatabaseOptions>());
            services.TryAddSingleton(sp => DatabaseSettings.From(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value, sp.GetRequiredService<DataFolder>()));
        }

        return services.AddDatabaseOn();
    }

    // The provider is the registered DatabaseSettings' one, chosen when the factory is first asked for.
    private static IServiceCollection AddDatabaseOn(this IServiceCollection services)
    {
        services.AddDbContextFactory<PostgresDashboardDbContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<DatabaseSettings>().ConnectionString));
        services.AddDbContextFactory<SqliteDashboardDbContext>((sp, o) =>
        {
            var settings = sp.GetRequiredService<DatabaseSettings>();
            o.UseSqlite(settings.ConnectionString).AddInterceptors(new SqliteBusyTimeout(settings.BusyTimeout));
        });
        services.AddSingleton<IDbContextFactory<DashboardDbContext>>(sp => sp.GetRequiredService<DatabaseSettings>().Provider == DatabaseProvider.PostgreSql
            ? new ForwardingFactory<PostgresDashboardDbContext>(sp.GetRequiredService<IDbContextFactory<PostgresDashboardDbContext>>())
            : new ForwardingFactory<SqliteDashboardDbContext>(sp.GetRequiredService<IDbContextFactory<SqliteDashboardDbContext>>()));
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
