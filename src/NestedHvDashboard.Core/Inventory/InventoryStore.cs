using System.Runtime.CompilerServices;
using System.Threading.Channels;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Inventory;

/// <summary>
/// The current inventory of every host, with a version per host, and the subscribers it feeds.
/// Writers (one loop per host) apply what a host reported; the store works out what changed and
/// hands it to each subscriber's own bounded channel without ever waiting for a subscriber.
/// </summary>
public sealed partial class InventoryStore : IInventoryFeed
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HostEntry> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<HostEntry> _hostOrder = [];
    private readonly List<Subscriber> _subscribers = [];

    // The last version of each removed host: one added again under its name goes on from there, so versions only grow.
    private readonly Dictionary<string, long> _removedVersions = new(StringComparer.OrdinalIgnoreCase);
    private readonly InventoryFeedOptions _options;
    private readonly TimeProvider _time;

    public InventoryStore(InventoryFeedOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new InventoryFeedOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.SubscriberCapacity, 1, nameof(options));
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>How many subscriptions are open.</summary>
    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>Sets a host's status (adding the host if new); publishes a host change when it says something new.</summary>
    /// <returns>The change published, or null when the status says what it said before.</returns>
    public InventoryChange? SetHostStatus(string host, HostStatus status)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentNullException.ThrowIfNull(status);
        lock (_gate)
        {
            var entry = GetOrAdd(host, status, out var added);
            if (!added && entry.Status.SaysSameAs(status))
            {
                return null;
            }

            entry.Status = status;
            entry.Version++;
            var change = InventoryChange.HostChanged(entry.Name, entry.Version, entry.Status, entry.Facts);
            Publish([change]);
            return change;
        }
    }

    /// <summary>
    /// Takes a full inventory a host reported, compares it with what the store holds (VMs by id,
    /// value by value; host facts) and publishes the differences as one step of the host's version.
    /// CPU usage and uptime are metrics, not changes: a VM whose only difference is in them is kept
    /// current for snapshots and goes to subscribers as a <see cref="HostMetrics"/> reading at
    /// <see cref="InventoryFeedOptions.MetricsInterval"/>, never as a change.
    /// </summary>
    /// <returns>The changes published; empty when nothing changed (metrics included).</returns>
    public IReadOnlyList<InventoryChange> ApplyInventory(string host, HostInventory inventory)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentNullException.ThrowIfNull(inventory);
        var vms = inventory.Vms.ToArray();
        var index = new Dictionary<Guid, VmSnapshot>(vms.Length);
        foreach (var vm in vms)
        {
            index[vm.Id] = vm;
        }

        lock (_gate)
        {
            var entry = GetOrAdd(host, new HostStatus(HostConnectionState.Connecting, _time.GetUtcNow()), out _);
            vms = KeepNewerWrites(entry, vms, index, inventory.ReadAt);
            var version = entry.Version + 1;
            var changes = new List<InventoryChange>();
            if (!entry.Facts.SameAs(inventory.Facts))
            {
                entry.Facts = inventory.Facts;
                changes.Add(InventoryChange.HostChanged(entry.Name, version, entry.Status, entry.Facts));
            }

            TakeVms(entry, vms, index, version, changes);
            entry.ReadAt = inventory.ReadAt;
            if (changes.Count > 0)
            {
                entry.Version = version;
                Publish(changes);
            }

            return changes;
        }
    }

    /// <summary>Drops a host and its VMs; publishes <see cref="InventoryChangeKind.HostRemoved"/> when it was there.</summary>
    /// <returns>The change published, or null when the store did not know the host.</returns>
    public InventoryChange? RemoveHost(string host)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        lock (_gate)
        {
            if (!_hosts.Remove(host, out var entry))
            {
                return null;
            }

            _hostOrder.Remove(entry);
            var version = entry.Version + 1;
            _removedVersions[entry.Name] = version;
            var change = InventoryChange.HostRemoved(entry.Name, version);
            Publish([change]);
            return change;
        }
    }

    public InventorySnapshot GetSnapshot(string? host = null)
    {
        lock (_gate)
        {
            return BuildSnapshot(host);
        }
    }

    public InventorySubscription Subscribe(string? host = null) => Subscribe(host, _options.BatchInterval);

    private InventorySubscription Subscribe(string? host, TimeSpan batchInterval)
    {
        var subscriber = new Subscriber(host, batchInterval, Channel.CreateBounded<InventoryChange>(new BoundedChannelOptions(_options.SubscriberCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        }));
        InventorySnapshot snapshot;
        lock (_gate)
        {
            // Snapshot and registration under one lock: the first change the subscriber reads is the first after its snapshot.
            snapshot = BuildSnapshot(host);
            MarkMetricsSeen(subscriber);
            _subscribers.Add(subscriber);
        }

        return new InventorySubscription(snapshot, ct => ReadBatchesAsync(subscriber, ct), () => Unsubscribe(subscriber));
    }

    private async IAsyncEnumerable<InventoryBatch> ReadBatchesAsync(Subscriber subscriber, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = subscriber.Channel.Reader;
        var coalescer = new ChangeCoalescer();
        var nextMetrics = _time.GetUtcNow() + _options.MetricsInterval;
        Task<bool>? waiting = null;
        try
        {
            while (true)
            {
                // Woken by a change, or by the metrics interval: metrics never enter the channel.
                waiting ??= reader.WaitToReadAsync(cancellationToken).AsTask();
                await WaitForChangeOrAsync(waiting, nextMetrics, cancellationToken);
                if (waiting.IsCompleted)
                {
                    if (!await waiting)
                    {
                        yield break;
                    }

                    waiting = null;
                }

                var sent = true;
                var resync = TakeResync(subscriber);
                if (resync is not null)
                {
                    yield return new InventoryBatch([], resync);
                }
                else
                {
                    while (reader.TryRead(out var change))
                    {
                        coalescer.Add(change);
                    }

                    List<HostMetrics> metrics = [];
                    if (_time.GetUtcNow() >= nextMetrics)
                    {
                        metrics = TakeMetrics(subscriber);
                        nextMetrics = _time.GetUtcNow() + _options.MetricsInterval;
                    }

                    sent = coalescer.Count > 0 || metrics.Count > 0;
                    if (sent)
                    {
                        yield return new InventoryBatch(coalescer.Count > 0 ? coalescer.Drain() : [], null, metrics);
                    }
                }

                // At most one batch per interval: what arrives meanwhile waits in the channel and goes out together.
                if (sent)
                {
                    await Task.Delay(subscriber.BatchInterval, _time, cancellationToken);
                }
            }
        }
        finally
        {
            Unsubscribe(subscriber);
        }
    }

    private InventorySnapshot? TakeResync(Subscriber subscriber)
    {
        lock (_gate)
        {
            if (!subscriber.Lagging)
            {
                return null;
            }

            // What is queued is older than the snapshot taken under the same lock: drop it.
            while (subscriber.Channel.Reader.TryRead(out _))
            {
            }

            subscriber.Lagging = false;
            MarkMetricsSeen(subscriber);
            return BuildSnapshot(subscriber.Host);
        }
    }

    private void Unsubscribe(Subscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscriber);
        }

        // Completing ends the reader's loop; once unreferenced, the channel and what it holds are collected.
        subscriber.Channel.Writer.TryComplete();
    }

    // Called under _gate.
    private void Publish(List<InventoryChange> changes)
    {
        var host = changes[0].Host;
        foreach (var subscriber in _subscribers)
        {
            if (subscriber.Lagging || (subscriber.Host is not null && !string.Equals(subscriber.Host, host, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            foreach (var change in changes)
            {
                if (!subscriber.Channel.Writer.TryWrite(change))
                {
                    subscriber.Lagging = true;
                    break;
                }
            }
        }
    }

    // Called under _gate.
    private InventorySnapshot BuildSnapshot(string? host)
    {
        var hosts = new List<HostInventoryState>();
        foreach (var entry in _hostOrder)
        {
            if (host is null || string.Equals(entry.Name, host, StringComparison.OrdinalIgnoreCase))
            {
                hosts.Add(new HostInventoryState(entry.Name, entry.Status, entry.Facts, entry.Vms, entry.Version, entry.ReadAt));
            }
        }

        return new InventorySnapshot(hosts);
    }

    // Called under _gate: the VMs' differences from what the entry held (as changes of the given version; metrics that moved
    // stamped at the entry's next metrics version), then the VMs become the entry's.
    private static void TakeVms(HostEntry entry, VmSnapshot[] vms, Dictionary<Guid, VmSnapshot> index, long version, List<InventoryChange> changes)
    {
        var metricsVersion = entry.MetricsVersion + 1;
        var metricsMoved = false;
        foreach (var vm in vms)
        {
            if (!entry.VmIndex.TryGetValue(vm.Id, out var known))
            {
                changes.Add(InventoryChange.VmAdded(entry.Name, version, vm));
            }
            else if (!known.SameApartFromMetrics(vm))
            {
                changes.Add(InventoryChange.VmChanged(entry.Name, version, vm));
            }
            else if (known.MetricOf() != vm.MetricOf())
            {
                entry.MetricStamps[vm.Id] = metricsVersion;
                metricsMoved = true;
            }
        }

        foreach (var known in entry.Vms)
        {
            if (!index.ContainsKey(known.Id))
            {
                changes.Add(InventoryChange.VmRemoved(entry.Name, version, known.Id));
                entry.MetricStamps.Remove(known.Id);
            }
        }

        if (metricsMoved)
        {
            entry.MetricsVersion = metricsVersion;
        }

        entry.Vms = vms;
        entry.VmIndex = index;
    }

    // Called under _gate.
    private HostEntry GetOrAdd(string host, HostStatus status, out bool added)
    {
        added = !_hosts.TryGetValue(host, out var entry);
        if (entry is null)
        {
            entry = new HostEntry(host, status);
            if (_removedVersions.Remove(host, out var removedAt))
            {
                entry.Version = removedAt;
            }

            _hosts.Add(host, entry);
            _hostOrder.Add(entry);
        }

        return entry;
    }

    private sealed class HostEntry(string name, HostStatus status)
    {
        public string Name { get; } = name;

        public HostStatus Status { get; set; } = status;

        public HostFacts? Facts { get; set; }

        // Replaced whole on every read, never mutated: snapshots share it safely.
        public VmSnapshot[] Vms { get; set; } = [];

        public Dictionary<Guid, VmSnapshot> VmIndex { get; set; } = [];

        public long Version { get; set; }

        // Metrics (CPU, uptime) have their own counter: they never step Version.
        public long MetricsVersion { get; set; }

        // Per VM, the MetricsVersion at which its metrics last moved.
        public Dictionary<Guid, long> MetricStamps { get; } = [];

        public DateTimeOffset? ReadAt { get; set; }

        // Per VM, when the snapshot a change wrote (ApplyVm) was read; dropped once an inventory read after it arrives.
        public Dictionary<Guid, DateTimeOffset> WrittenAt { get; } = [];
    }

    private sealed class Subscriber(string? host, TimeSpan batchInterval, Channel<InventoryChange> channel)
    {
        public string? Host { get; } = host;

        public TimeSpan BatchInterval { get; } = batchInterval;

        public Channel<InventoryChange> Channel { get; } = channel;

        // Set by the producer when the channel is full; the reader then resyncs from a snapshot.
        public bool Lagging { get; set; }

        // Per host, the MetricsVersion this subscriber has (from its snapshot or its last update).
        public Dictionary<string, long> MetricsSeen { get; } = new(StringComparer.OrdinalIgnoreCase);
    }
}
