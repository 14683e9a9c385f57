using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NestedHvDashboard.Core.Inventory;

/// <summary>
/// Keeps the <see cref="InventoryStore"/> current: one independent loop per host that reads a full
/// inventory, then follows the host's changes; on failure marks the host Unreachable (or
/// AuthenticationFailed), waits with backoff and jitter, and resynchronises in full on reconnect.
/// Hosts can be added and removed while it runs; each loop has its own cancellation. A host is watched only while this
/// instance owns it (<see cref="IHostOwnership"/>: every host on a single instance, one lease per host in a cluster).
/// </summary>
public sealed partial class InventoryMonitor : BackgroundService, IHostLifetimeObserver
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HostLoop> _loops = new(StringComparer.OrdinalIgnoreCase);
    private readonly InventoryStore _store;
    private readonly InventoryMonitorOptions _options;
    private readonly IHostInventoryWatch _watch;
    private readonly TimeProvider _time;
    private readonly IHostOwnership _ownership;
    private readonly ILogger<InventoryMonitor> _logger;
    private readonly SemaphoreSlim _firstReads;
    private bool _started;
    private CancellationToken? _running;

    public InventoryMonitor(
        IEnumerable<MonitoredHost> hosts,
        InventoryStore store,
        InventoryMonitorOptions options,
        ILogger<InventoryMonitor> logger,
        IHostInventoryWatch? watch = null,
        TimeProvider? timeProvider = null,
        IHostOwnership? ownership = null)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = timeProvider ?? TimeProvider.System;
        _ownership = ownership ?? AlwaysOwned.Instance;
        _watch = watch ?? new PollingInventoryWatch(_options.PollInterval, _time);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxConcurrentFirstReads, 1, nameof(options));
        _firstReads = new SemaphoreSlim(_options.MaxConcurrentFirstReads, _options.MaxConcurrentFirstReads);
        foreach (var host in hosts)
        {
            AddHost(host);
        }
    }

    /// <summary>The names of the hosts watched, in no particular order.</summary>
    public IReadOnlyList<string> HostNames
    {
        get
        {
            lock (_gate)
            {
                return [.. _loops.Keys];
            }
        }
    }

    /// <summary>
    /// Watches one more host. Before <see cref="StartAsync"/> it waits for the start like the hosts
    /// given to the constructor; after, it shows as Connecting at once and its loop starts.
    /// </summary>
    /// <exception cref="InvalidOperationException">A host with that name (case-insensitive) is already watched.</exception>
    public void AddHost(MonitoredHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        lock (_gate)
        {
            if (!_loops.TryAdd(host.Name, new HostLoop(host)))
            {
                throw new InvalidOperationException($"The host '{host.Name}' is already watched.");
            }

            if (_started && EveryHostOwned)
            {
                _store.SetHostStatus(host.Name, new HostStatus(HostConnectionState.Connecting, _time.GetUtcNow()));
            }

            if (_running is { } stopping)
            {
                Run(_loops[host.Name], stopping);
            }
        }
    }

    /// <summary>
    /// Stops watching a host: cancels its loop, waits for it to end (so it never writes again) and
    /// removes the host from the store, which tells every subscriber.
    /// </summary>
    /// <returns>False when no host of that name was watched.</returns>
    public async Task<bool> RemoveHostAsync(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        HostLoop? loop;
        lock (_gate)
        {
            if (!_loops.Remove(name, out loop))
            {
                return false;
            }
        }

        await loop.StopAsync();
        _store.RemoveHost(name);
        LogRemoved(loop.Host.Name);
        return true;
    }

    /// <summary>Watches <paramref name="host"/> in place of the host named <paramref name="name"/> (which may differ, for a rename).</summary>
    public async Task ReplaceHostAsync(string name, MonitoredHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        await RemoveHostAsync(name);
        AddHost(host);
    }

    void IHostLifetimeObserver.HostAdded(MonitoredHost host) => AddHost(host);

    Task IHostLifetimeObserver.HostReplacedAsync(string name, MonitoredHost host) => ReplaceHostAsync(name, host);

    Task IHostLifetimeObserver.HostRemovedAsync(string name) => RemoveHostAsync(name);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _started = true;

            // Every host is in the inventory from the start, before its first answer (in a cluster, the owner's feed puts it there).
            foreach (var loop in _loops.Values)
            {
                if (EveryHostOwned)
                {
                    _store.SetHostStatus(loop.Host.Name, new HostStatus(HostConnectionState.Connecting, _time.GetUtcNow()));
                }
            }
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        lock (_gate)
        {
            _running = stoppingToken;
            foreach (var loop in _loops.Values)
            {
                Run(loop, stoppingToken);
            }
        }

        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping: every loop's token is linked to this one.
        }

        HostLoop[] loops;
        lock (_gate)
        {
            _running = null;
            loops = [.. _loops.Values];
        }

        await Task.WhenAll(loops.Select(l => l.StopAsync()));
    }

    // Called under _gate. Each loop on its own: a host that blocks or hangs holds up only itself.
    private void Run(HostLoop loop, CancellationToken stoppingToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        loop.Start(stop, Task.Run(() => WatchHostAsync(loop.Host, stop.Token), CancellationToken.None));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Host {Host} is no longer watched")]
    private partial void LogRemoved(string host);

    /// <summary>One host's loop: started once the monitor runs, stopped by its own token.</summary>
    private sealed class HostLoop(MonitoredHost host)
    {
        private readonly Lock _gate = new();
        private CancellationTokenSource? _stop;
        private Task? _task;
        private Task? _stopping;

        public MonitoredHost Host { get; } = host;

        public void Start(CancellationTokenSource stop, Task task)
        {
            lock (_gate)
            {
                _stop = stop;
                _task = task;
            }
        }

        // Removal and shutdown may both stop a loop: the first call stops it, later ones wait for the same end.
        public Task StopAsync()
        {
            lock (_gate)
            {
                return _stopping ??= _stop is null || _task is null ? Task.CompletedTask : StopCoreAsync(_stop, _task);
            }
        }

        private static async Task StopCoreAsync(CancellationTokenSource stop, Task task)
        {
            await stop.CancelAsync();

            // The loop ends on cancellation (a hung read is abandoned by the watch), so this wait is short.
            await task;
            stop.Dispose();
        }
    }
}
