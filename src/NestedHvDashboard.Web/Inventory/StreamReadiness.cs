using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Inventory;

/// <summary>
/// One hub stream's view of each host's facts and VMs, kept so each item can carry the readiness of the VMs it is
/// about: every VM of a snapshot, and for changes the VMs added or changed plus every VM of a host whose facts changed
/// (the host rules feed the VM checklist). VMs of a host that has not answered yet (no facts) have no readiness.
/// Only references are kept and only the changes are applied: a stream's cost grows with its changes, not its inventory.
/// Not thread-safe: the stream's loop owns it.
/// </summary>
internal sealed class StreamReadiness
{
    private readonly Dictionary<string, HostView> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public StreamReadiness(InventorySnapshot snapshot) => Reset(snapshot);

    /// <summary>The readiness of every VM of <paramref name="hosts"/> whose host has facts.</summary>
    public static IReadOnlyList<VmReadiness> Of(IEnumerable<HostInventoryState> hosts) =>
        [.. hosts.Where(h => h.Facts is not null).SelectMany(h => h.Vms.Select(vm => VmReadiness.Of(h.Name, h.Facts!, vm)))];

    /// <summary>Applies <paramref name="batch"/> to this stream's view; returns the readiness its item carries.</summary>
    public IReadOnlyList<VmReadiness> Apply(InventoryBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Resync is { } resync)
        {
            Reset(resync);
            return Of(resync.Hosts);
        }

        // The last word per VM within the batch; a VM removed later in the batch has none.
        var readiness = new Dictionary<(string Host, Guid VmId), VmReadiness>();
        foreach (var change in batch.Changes)
        {
            var key = (change.Host.ToUpperInvariant(), change.VmId);
            switch (change.Kind)
            {
                case InventoryChangeKind.VmAdded or InventoryChangeKind.VmChanged when change.Vm is not null:
                    var host = View(change.Host);
                    host.Vms[change.VmId] = change.Vm;
                    if (host.Facts is { } facts)
                    {
                        readiness[key] = VmReadiness.Of(change.Host, facts, change.Vm);
                    }

                    break;
                case InventoryChangeKind.VmRemoved:
                    View(change.Host).Vms.Remove(change.VmId);
                    readiness.Remove(key);
                    break;
                case InventoryChangeKind.HostChanged when change.Status is not null:
                    Refresh(change.Host, change.Facts, readiness);
                    break;
                case InventoryChangeKind.HostRemoved:
                    _hosts.Remove(change.Host);
                    foreach (var gone in readiness.Keys.Where(k => k.Host == key.Item1).ToList())
                    {
                        readiness.Remove(gone);
                    }

                    break;
            }
        }

        return [.. readiness.Values];
    }

    // New facts (null: unchanged, as the feed says) that differ change every VM's checklist of the host.
    private void Refresh(string name, HostFacts? newFacts, Dictionary<(string Host, Guid VmId), VmReadiness> readiness)
    {
        var host = View(name);
        var facts = newFacts ?? host.Facts;
        if (facts is null || facts.SameAs(host.Facts))
        {
            return;
        }

        host.Facts = facts;
        foreach (var vm in host.Vms.Values)
        {
            readiness[(name.ToUpperInvariant(), vm.Id)] = VmReadiness.Of(name, facts, vm);
        }
    }

    private void Reset(InventorySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _hosts.Clear();
        foreach (var host in snapshot.Hosts)
        {
            _hosts[host.Name] = new HostView { Facts = host.Facts, Vms = host.Vms.ToDictionary(vm => vm.Id) };
        }
    }

    private HostView View(string name)
    {
        if (!_hosts.TryGetValue(name, out var host))
        {
            _hosts[name] = host = new HostView { Facts = null, Vms = [] };
        }

        return host;
    }

    private sealed class HostView
    {
        public required HostFacts? Facts { get; set; }

        public required Dictionary<Guid, VmSnapshot> Vms { get; init; }
    }
}
