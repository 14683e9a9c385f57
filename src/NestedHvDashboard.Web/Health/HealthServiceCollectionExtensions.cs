using System.Text;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace NestedHvDashboard.Web.Health;

/// <summary>The health checks behind <c>/healthz</c>.</summary>
public static class HealthServiceCollectionExtensions
{
    /// <summary>The thread-pool check (<see cref="ThreadPoolHealthCheck"/>) with its <c>Health:ThreadPool:*</c> limits.</summary>
    public static IServiceCollection AddDashboardHealth(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Health:ThreadPool");
        services.AddHealthChecks().AddCheck(
            "thread-pool",
            new ThreadPoolHealthCheck(ThreadPoolReading.Now, section.GetValue("MaxPendingWorkItems", 100L), section.GetValue("MaxThreads", 100)));
        return services;
    }

    /// <summary>
    /// <c>GET /healthz</c>, anonymous: "ok" when every check is healthy; otherwise 200 with "degraded: …" (the app
    /// answers, slowly) or 503 with "unhealthy: …", each check's description after the status.
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
        if (report.Status == HealthStatus.Healthy)
        {
            return context.Response.WriteAsync("ok");
        }

        var text = new StringBuilder(report.Status == HealthStatus.Degraded ? "degraded" : "unhealthy");
        foreach (var (name, entry) in report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy))
        {
            text.Append("; ").Append(name).Append(": ").Append(entry.Description);
        }

        return context.Response.WriteAsync(text.ToString());
    }
}
