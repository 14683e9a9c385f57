using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.Core.Inventory;

/// <summary>
/// Keeps the <see cref="InventoryStore"/> current: one independent loop per host that reads a full
/// inventory, then follows the host's changes; on failure marks the host Unreachable (or
/// AuthenticationFailed), waits with backoff and jitter, and resynchronises in full on reconnect.
/// </summary>
public sealed partial class InventoryMonitor : BackgroundService
{
    private readonly IReadOnlyList<MonitoredHost> _hosts;
    private readonly InventoryStore _store;
    private readonly InventoryMonitorOptions _options;
    private readonly IHostInventoryWatch _watch;
    private readonly TimeProvider _time;
    private readonly ILogger<InventoryMonitor> _logger;

    public InventoryMonitor(
        IEnumerable<MonitoredHost> hosts,
        InventoryStore store,
        InventoryMonitorOptions options,
        ILogger<InventoryMonitor> logger,
        IHostInventoryWatch? watch = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        _hosts = [.. hosts];
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = timeProvider ?? TimeProvider.System;
        _watch = watch ?? new PollingInventoryWatch(_options.PollInterval, _time);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Every host is in the inventory from the start, before its first answer.
        foreach (var host in _hosts)
        {
            _store.SetHostStatus(host.Name, new HostStatus(HostConnectionState.Connecting, _time.GetUtcNow()));
        }

        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Each loop on its own: a host that blocks or hangs holds up only itself.
        return Task.WhenAll(_hosts.Select(host => Task.Run(() => WatchHostAsync(host, stoppingToken), CancellationToken.None)));
    }

    private async Task WatchHostAsync(MonitoredHost host, CancellationToken stoppingToken)
    {
        var backoff = new ReconnectBackoff(_options.ReconnectDelay, _options.MaxReconnectDelay);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var connected = false;
                await foreach (var inventory in _watch.WatchAsync(host, stoppingToken))
                {
                    // The first inventory of a session is a full resync: the store diffs it against what it kept.
                    _store.ApplyInventory(host.Name, inventory);
                    if (!connected)
                    {
                        connected = true;
                        backoff.Reset();
                        _store.SetHostStatus(host.Name, new HostStatus(HostConnectionState.Connected, _time.GetUtcNow()));
                        LogConnected(host.Name, inventory.Vms.Count);
                    }
                }

                MarkFailed(host, new HostOperationException(HostErrorKind.Unreachable, host.Name, "Watch inventory", "the watch ended"));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                MarkFailed(host, ex);
            }

            try
            {
                await Task.Delay(backoff.NextDelay(), _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void MarkFailed(MonitoredHost host, Exception error)
    {
        var state = error is HostOperationException { Kind: HostErrorKind.AuthenticationFailed }
            ? HostConnectionState.AuthenticationFailed
            : HostConnectionState.Unreachable;
        var current = _store.GetSnapshot(host.Name).Find(host.Name)?.Status;

        // "Since" is when the trouble began, not the latest retry.
        var since = current?.State == state ? current.Since : _time.GetUtcNow();
        if (_store.SetHostStatus(host.Name, new HostStatus(state, since, error.Message)) is not null)
        {
            LogFailed(error, host.Name, state);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Host {Host} connected with {VmCount} VMs")]
    private partial void LogConnected(string host, int vmCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Host {Host} is {State}; retrying with backoff")]
    private partial void LogFailed(Exception error, string host, HostConnectionState state);
}
