using NestedHvDashboard.Core.Inventory;

namespace NestedHvDashboard.Web.Inventory;

/// <summary>
/// One hub stream's view of the inventory, kept so each item can carry the readiness of the VMs it is about: every VM
/// of a snapshot, and for changes the VMs added or changed plus every VM of a host whose facts changed (the host
/// rules feed the VM checklist). VMs of a host that has not answered yet (no facts) have no readiness.
/// Not thread-safe: the stream's loop owns it.
/// </summary>
internal sealed class StreamReadiness(InventorySnapshot snapshot)
{
    private readonly LiveInventory _live = new(snapshot);

    /// <summary>The readiness of every VM of <paramref name="hosts"/> whose host has facts.</summary>
    public static IReadOnlyList<VmReadiness> Of(IEnumerable<HostInventoryState> hosts) =>
        [.. hosts.Where(h => h.Facts is not null).SelectMany(h => h.Vms.Select(vm => VmReadiness.Of(h.Name, h.Facts!, vm)))];

    /// <summary>Applies <paramref name="batch"/> to this stream's view; returns the readiness its item carries.</summary>
    public IReadOnlyList<VmReadiness> Apply(InventoryBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Resync is { } resync)
        {
            _live.Apply(batch);
            return Of(resync.Hosts);
        }

        if (batch.Changes.Count == 0)
        {
            _live.Apply(batch);
            return [];
        }

        var factsBefore = new Dictionary<string, Core.Hosts.HostFacts?>(StringComparer.OrdinalIgnoreCase);
        foreach (var change in batch.Changes.Where(c => c.Kind is InventoryChangeKind.HostChanged))
        {
            factsBefore.TryAdd(change.Host, _live.Find(change.Host)?.Facts);
        }

        _live.Apply(batch);
        var refreshed = factsBefore.Where(h => !h.Value.SameAs(_live.Find(h.Key)?.Facts)).Select(h => h.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var changedVms = batch.Changes
            .Where(c => c.Kind is InventoryChangeKind.VmAdded or InventoryChangeKind.VmChanged && !refreshed.Contains(c.Host))
            .GroupBy(c => c.Host, StringComparer.OrdinalIgnoreCase);

        var readiness = new List<VmReadiness>(Of(refreshed.Select(_live.Find).OfType<HostInventoryState>()));
        foreach (var host in changedVms)
        {
            if (_live.Find(host.Key) is not { Facts: { } facts } state)
            {
                continue;
            }

            var ids = host.Select(c => c.VmId).ToHashSet();
            readiness.AddRange(state.Vms.Where(vm => ids.Contains(vm.Id)).Select(vm => VmReadiness.Of(state.Name, facts, vm)));
        }

        return readiness;
    }
}
