using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Inventory;

/// <summary>
/// What another instance of the dashboard (a cluster's owner of the host) said of a host it watches, applied here under the
/// store's own rules: versions only grow (this store's own, one step per message that changes something), subscribers see
/// one change per change, and CPU and uptime are metrics, never changes.
/// </summary>
public sealed partial class InventoryStore
{
    /// <summary>
    /// Like <see cref="Subscribe(string?)"/>, with a batch interval of its own: a cluster's feed forwards the owner's changes
    /// at a shorter one than the pages' (metrics keep theirs), so that another instance's pages are not a whole batch later.
    /// </summary>
    public InventorySubscription SubscribeForReplication(TimeSpan batchInterval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchInterval, TimeSpan.Zero);
        return Subscribe(null, batchInterval);
    }

    /// <summary>When the host last answered, as this store holds it; null when it never did or the store does not have it.</summary>
    public DateTimeOffset? ReadAtOf(string host)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        lock (_gate)
        {
            return _hosts.TryGetValue(host, out var entry) ? entry.ReadAt : null;
        }
    }

    /// <summary>Every host's last read (hosts never read left out), in the store's order.</summary>
    public IReadOnlyList<(string Host, DateTimeOffset ReadAt)> ReadTimes()
    {
        lock (_gate)
        {
            return [.. _hostOrder.Where(e => e.ReadAt is not null).Select(e => (e.Name, e.ReadAt!.Value))];
        }
    }

    /// <summary>
    /// Takes the owner's last read of a host whose watch found nothing new (no change carried it), when it is later than what
    /// the store holds. Nothing is published: the time is read with the host's state.
    /// </summary>
    /// <returns>True when the store's last read of the host moved.</returns>
    public bool ApplyReplicatedReadAt(string host, DateTimeOffset readAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        lock (_gate)
        {
            if (!_hosts.TryGetValue(host, out var entry) || entry.ReadAt >= readAt)
            {
                return false;
            }

            entry.ReadAt = readAt;
            return true;
        }
    }

    /// <summary>
    /// Applies changes the host's owner published (VM added, changed or removed, host status and facts; a
    /// <see cref="InventoryChangeKind.HostRemoved"/> is not taken here: use <see cref="RemoveHost"/>), adding the host when
    /// the store does not have it. Each change that says something new here is published as one step of this store's version
    /// for the host; a VM that differs only in CPU or uptime becomes a metric update.
    /// </summary>
    /// <param name="host">The host's name.</param>
    /// <param name="changes">The owner's changes, oldest first.</param>
    /// <param name="readAt">When the owner last read the host (kept as the host's last read), or null to keep what the store has.</param>
    /// <returns>The changes published here; empty when nothing was new.</returns>
    public IReadOnlyList<InventoryChange> ApplyReplicated(string host, IReadOnlyList<InventoryChange> changes, DateTimeOffset? readAt = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentNullException.ThrowIfNull(changes);
        lock (_gate)
        {
            var entry = GetOrAdd(host, new HostStatus(HostConnectionState.Connecting, _time.GetUtcNow()), out var added);
            var version = entry.Version + 1;
            var metricsVersion = entry.MetricsVersion + 1;
            var published = new List<InventoryChange>();
            var vms = new List<VmSnapshot>(entry.Vms);
            var vmsTouched = false;
            var metricsMoved = false;
            foreach (var change in changes)
            {
                switch (change.Kind)
                {
                    case InventoryChangeKind.VmAdded or InventoryChangeKind.VmChanged when change.Vm is { } vm:
                        if (!entry.VmIndex.TryGetValue(vm.Id, out var known))
                        {
                            vms.Add(vm);
                            published.Add(InventoryChange.VmAdded(entry.Name, version, vm));
                        }
                        else if (!known.SameApartFromMetrics(vm))
                        {
                            vms[vms.FindIndex(v => v.Id == vm.Id)] = vm;
                            published.Add(InventoryChange.VmChanged(entry.Name, version, vm));
                        }
                        else if (known.MetricOf() != vm.MetricOf())
                        {
                            vms[vms.FindIndex(v => v.Id == vm.Id)] = vm;
                            entry.MetricStamps[vm.Id] = metricsVersion;
                            metricsMoved = true;
                        }
                        else
                        {
                            continue;
                        }

                        entry.VmIndex[vm.Id] = vm;
                        vmsTouched = true;
                        break;
                    case InventoryChangeKind.VmRemoved when entry.VmIndex.Remove(change.VmId):
                        vms.RemoveAll(v => v.Id == change.VmId);
                        entry.MetricStamps.Remove(change.VmId);
                        entry.WrittenAt.Remove(change.VmId);
                        published.Add(InventoryChange.VmRemoved(entry.Name, version, change.VmId));
                        vmsTouched = true;
                        break;
                    case InventoryChangeKind.HostChanged when change.Status is { } status:
                        if (added || !entry.Status.SaysSameAs(status) || !entry.Facts.SameAs(change.Facts))
                        {
                            entry.Status = status;
                            entry.Facts = change.Facts;
                            published.Add(InventoryChange.HostChanged(entry.Name, version, entry.Status, entry.Facts));
                            added = false;
                        }

                        break;
                }
            }

            if (added)
            {
                // A host this store did not have: subscribers learn of it, as of one a monitor adds.
                published.Insert(0, InventoryChange.HostChanged(entry.Name, version, entry.Status, entry.Facts));
            }

            if (vmsTouched)
            {
                entry.Vms = [.. vms];
            }

            if (metricsMoved)
            {
                entry.MetricsVersion = metricsVersion;
            }

            entry.ReadAt = readAt ?? entry.ReadAt;
            if (published.Count > 0)
            {
                entry.Version = version;
                Publish(published);
            }

            return published;
        }
    }

    /// <summary>
    /// Sets the CPU usage and uptime the host's owner read (a metric update, never a change): subscribers get them at their
    /// next metrics interval, as they get the metrics of a host watched here.
    /// </summary>
    /// <returns>False when the store does not have the host, or nothing moved.</returns>
    public bool ApplyReplicatedMetrics(string host, IReadOnlyList<VmMetric> metrics, DateTimeOffset? readAt = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentNullException.ThrowIfNull(metrics);
        lock (_gate)
        {
            if (!_hosts.TryGetValue(host, out var entry))
            {
                return false;
            }

            var metricsVersion = entry.MetricsVersion + 1;
            VmSnapshot[]? vms = null;
            foreach (var metric in metrics)
            {
                if (!entry.VmIndex.TryGetValue(metric.VmId, out var known) || known.MetricOf() == metric)
                {
                    continue;
                }

                vms ??= [.. entry.Vms];
                var updated = known.WithMetric(metric);
                vms[Array.FindIndex(vms, v => v.Id == metric.VmId)] = updated;
                entry.VmIndex[metric.VmId] = updated;
                entry.MetricStamps[metric.VmId] = metricsVersion;
            }

            entry.ReadAt = readAt ?? entry.ReadAt;
            if (vms is null)
            {
                return false;
            }

            entry.Vms = vms;
            entry.MetricsVersion = metricsVersion;
            return true;
        }
    }

    /// <summary>
    /// A full resync of one host from the state its owner published (status, facts, every VM, last read): the store compares
    /// it with what it holds and publishes the differences as one step of the host's version, like a host's first inventory
    /// after a reconnect; a VM whose only difference is CPU or uptime becomes a metric update. A VM a change wrote here
    /// after the owner's read keeps what was written.
    /// </summary>
    /// <returns>The changes published; empty when the store already said the same.</returns>
    public IReadOnlyList<InventoryChange> ApplyReplicatedState(HostInventoryState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentException.ThrowIfNullOrEmpty(state.Name);
        var vms = state.Vms.ToArray();
        var index = new Dictionary<Guid, VmSnapshot>(vms.Length);
        foreach (var vm in vms)
        {
            index[vm.Id] = vm;
        }

        lock (_gate)
        {
            var entry = GetOrAdd(state.Name, state.Status, out var added);
            if (state.ReadAt is { } readAt)
            {
                vms = KeepNewerWrites(entry, vms, index, readAt);
            }

            var version = entry.Version + 1;
            var changes = new List<InventoryChange>();
            if (added || !entry.Status.SaysSameAs(state.Status) || !entry.Facts.SameAs(state.Facts))
            {
                entry.Status = state.Status;
                entry.Facts = state.Facts;
                changes.Add(InventoryChange.HostChanged(entry.Name, version, entry.Status, entry.Facts));
            }

            TakeVms(entry, vms, index, version, changes);
            entry.ReadAt = state.ReadAt ?? entry.ReadAt;
            if (changes.Count > 0)
            {
                entry.Version = version;
                Publish(changes);
            }

            return changes;
        }
    }
}
