namespace NestedHvDashboard.Core.Inventory;

/// <summary>
/// Told when the hosts to watch come, are replaced and go. The <see cref="InventoryMonitor"/> is one: it subscribes to
/// whoever owns the hosts' connections and is first told about every host already there.
/// </summary>
public interface IHostLifetimeObserver
{
    /// <summary>A host to watch from now on.</summary>
    void HostAdded(MonitoredHost host);

    /// <summary><paramref name="host"/> in place of the host named <paramref name="name"/> (which may differ, for a rename).</summary>
    Task HostReplacedAsync(string name, MonitoredHost host);

    /// <summary>The host named <paramref name="name"/> is gone; done once nothing watches it any more.</summary>
    Task HostRemovedAsync(string name);
}

/// <summary>Owns hosts' lifetimes and tells each <see cref="IHostLifetimeObserver"/> about them.</summary>
public interface IHostLifetimePublisher
{
    /// <summary>Tells <paramref name="observer"/> about every host there is now, then about each one added, replaced or removed.</summary>
    /// <returns>Dispose to stop telling it.</returns>
    IDisposable Subscribe(IHostLifetimeObserver observer);
}
