namespace NestedHvDashboard.Web.Cluster;

/// <summary>What <c>GET /api/v1/cluster</c> says of the instance that answers.</summary>
/// <param name="InstanceId">This instance's id (<c>Cluster:InstanceId</c>, or machine:port).</param>
/// <param name="Enabled">True in cluster mode; a single instance owns every host and says no more.</param>
/// <param name="RedisConnected">Whether Redis answers now (cluster mode).</param>
/// <param name="LiveMembers">The instances alive, this one included; 0 while not known.</param>
/// <param name="OwnedHosts">The hosts this instance holds the lease of and watches, by name.</param>
/// <param name="LateRenewals">The hosts whose lease renewal is late.</param>
public sealed record ClusterInstanceState(string InstanceId, bool Enabled, bool RedisConnected, int LiveMembers, IReadOnlyList<string> OwnedHosts, IReadOnlyList<string> LateRenewals);

/// <summary>
/// <c>GET /api/v1/cluster</c> (Viewer and up, by token like the rest of the API): the hosts the instance answering owns, by
/// name, beside <c>/healthz</c>'s count, so an operator (or a test) asking every instance sees that each host has exactly one owner.
/// </summary>
public static class ClusterEndpoints
{
    /// <summary>The endpoint's path under the API's (<c>/api/v1</c>).</summary>
    public const string Path = "/cluster";

    /// <summary>Maps <c>GET /cluster</c> on the API's group (<see cref="Api.ApiEndpoints.MapDashboardApi"/>: its token policy and rate limit).</summary>
    public static RouteHandlerBuilder MapClusterApi(this RouteGroupBuilder api) =>
        api.MapGet(Path, (ClusterSettings settings, IServiceProvider services) =>
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
        }).WithName("GetCluster").WithSummary("This instance in the cluster")
            .WithDescription("The instance's id, whether Redis answers, the instances alive, the hosts this instance owns (holds the lease of and watches) by name, and those whose lease renewal is late. A single instance says only its id.");
}
