using NestedHvDashboard.Web.Hosts;
using StackExchange.Redis;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>
/// Keeps this instance's hosts current with the shared database: a host added, changed or removed on another instance is
/// added, reconnected or dropped here too (and so watched by whichever instance its lease goes to). Each edit here first reads
/// the stored hosts again, so its save never drops a host another instance added, and is announced on <c>nhv:hosts</c>.
/// </summary>
public sealed class StoredHostsRefresh : SharedListRefresh
{
    private readonly HostDirectory _directory;
    private readonly IConnectionMultiplexer _redis;

    /// <summary>Makes the directory read the stored hosts again before each edit, and announce each saved edit.</summary>
    public StoredHostsRefresh(HostDirectory directory, IConnectionMultiplexer redis, ClusterSettings settings, ILogger<StoredHostsRefresh> logger)
        : base(redis, settings, logger)
    {
        _directory = directory ?? throw new ArgumentNullException(nameof(directory));
        _redis = redis;
        _directory.SyncBeforeEdits = true;
        _directory.StoredHostsSaved += () => _ = AnnounceAsync(_redis, Channel, Settings);
    }

    /// <inheritdoc />
    protected override RedisChannel Channel => RedisChannel.Literal(Settings.Key("hosts"));

    /// <inheritdoc />
    protected override string What => "Stored hosts";

    /// <inheritdoc />
    protected override Task ReloadAsync(CancellationToken cancellationToken) => _directory.SyncStoredAsync(cancellationToken);
}
