namespace NestedHvDashboard.Web.Cluster;

/// <summary>
/// Which hosts this instance owns now (it holds their leases and watches them), for the parts that act only as a host's
/// owner: the feed publishes owned hosts, pending changes are applied by the owner, dead instances' entries are marked by it.
/// On a single instance (no cluster) every host is owned.
/// </summary>
public interface IHostOwnershipView
{
    /// <summary>True, with the lease's fencing number, when this instance holds <paramref name="host"/>'s lease now.</summary>
    bool Owns(string host, out long fence);

    /// <summary>The instance holding <paramref name="host"/>'s lease as last seen, or null when none does (or it is not known).</summary>
    string? OwnerOf(string host);

    /// <summary>Raised when this instance took a host's lease (host, fence), on any thread.</summary>
    event Action<string, long>? Acquired;

    /// <summary>Raised when this instance lost or handed back a host's lease, on any thread.</summary>
    event Action<string>? Released;
}
