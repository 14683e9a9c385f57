using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Data;
using Npgsql;
using StackExchange.Redis;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>
/// Cluster mode: several instances behind a load balancer, one PostgreSQL database and one Redis. Off by default: a single
/// instance registers only its <see cref="ClusterSettings"/> (its id) and owns every host (<see cref="AlwaysOwned"/>).
/// </summary>
public static class ClusterServiceCollectionExtensions
{
    /// <summary>
    /// The settings (<see cref="ClusterSettings.From"/>; a bad one is refused at start by <see cref="CheckClusterAsync"/>) and,
    /// with <c>Cluster:Enabled=true</c>, the Redis connection, the host leases, the shared feed and the cross-instance locks.
    /// </summary>
    public static IServiceCollection AddDashboardCluster(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = ClusterSettings.From(configuration, out var problems);
        services.AddSingleton(settings);
        services.AddSingleton(new ClusterSettingProblems(problems));
        if (!settings.Enabled)
        {
            services.TryAddSingleton<IHostOwnership>(AlwaysOwned.Instance);
            return services;
        }

        services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ConfigurationOptions.Parse(settings.RedisConnectionString!);
            // Started once it answered (CheckClusterAsync); after that a lost Redis is retried for ever, never fatal.
            options.AbortOnConnectFail = false;
            // Back within a second of Redis, every instance alike: the others wait only one lease time for it (the host leases).
            options.ReconnectRetryPolicy = new LinearRetry(1000);
            options.ClientName = "nhv-" + settings.InstanceId;
            return ConnectionMultiplexer.Connect(options);
        });
        services.AddHealthChecks().AddCheck<ClusterHealthCheck>(ClusterHealthCheck.Name);
        services.AddClusterLeases(settings);
        services.AddClusterFeed(settings);
        services.AddClusterChanges(settings);
        services.TryAddSingleton<IHostOwnership>(AlwaysOwned.Instance);
        return services;
    }

    /// <summary>
    /// Refuses a cluster that cannot work, before anything else starts: a bad setting, a database that is not PostgreSQL, or a
    /// PostgreSQL or Redis that does not answer. Returns the one-line reason (the app logs it and exits 1), or null when it can start.
    /// </summary>
    public static async Task<string?> CheckClusterAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var problems = services.GetRequiredService<ClusterSettingProblems>().Problems;
        if (problems.Count > 0)
        {
            return string.Join(" ", problems);
        }

        var settings = services.GetRequiredService<ClusterSettings>();
        if (!settings.Enabled)
        {
            return null;
        }

        var database = services.GetRequiredService<DatabaseSettings>();
        if (database.Provider != DatabaseProvider.PostgreSql)
        {
            return $"Cluster:Enabled=true needs Database:Provider=PostgreSQL (the instances share one database); this instance is configured for the {database.Description}.";
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Timeout = 5 };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return $"Cluster:Enabled=true: the {database.Description} does not answer ({ex.Message}).";
        }

        var endpoints = string.Join(", ", ConfigurationOptions.Parse(settings.RedisConnectionString!).EndPoints.Select(e => e.ToString()));
        try
        {
            var redis = services.GetRequiredService<IConnectionMultiplexer>();
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(TimeSpan.FromSeconds(5));
            while (!redis.IsConnected)
            {
                await Task.Delay(100, wait.Token);
            }

            await redis.GetDatabase().PingAsync();
        }
        catch (Exception ex) when (ex is RedisException or OperationCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            return $"Cluster:Enabled=true: Redis at {endpoints} does not answer ({(ex is OperationCanceledException ? "no connection within 5 s" : ex.Message)}).";
        }

        return null;
    }

    /// <summary>The settings' problems found when they were read, refused at start.</summary>
    internal sealed record ClusterSettingProblems(IReadOnlyList<string> Problems);
}

/// <summary>
/// <c>/healthz</c>'s cluster line: healthy while Redis answers and every lease is renewed on time; degraded (the app still
/// answers and watches its own hosts) while Redis is lost or a renewal is late.
/// </summary>
public sealed class ClusterHealthCheck(ClusterSettings settings, IClusterHealth cluster) : IHealthCheck
{
    /// <summary>The check's name in the health report.</summary>
    public const string Name = "cluster";

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var reading = cluster.Read();
        var owned = reading.OwnedHosts.Count;
        var line = $"instance {settings.InstanceId} owns {owned} host{(owned == 1 ? string.Empty : "s")}"
            + (reading.LiveMembers > 0 ? $" of {reading.LiveMembers} instance{(reading.LiveMembers == 1 ? string.Empty : "s")}" : string.Empty)
            + (reading.RedisConnected ? "; redis connected" : $"; redis lost since {reading.RedisLostSince:HH:mm:ss} UTC (this instance goes on watching its own hosts)")
            + (reading.LateRenewals.Count > 0 ? $"; lease renewals late: {string.Join(", ", reading.LateRenewals)}" : string.Empty);
        return Task.FromResult(reading.RedisConnected && reading.LateRenewals.Count == 0 ? HealthCheckResult.Healthy(line) : HealthCheckResult.Degraded(line));
    }
}
