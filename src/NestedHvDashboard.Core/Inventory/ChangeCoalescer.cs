namespace NestedHvDashboard.Core.Inventory;

/// <summary>
/// Folds the changes waiting for one subscriber into one per VM and one per host: a VM that
/// changed five times in 100 ms is sent once, as it is now. The folded change takes the place
/// of the last one it replaces, so versions still grow per host through the batch.
/// </summary>
internal sealed class ChangeCoalescer
{
    private readonly List<InventoryChange?> _changes = [];
    private readonly Dictionary<(string Host, Guid VmId, InventoryChangeKind? Kind), int> _positions = [];

    public int Count => _positions.Count;

    public void Add(InventoryChange change)
    {
        var host = change.Host.ToUpperInvariant();
        if (change.Kind == InventoryChangeKind.HostRemoved)
        {
            // What waited for the host no longer matters; what comes after (the host added again) must follow the removal.
            foreach (var pending in _positions.Keys.Where(k => k.Host == host).ToList())
            {
                _positions.Remove(pending, out var at);
                _changes[at] = null;
            }

            _positions[(host, Guid.Empty, InventoryChangeKind.HostRemoved)] = _changes.Count;
            _changes.Add(change);
            return;
        }

        // VM changes fold per VM (kind null), host changes per host.
        var kind = change.Kind == InventoryChangeKind.HostChanged ? InventoryChangeKind.HostChanged : (InventoryChangeKind?)null;
        var folded = change;
        var key = (host, change.VmId, kind);
        if (_positions.Remove(key, out var position))
        {
            var earlier = _changes[position]!;
            _changes[position] = null;
            folded = Fold(earlier, change);
        }

        if (folded is not null)
        {
            _positions[key] = _changes.Count;
            _changes.Add(folded);
        }
    }

    public IReadOnlyList<InventoryChange> Drain()
    {
        var batch = new List<InventoryChange>(_positions.Count);
        foreach (var change in _changes)
        {
            if (change is not null)
            {
                batch.Add(change);
            }
        }

        _changes.Clear();
        _positions.Clear();
        return batch;
    }

    private static InventoryChange? Fold(InventoryChange earlier, InventoryChange later) => (earlier.Kind, later.Kind) switch
    {
        // The subscriber never saw the VM: it is still new, or it never was.
        (InventoryChangeKind.VmAdded, InventoryChangeKind.VmChanged) => later with { Kind = InventoryChangeKind.VmAdded },
        (InventoryChangeKind.VmAdded, InventoryChangeKind.VmRemoved) => null,

        // The subscriber still has the VM it had: what it gets is a change.
        (InventoryChangeKind.VmRemoved, InventoryChangeKind.VmAdded) => later with { Kind = InventoryChangeKind.VmChanged },
        _ => later,
    };
}
