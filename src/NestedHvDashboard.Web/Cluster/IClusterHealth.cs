namespace NestedHvDashboard.Web.Cluster;

/// <summary>The instances alive now, as the cluster's membership says (each renews its entry; one that stops renewing is gone).</summary>
public interface IClusterMembership
{
    /// <summary>
    /// The ids of the instances alive now, this one included; null while it cannot be known (Redis is lost, or came back less
    /// than a lease time ago): then nothing may be judged dead.
    /// </summary>
    IReadOnlyCollection<string>? LiveMembers { get; }
}

/// <summary>What <c>/healthz</c> and the app bar say of this instance in a cluster.</summary>
/// <param name="RedisConnected">False while Redis cannot be reached: the instance goes on watching its own hosts.</param>
/// <param name="RedisLostSince">When Redis was lost, while it is.</param>
/// <param name="OwnedHosts">The hosts this instance holds the lease of (it watches them).</param>
/// <param name="LateRenewals">The hosts whose lease renewal is late (not renewed within two renew intervals).</param>
/// <param name="LiveMembers">The instances alive, this one included; 0 while not known.</param>
public sealed record ClusterHealthReading(bool RedisConnected, DateTimeOffset? RedisLostSince, IReadOnlyList<string> OwnedHosts, IReadOnlyList<string> LateRenewals, int LiveMembers);

/// <summary>This instance's part in the cluster, read by <c>/healthz</c> and the app bar.</summary>
public interface IClusterHealth
{
    /// <summary>The reading now.</summary>
    ClusterHealthReading Read();

    /// <summary>Raised when Redis is lost or back, or the hosts owned change (on any thread).</summary>
    event Action? Changed;
}
