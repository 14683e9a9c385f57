using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.Core.Inventory;

/// <summary>How the inventory monitor watches hosts.</summary>
public sealed class InventoryMonitorOptions
{
    /// <summary>Time between two reads of a host when polling. Default: 2 seconds.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The host-side watch's time between two reads of every VM's configuration (processor, memory,
    /// adapters, checkpoints, guest OS). A VM that changes state, or that the dashboard itself just
    /// changed, is read at once regardless. Default: 30 seconds.
    /// </summary>
    public TimeSpan ConfigInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The host-side watch's time between two metric rows (CPU usage, uptime). Default: 4 seconds.</summary>
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>
    /// The most hosts whose first inventory of a session is read at once (a host waiting for its turn shows Connecting).
    /// A first read is the expensive one — a new session's open, then every VM in full — and hundreds of them at once
    /// (a start with 200 hosts) only contend for the same cores. Default: 8.
    /// </summary>
    public int MaxConcurrentFirstReads { get; set; } = 8;

    /// <summary>The first wait before reconnecting to a host that failed; doubles per failure. Default: 1 second.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two reconnect attempts. Default: 60 seconds.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>A host the monitor watches, with the bound on each read.</summary>
/// <param name="Host">The host.</param>
/// <param name="Timeout">How long one read may take before the host counts as unreachable (its settings' timeout).</param>
/// <param name="Endpoint">
/// When set, the address and TCP port the monitor connects to (<see cref="TcpReachability"/>)
/// before each watch session: a host that refuses is Unreachable without starting its transport.
/// </param>
public sealed record MonitoredHost(IHyperVHost Host, TimeSpan Timeout, (string Address, int Port)? Endpoint = null)
{
    /// <summary>The host's name.</summary>
    public string Name => Host.Name;

    /// <summary>
    /// The host's VMs as this instance already has them when it takes the host over from another instance (the cluster's
    /// feed gave them), for a watch that can start from them: its first read then reads every VM's state but the
    /// configuration only of the VMs that are new or changed state, and the others' at its next configuration cycle.
    /// Null (a single instance, a reconnect, a host new to this instance): the first read reads everything.
    /// </summary>
    public IReadOnlyList<VirtualMachines.VmSnapshot>? KnownVms { get; init; }
}
