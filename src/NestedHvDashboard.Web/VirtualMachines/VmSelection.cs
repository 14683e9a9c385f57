namespace NestedHvDashboard.Web.VirtualMachines;

/// <summary>
/// The VM grid's selection, by VM key: it is built across searches and filters (a VM stays selected while a filter
/// hides it) and follows the inventory (a VM that left is dropped). Immutable, so a render reads one consistent set.
/// </summary>
public sealed class VmSelection
{
    private readonly HashSet<VmKey> _keys;

    private VmSelection(HashSet<VmKey> keys, IReadOnlyList<VmRow> rows)
    {
        _keys = keys;
        Rows = rows;
    }

    /// <summary>No VM selected.</summary>
    public static VmSelection Empty { get; } = new([], []);

    /// <summary>The selected VMs still in the inventory, in inventory order.</summary>
    public IReadOnlyList<VmRow> Rows { get; }

    /// <summary>How many VMs are selected.</summary>
    public int Count => Rows.Count;

    /// <summary>True when the VM is selected.</summary>
    public bool Contains(VmKey key) => _keys.Contains(key);

    /// <summary>The selection with <paramref name="row"/> added (<paramref name="on"/>) or removed.</summary>
    public VmSelection With(VmRow row, bool on, IReadOnlyList<VmRow> inventory)
    {
        ArgumentNullException.ThrowIfNull(row);
        return on ? Of([.. _keys, row.Key], inventory) : Of([.. _keys.Where(k => k != row.Key)], inventory);
    }

    /// <summary>The selection with every shown row added (<paramref name="on"/>) or every shown row removed; hidden ones stay.</summary>
    public VmSelection WithShown(IReadOnlyList<VmRow> shown, bool on, IReadOnlyList<VmRow> inventory)
    {
        ArgumentNullException.ThrowIfNull(shown);
        var keys = shown.Select(r => r.Key);
        return on ? Of([.. _keys, .. keys], inventory) : Of([.. _keys.Except(keys)], inventory);
    }

    /// <summary>The same keys against a new inventory: VMs that left are dropped, the others keep their latest row.</summary>
    public VmSelection Following(IReadOnlyList<VmRow> inventory) => _keys.Count == 0 ? Empty : Of(_keys, inventory);

    /// <summary>True when every shown row is selected (and at least one is shown).</summary>
    public bool AllSelected(IReadOnlyList<VmRow> shown)
    {
        ArgumentNullException.ThrowIfNull(shown);
        return shown.Count > 0 && _keys.Count >= shown.Count && shown.All(r => _keys.Contains(r.Key));
    }

    /// <summary>How many selected VMs the current search and filters hide.</summary>
    public int HiddenBy(IReadOnlyList<VmRow> shown)
    {
        ArgumentNullException.ThrowIfNull(shown);
        if (Rows.Count == 0)
        {
            return 0;
        }

        var visible = shown.Count(r => _keys.Contains(r.Key));
        return Rows.Count - visible;
    }

    /// <summary>What the selection bar says: "3 selected" or "5 selected (2 hidden by filter)".</summary>
    public string Describe(IReadOnlyList<VmRow> shown)
    {
        var hidden = HiddenBy(shown);
        return hidden == 0 ? $"{Count} selected" : $"{Count} selected ({hidden} hidden by filter)";
    }

    private static VmSelection Of(IEnumerable<VmKey> keys, IReadOnlyList<VmRow> inventory)
    {
        var wanted = keys as HashSet<VmKey> ?? [.. keys];
        if (wanted.Count == 0)
        {
            return Empty;
        }

        var rows = inventory.Where(r => wanted.Contains(r.Key)).ToList();
        return new VmSelection([.. rows.Select(r => r.Key)], rows);
    }
}
