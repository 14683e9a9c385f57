using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Inventory;

/// <summary>
/// The VM a change read back from its host, written into the store so that every page shows the feed and only the feed.
/// The store never goes back: a snapshot read before what the store has is dropped, and a host inventory read before a
/// VM's written snapshot keeps that snapshot.
/// </summary>
public sealed partial class InventoryStore
{
    /// <summary>
    /// Writes <paramref name="vm"/> of <paramref name="host"/> as a change read it from the host at <paramref name="readAt"/>
    /// (now when null), and publishes it as one step of the host's version. Nothing happens for a host the store does not
    /// have, for a snapshot older than the host's last inventory or the VM's last written snapshot, or for one that differs
    /// only in its metrics.
    /// </summary>
    /// <returns>The change published, or null when nothing was.</returns>
    public InventoryChange? ApplyVm(string host, VmSnapshot vm, DateTimeOffset? readAt = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentNullException.ThrowIfNull(vm);
        var change = ApplyVmCore(host, vm, readAt ?? _time.GetUtcNow());

        // Outside the lock: a cluster's feed sends it to the other instances (they apply it with ApplyVmWrittenElsewhere).
        VmWritten?.Invoke(host, vm);
        return change;
    }

    /// <summary>
    /// Raised (outside the store's lock, on the writer's thread) after each <see cref="ApplyVm"/> with the host and the VM a
    /// change read back, whether or not it changed what this store holds: in a cluster, the feed sends it to every instance.
    /// </summary>
    public event Action<string, VmSnapshot>? VmWritten;

    /// <summary>
    /// Writes <paramref name="vm"/> of <paramref name="host"/> as read now by a change another instance of the dashboard ran
    /// (its <see cref="ApplyVm"/> there), under the same rules as <see cref="ApplyVm"/> but without raising <see cref="VmWritten"/>.
    /// </summary>
    /// <returns>The change published, or null when nothing was.</returns>
    public InventoryChange? ApplyVmWrittenElsewhere(string host, VmSnapshot vm)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentNullException.ThrowIfNull(vm);
        return ApplyVmCore(host, vm, _time.GetUtcNow());
    }

    private InventoryChange? ApplyVmCore(string host, VmSnapshot vm, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (!_hosts.TryGetValue(host, out var entry)
                || entry.ReadAt > at
                || (entry.WrittenAt.TryGetValue(vm.Id, out var written) && written > at))
            {
                return null;
            }

            var known = entry.VmIndex.GetValueOrDefault(vm.Id);
            if (known is not null && known.SameApartFromMetrics(vm))
            {
                return null;
            }

            entry.WrittenAt[vm.Id] = at;
            entry.Vms = known is null ? [.. entry.Vms, vm] : [.. entry.Vms.Select(v => v.Id == vm.Id ? vm : v)];
            entry.VmIndex[vm.Id] = vm;
            entry.Version++;
            var change = known is null ? InventoryChange.VmAdded(entry.Name, entry.Version, vm) : InventoryChange.VmChanged(entry.Name, entry.Version, vm);
            Publish([change]);
            return change;
        }
    }

    // Called under _gate, before an inventory read at readAt is compared: a VM written after that read keeps what was
    // written (also a VM the read does not have yet); a VM written before it is the read's again.
    private static VmSnapshot[] KeepNewerWrites(HostEntry entry, VmSnapshot[] vms, Dictionary<Guid, VmSnapshot> index, DateTimeOffset readAt)
    {
        if (entry.WrittenAt.Count == 0)
        {
            return vms;
        }

        var kept = false;
        foreach (var (id, writtenAt) in entry.WrittenAt.ToList())
        {
            if (writtenAt <= readAt || !entry.VmIndex.TryGetValue(id, out var written))
            {
                entry.WrittenAt.Remove(id);
                continue;
            }

            index[id] = written;
            kept = true;
        }

        if (!kept)
        {
            return vms;
        }

        var seen = vms.Select(v => v.Id).ToHashSet();
        return [.. vms.Select(v => index[v.Id]), .. entry.WrittenAt.Keys.Where(id => !seen.Contains(id)).Select(id => index[id])];
    }
}
