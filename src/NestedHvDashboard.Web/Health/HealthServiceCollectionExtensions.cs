using System.Text;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace NestedHvDashboard.Web.Health;

/// <summary>The health checks behind <c>/healthz</c>.</summary>
public static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// The database check (<see cref="Data.DatabaseHealthCheck"/>: a write must commit now) and the thread-pool check
    /// (<see cref="ThreadPoolHealthCheck"/>) with its <c>Health:ThreadPool:*</c> limits.
    /// </summary>
    public static IServiceCollection AddDashboardHealth(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Health:ThreadPool");
        services.AddSingleton<Data.DatabaseHealthCheck>();
        services.AddHealthChecks()
            .AddCheck<Data.DatabaseHealthCheck>(Data.DatabaseHealthCheck.Name)
            .AddCheck(
                "thread-pool",
                new ThreadPoolHealthCheck(ThreadPoolReading.Now, section.GetValue("MaxPendingWorkItems", 100L), section.GetValue("MaxThreads", 100)));
        return services;
    }

    /// <summary>
    /// <c>GET /healthz</c>, anonymous: "ok" when every check is healthy; 503 with the failing check's own line when one is
    /// unhealthy (the database cannot take a write: "database unwritable: …"); otherwise 200 with "degraded; thread-pool: …"
    /// (the app answers, slowly). The build's version is in the X-NestedHv-Version header of every answer, the instance's id
    /// in X-NestedHv-Instance; in cluster mode the body also says what the instance owns ("ok; cluster: instance … owns 4 hosts …").
    /// </summary>
    public static IEndpointConventionBuilder MapDashboardHealth(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = WriteAsync,
        }).AllowAnonymous();

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        VersionHeader.Stamp(context.Response);
        if (context.RequestServices.GetService<Cluster.ClusterSettings>() is { } cluster)
        {
            context.Response.Headers["X-NestedHv-Instance"] = cluster.InstanceId;
        }

        if (report.Status == HealthStatus.Healthy)
        {
            // In a cluster, which instance answered and what it owns, also when all is well.
            return context.Response.WriteAsync(report.Entries.TryGetValue(Cluster.ClusterHealthCheck.Name, out var clustered) ? "ok; cluster: " + clustered.Description : "ok");
        }

        if (report.Status == HealthStatus.Unhealthy)
        {
            // What stops the dashboard's work, first and in its own words ("database unwritable: …"), one line each.
            return context.Response.WriteAsync(string.Join("; ", report.Entries.Where(e => e.Value.Status == HealthStatus.Unhealthy).Select(e => e.Value.Description)));
        }

        var text = new StringBuilder("degraded");
        foreach (var (name, entry) in report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy))
        {
            text.Append("; ").Append(name).Append(": ").Append(entry.Description);
        }

        return context.Response.WriteAsync(text.ToString());
    }
}
