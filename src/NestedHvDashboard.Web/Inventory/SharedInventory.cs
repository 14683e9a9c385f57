using System.Collections.Immutable;
using NestedHvDashboard.Core.Inventory;

namespace NestedHvDashboard.Web.Inventory;

/// <summary>
/// One live copy of the inventory for every page of every circuit. It reads the feed once (one subscription, one
/// <see cref="LiveInventory"/>) and publishes each state as an immutable list that circuits share by reference: a
/// circuit holds a pointer, never a copy of the hosts and their VMs, and derived data computed from a state (the VM
/// grid's rows and sort orders) is computed once for all circuits. Listeners are told that a new state is there; each
/// takes the latest when it renders, so a slow circuit skips states instead of queueing them.
/// Starts reading on first use; stops when the app's services are disposed.
/// </summary>
public sealed class SharedInventory : IAsyncDisposable
{
    private readonly IInventoryFeed _feed;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private ImmutableArray<Action> _listeners = [];
    private IReadOnlyList<HostInventoryState>? _hosts;
    private Task? _reading;

    public SharedInventory(IInventoryFeed feed)
    {
        ArgumentNullException.ThrowIfNull(feed);
        _feed = feed;
    }

    /// <summary>Every host as the feed last said, in the feed's order. Never changed in place: a new state is a new list.</summary>
    public IReadOnlyList<HostInventoryState> Hosts
    {
        get
        {
            EnsureStarted();
            return Volatile.Read(ref _hosts)!;
        }
    }

    /// <summary>
    /// Calls <paramref name="changed"/> (on the reader's thread; keep it short, e.g. schedule a render) after each new
    /// state. Dispose the result to stop.
    /// </summary>
    public IDisposable Listen(Action changed)
    {
        ArgumentNullException.ThrowIfNull(changed);
        EnsureStarted();
        ImmutableInterlocked.Update(ref _listeners, (list, item) => list.Add(item), changed);
        return new Registration(this, changed);
    }

    /// <summary>How many listeners are registered (for tests and diagnostics).</summary>
    public int ListenerCount => _listeners.Length;

    private void EnsureStarted()
    {
        if (Volatile.Read(ref _reading) is not null)
        {
            return;
        }

        lock (_gate)
        {
            if (_reading is not null)
            {
                return;
            }

            ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
            var subscription = _feed.Subscribe();
            var live = new LiveInventory(subscription.Snapshot);
            Volatile.Write(ref _hosts, live.Hosts);
            Volatile.Write(ref _reading, Task.Run(() => ReadAsync(subscription, live, _stop.Token)));
        }
    }

    private async Task ReadAsync(InventorySubscription subscription, LiveInventory live, CancellationToken cancellationToken)
    {
        await using (subscription)
        {
            try
            {
                await foreach (var batch in subscription.ReadBatchesAsync(cancellationToken))
                {
                    live.Apply(batch);
                    var hosts = live.Hosts;
                    if (ReferenceEquals(hosts, Volatile.Read(ref _hosts)))
                    {
                        continue;
                    }

                    Volatile.Write(ref _hosts, hosts);
                    foreach (var listener in _listeners)
                    {
                        listener();
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The app stops.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task? reading;
        lock (_gate)
        {
            reading = _reading;
            _stop.Cancel();
        }

        if (reading is not null)
        {
            await reading;
        }

        _stop.Dispose();
    }

    private sealed class Registration(SharedInventory owner, Action listener) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                ImmutableInterlocked.Update(ref owner._listeners, (list, item) => list.Remove(item), listener);
            }
        }
    }
}
