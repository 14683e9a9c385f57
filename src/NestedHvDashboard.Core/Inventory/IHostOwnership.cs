namespace NestedHvDashboard.Core.Inventory;

/// <summary>
/// Which hosts this instance watches. A single instance watches every host (<see cref="AlwaysOwned"/>); in cluster mode
/// each host has one owner at a time, through a lease that expires unless renewed (the web app's host leases).
/// <see cref="InventoryMonitor"/> watches a host only while it holds its lease.
/// </summary>
public interface IHostOwnership
{
    /// <summary>
    /// Waits until this instance owns <paramref name="host"/>, then returns its lease; <see cref="HostLease.Lost"/> is canceled
    /// when the instance no longer owns it (handed to another instance, or the lease could not be kept). Canceled only by
    /// <paramref name="cancellationToken"/>.
    /// </summary>
    ValueTask<HostLease> AcquireAsync(string host, CancellationToken cancellationToken);

    /// <summary>Gives the lease back (the host is no longer watched here: removed, or the app stops); a no-op when not held.</summary>
    ValueTask ReleaseAsync(HostLease lease);
}

/// <summary>This instance's lease on one host.</summary>
/// <param name="Host">The host's name.</param>
/// <param name="Fence">A number that grows at each change of owner: work stamped with an older one is stale.</param>
/// <param name="Lost">Canceled when the lease is lost or handed back.</param>
public sealed record HostLease(string Host, long Fence, CancellationToken Lost);

/// <summary>A single instance: it owns every host, for good.</summary>
public sealed class AlwaysOwned : IHostOwnership
{
    /// <summary>The one instance of it.</summary>
    public static readonly AlwaysOwned Instance = new();

    /// <inheritdoc />
    public ValueTask<HostLease> AcquireAsync(string host, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        return ValueTask.FromResult(new HostLease(host, 0, CancellationToken.None));
    }

    /// <inheritdoc />
    public ValueTask ReleaseAsync(HostLease lease) => ValueTask.CompletedTask;
}
