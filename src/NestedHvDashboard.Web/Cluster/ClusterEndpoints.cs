using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>What <c>GET /cluster</c> says of the instance that answers.</summary>
/// <param name="InstanceId">This instance's id (<c>Cluster:InstanceId</c>, or machine:port).</param>
/// <param name="Enabled">True in cluster mode; a single instance owns every host and says no more.</param>
/// <param name="RedisConnected">Whether Redis answers now (cluster mode).</param>
/// <param name="LiveMembers">The instances alive, this one included; 0 while not known.</param>
/// <param name="OwnedHosts">The hosts this instance holds the lease of and watches, by name.</param>
/// <param name="LateRenewals">The hosts whose lease renewal is late.</param>
public sealed record ClusterInstanceState(string InstanceId, bool Enabled, bool RedisConnected, int LiveMembers, IReadOnlyList<string> OwnedHosts, IReadOnlyList<string> LateRenewals);

/// <summary>
/// <c>GET /cluster</c> (Viewer and up): the hosts this instance owns by name, beside <c>/healthz</c>'s count, so an operator
/// (or a test) asking every instance sees that each host has exactly one owner. Not under <c>/api/v1</c>: it describes the
/// instance answering, not the lab.
/// </summary>
public static class ClusterEndpoints
{
    /// <summary>The endpoint's path.</summary>
    public const string Path = "/cluster";

    /// <summary>Maps <c>GET /cluster</c>.</summary>
    public static RouteHandlerBuilder MapClusterApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Path, (ClusterSettings settings, IServiceProvider services) =>
        {
            if (!settings.Enabled)
            {
                return Results.Ok(new ClusterInstanceState(settings.InstanceId, false, false, 1, [], []));
            }

            // The leases part registers the reading; without it the instance cannot say what it owns.
            if (services.GetService<IClusterHealth>() is not { } health)
            {
                return Results.Problem($"Instance {settings.InstanceId} has no lease reading (IClusterHealth is not registered).", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            var reading = health.Read();
            return Results.Ok(new ClusterInstanceState(settings.InstanceId, true, reading.RedisConnected, reading.LiveMembers, reading.OwnedHosts, reading.LateRenewals));
        }).RequireAuthorization(DashboardPolicies.View);
}
