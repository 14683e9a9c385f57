using System.Runtime.CompilerServices;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.Core.Inventory;

/// <summary>
/// How the monitor learns what a host has: a full inventory first, then a new one whenever the
/// host may have changed. Polling is the fallback; a host-side watch (e.g. Hyper-V's WMI events)
/// can take its place per host without the monitor or the store changing.
/// </summary>
public interface IHostInventoryWatch
{
    /// <summary>
    /// Inventories of <paramref name="host"/>, the first one at once. Ends by throwing
    /// (<see cref="HostOperationException"/> in the user's terms) when the host fails; the
    /// monitor then reconnects and calls this again.
    /// </summary>
    IAsyncEnumerable<HostInventory> WatchAsync(MonitoredHost host, CancellationToken cancellationToken);
}

/// <summary>Reads the whole inventory every <see cref="InventoryMonitorOptions.PollInterval"/>.</summary>
public sealed class PollingInventoryWatch : IHostInventoryWatch
{
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;

    public PollingInventoryWatch(TimeSpan interval, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _interval = interval;
        _time = timeProvider ?? TimeProvider.System;
    }

    public async IAsyncEnumerable<HostInventory> WatchAsync(MonitoredHost host, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        while (true)
        {
            yield return await ReadInventoryAsync(host, _time, cancellationToken);
            await Task.Delay(_interval, _time, cancellationToken);
        }
    }

    /// <summary>
    /// One read, bounded by the host's timeout even if the host ignores cancellation or blocks
    /// its caller: a hung host costs one abandoned call, never the monitor's loop.
    /// </summary>
    public static async Task<HostInventory> ReadInventoryAsync(MonitoredHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(time);
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var read = Task.Run(() => host.Host.GetInventoryAsync(call.Token), CancellationToken.None);
        try
        {
            return await read.WaitAsync(host.Timeout, time, cancellationToken);
        }
        catch (TimeoutException ex) when (!read.IsCompleted)
        {
            await call.CancelAsync();
            _ = read.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw new HostOperationException(
                HostErrorKind.Timeout,
                host.Name,
                "Read inventory",
                $"no answer within {host.Timeout.TotalSeconds:0.###} s",
                inner: ex);
        }
    }
}
