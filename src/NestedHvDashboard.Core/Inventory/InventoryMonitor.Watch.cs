using Microsoft.Extensions.Logging;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.Core.Inventory;

/// <summary>One host's loop: wait for its lease, watch it while the lease holds, reconnect with backoff on failure.</summary>
public sealed partial class InventoryMonitor
{
    // A single instance owns every host for good: statuses are set from the start, as they always were.
    private bool EveryHostOwned => _ownership is AlwaysOwned;

    private async Task WatchHostAsync(MonitoredHost host, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            HostLease lease;
            try
            {
                lease = await _ownership.AcquireAsync(host.Name, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                MonitoredHost? seeded = null;
                if (!EveryHostOwned)
                {
                    LogOwned(host.Name, lease.Fence);

                    // A host new to this instance's store shows as Connecting; one taken over keeps its last known state
                    // (from its former owner) until this instance's first read, and that read starts from it.
                    var known = _store.GetSnapshot(host.Name).Find(host.Name);
                    if (known is null)
                    {
                        _store.SetHostStatus(host.Name, new HostStatus(HostConnectionState.Connecting, _time.GetUtcNow()));
                    }
                    else if (TakenOver(known) is { } vms)
                    {
                        seeded = host with { KnownVms = vms };
                    }
                }

                using var watching = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease.Lost);
                await WatchOwnedHostAsync(host, seeded, lease, watching.Token);
            }
            finally
            {
                // Removed, or the app stops: the lease goes back at once. Lost: nothing to give back (a no-op then).
                await _ownership.ReleaseAsync(lease);
            }

            if (lease.Lost.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
            {
                // Another instance watches it now and reports it; this one waits to own it again.
                LogLeaseLost(host.Name);
            }
        }
    }

    /// <summary>
    /// The VMs a host taken over can be watched from (<see cref="MonitoredHost.KnownVms"/>): those its former owner last
    /// reported, when it was reading the host (facts known, and Connected, or Connecting as "owner stopped"); null when the
    /// host was failing there, or nothing is known of it.
    /// </summary>
    internal static IReadOnlyList<VirtualMachines.VmSnapshot>? TakenOver(HostInventoryState known) =>
        known is { Facts: not null, Status.State: HostConnectionState.Connected or HostConnectionState.Connecting } ? known.Vms : null;

    // Returns when the lease is lost or the loop stops (token canceled); never marks the host failed for that.
    // seeded: the host with the VMs it was taken over with, for the first session only (a reconnect reads everything).
    private async Task WatchOwnedHostAsync(MonitoredHost host, MonitoredHost? seeded, HostLease lease, CancellationToken token)
    {
        var backoff = new ReconnectBackoff(_options.ReconnectDelay, _options.MaxReconnectDelay);
        while (!token.IsCancellationRequested)
        {
            var watched = seeded ?? host;
            seeded = null;
            try
            {
                if (host.Endpoint is { } endpoint)
                {
                    await TcpReachability.CheckAsync(host.Name, endpoint.Address, endpoint.Port, host.Timeout, token);
                }

                var connected = false;
                // A turn among the first reads: held until this session's first inventory (or its failure).
                await _firstReads.WaitAsync(token);
                var turn = 1;
                try
                {
                    await foreach (var inventory in _watch.WatchAsync(watched, token))
                    {
                        if (Interlocked.Exchange(ref turn, 0) == 1)
                        {
                            _firstReads.Release();
                        }

                        if (lease.Lost.IsCancellationRequested)
                        {
                            // No longer the owner: what the new owner reads is what counts.
                            return;
                        }

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
                }
                finally
                {
                    if (Interlocked.Exchange(ref turn, 0) == 1)
                    {
                        _firstReads.Release();
                    }
                }

                if (lease.Lost.IsCancellationRequested)
                {
                    return;
                }

                MarkFailed(host, new HostOperationException(HostErrorKind.Unreachable, host.Name, "Watch inventory", "the watch ended"));
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception) when (lease.Lost.IsCancellationRequested)
            {
                // The watch broke as it was stopped for the lost lease: not the host's failure.
                return;
            }
            catch (Exception ex)
            {
                MarkFailed(host, ex);
            }

            try
            {
                await Task.Delay(backoff.NextDelay(), _time, token);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Host {Host} is owned here now (fence {Fence}): watching it")]
    private partial void LogOwned(string host, long fence);

    [LoggerMessage(Level = LogLevel.Information, Message = "Host {Host}'s lease went to another instance: no longer watched here")]
    private partial void LogLeaseLost(string host);
}
