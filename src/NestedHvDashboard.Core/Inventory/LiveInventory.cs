using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Inventory;

/// <summary>
/// A subscriber's own copy of the inventory: starts from a snapshot and applies change batches
/// (a resync batch replaces everything). Not thread-safe: one reader loop owns it.
/// A host's state is built once per change of that host and then reused: with hundreds of hosts a batch that touches
/// a few rebuilds only those, and readers may keep (and share) the lists and states they got — they never change.
/// </summary>
public sealed class LiveInventory
{
    private readonly Dictionary<string, HostEntry> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _order = [];
    private IReadOnlyList<HostInventoryState>? _list;

    public LiveInventory(InventorySnapshot snapshot) => Reset(snapshot);

    /// <summary>
    /// Every host, in the order the feed first named them, with its VMs ordered by name. The same list instance until
    /// a batch changes something; hosts a batch did not touch keep their state instances.
    /// </summary>
    public IReadOnlyList<HostInventoryState> Hosts => _list ??= [.. _order.Select(name => _hosts[name].ToState())];

    /// <summary>One host, or null when the feed has not named it.</summary>
    public HostInventoryState? Find(string host) => _hosts.TryGetValue(host, out var entry) ? entry.ToState() : null;

    /// <summary>
    /// Applies one batch; returns the names of the hosts its changes touched. Metric updates (CPU,
    /// uptime) are applied too but touch nothing: they are readings, not changes.
    /// </summary>
    public IReadOnlySet<string> Apply(InventoryBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Resync is { } snapshot)
        {
            Reset(snapshot);
            return _order.ToHashSet(StringComparer.OrdinalIgnoreCase);
        }

        var touched = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var change in batch.Changes)
        {
            if (change.Kind == InventoryChangeKind.HostRemoved)
            {
                if (_hosts.Remove(change.Host))
                {
                    _list = null;
                    _order.RemoveAll(name => string.Equals(name, change.Host, StringComparison.OrdinalIgnoreCase));
                    touched.Add(change.Host);
                }

                continue;
            }

            var entry = Entry(change.Host);
            // A change at or below the snapshot's version is already in it. Several changes of one
            // step share a version, so only the snapshot's version is the bar, not the last change's.
            if (change.Version <= entry.SnapshotVersion)
            {
                continue;
            }

            entry.Version = Math.Max(entry.Version, change.Version);
            entry.Touch();
            _list = null;
            switch (change.Kind)
            {
                case InventoryChangeKind.VmAdded or InventoryChangeKind.VmChanged when change.Vm is not null:
                    entry.Vms[change.VmId] = change.Vm;
                    break;
                case InventoryChangeKind.VmRemoved:
                    entry.Vms.Remove(change.VmId);
                    break;
                case InventoryChangeKind.HostChanged when change.Status is not null:
                    entry.State = entry.State with { Status = change.Status, Facts = change.Facts ?? entry.State.Facts };
                    break;
            }

            touched.Add(change.Host);
        }

        foreach (var update in batch.MetricUpdates)
        {
            if (_hosts.TryGetValue(update.Host, out var entry))
            {
                foreach (var metric in update.Vms)
                {
                    if (entry.Vms.TryGetValue(metric.VmId, out var vm))
                    {
                        entry.Vms[metric.VmId] = vm.WithMetric(metric);
                        // Readers see the reading (a new state), but the host is not reported as touched.
                        entry.Touch();
                        _list = null;
                    }
                }
            }
        }

        return touched;
    }

    private void Reset(InventorySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _hosts.Clear();
        _order.Clear();
        _list = null;
        foreach (var host in snapshot.Hosts)
        {
            var entry = Entry(host.Name);
            entry.State = host;
            entry.Version = host.Version;
            entry.SnapshotVersion = host.Version;
            foreach (var vm in host.Vms)
            {
                entry.Vms[vm.Id] = vm;
            }
        }
    }

    private HostEntry Entry(string host)
    {
        if (!_hosts.TryGetValue(host, out var entry))
        {
            entry = new HostEntry(new HostInventoryState(host, new HostStatus(HostConnectionState.Connecting, DateTimeOffset.MinValue), null, [], 0, null));
            _hosts[host] = entry;
            _order.Add(host);
            _list = null;
        }

        return entry;
    }

    private sealed class HostEntry(HostInventoryState state)
    {
        private HostInventoryState? _built;

        public HostInventoryState State { get; set; } = state;

        public long Version { get; set; }

        public long SnapshotVersion { get; set; }

        public Dictionary<Guid, VmSnapshot> Vms { get; } = [];

        /// <summary>Something of this host changed: the next <see cref="ToState"/> builds a new state.</summary>
        public void Touch() => _built = null;

        public HostInventoryState ToState() => _built ??= State with
        {
            Version = Version,
            Vms = [.. Vms.Values.OrderBy(v => v.Name, StringComparer.OrdinalIgnoreCase)],
        };
    }
}
