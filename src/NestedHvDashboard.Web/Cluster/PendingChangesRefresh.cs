using NestedHvDashboard.Core.Operations;
using StackExchange.Redis;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>
/// Keeps this instance's list of pending changes current with the shared database: read again when another instance announces
/// a write on <c>nhv:pending</c>, and every lease time in case an announcement was lost (Redis down, a message missed).
/// </summary>
public sealed class PendingChangesRefresh(
    PendingNestedChanges pending, IConnectionMultiplexer redis, ClusterSettings settings, ILogger<PendingChangesRefresh> logger)
    : SharedListRefresh(redis, settings, logger)
{
    /// <inheritdoc />
    protected override RedisChannel Channel => SharedPendingChangeStore.Channel(Settings);

    /// <inheritdoc />
    protected override string What => "Pending changes";

    /// <inheritdoc />
    protected override Task ReloadAsync(CancellationToken cancellationToken) => pending.ReloadAsync(cancellationToken);
}
