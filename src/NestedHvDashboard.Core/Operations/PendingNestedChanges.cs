using System.Collections.Concurrent;

namespace NestedHvDashboard.Core.Operations;

/// <summary>A nested virtualization change waiting for the VM to be seen Off ("apply at next shutdown").</summary>
/// <param name="HostName">The host.</param>
/// <param name="VmId">The VM's id.</param>
/// <param name="VmName">The VM's name, for the page.</param>
/// <param name="Enable">True to turn nested virtualization on, false to turn it off.</param>
/// <param name="EnableMacAddressSpoofing">The MAC spoofing companion fix, as in <see cref="NestedVirtualizationRequest"/>.</param>
/// <param name="RequestedAt">When the user asked.</param>
/// <param name="DisableDynamicMemory">The dynamic memory companion fix, as in <see cref="NestedVirtualizationRequest"/>.</param>
public sealed record PendingNestedChange(
    string HostName,
    Guid VmId,
    string VmName,
    bool Enable,
    bool EnableMacAddressSpoofing,
    DateTimeOffset RequestedAt,
    bool DisableDynamicMemory = false)
{
    /// <summary>The request that applies this change to a VM that is Off.</summary>
    public NestedVirtualizationRequest ToRequest() => new(HostName, VmId, Enable, PowerAction.None, EnableMacAddressSpoofing, DisableDynamicMemory);
}

/// <summary>Where pending changes are kept between runs of the app (the web app keeps them in a file in its data folder).</summary>
public interface IPendingChangeStore
{
    /// <summary>The changes saved last; empty when there are none. Must not throw for a damaged store: start empty instead.</summary>
    IReadOnlyList<PendingNestedChange> Load();

    /// <summary>Replaces what is saved with <paramref name="changes"/>; throws when they could not be saved.</summary>
    void Save(IReadOnlyList<PendingNestedChange> changes);
}

/// <summary>
/// Pending changes, at most one per VM (host name case-insensitive + VM id); thread-safe. With a store, they are
/// loaded once here and saved after every change, so they survive a restart of the app.
/// </summary>
public sealed class PendingNestedChanges
{
    private readonly ConcurrentDictionary<(string HostName, Guid VmId), PendingNestedChange> _changes = new();
    private readonly IPendingChangeStore? _store;

    // Serialises changes so each save writes the state that follows the change before it.
    private readonly Lock _writing = new();

    /// <summary>Pending changes kept in memory only, or in <paramref name="store"/> when given.</summary>
    public PendingNestedChanges(IPendingChangeStore? store = null)
    {
        _store = store;
        foreach (var change in store?.Load() ?? [])
        {
            _changes[Key(change.HostName, change.VmId)] = change;
        }
    }

    /// <summary>Adds the change, replacing one already pending for the same VM. When the store cannot save it, throws and keeps nothing.</summary>
    public void Add(PendingNestedChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var key = Key(change.HostName, change.VmId);
        lock (_writing)
        {
            Save(Snapshot().Where(c => Key(c.HostName, c.VmId) != key).Append(change));
            _changes[key] = change;
        }
    }

    /// <summary>Removes the VM's pending change; false when there was none. When the store cannot save the removal, throws and keeps the change.</summary>
    public bool Remove(string hostName, Guid vmId)
    {
        var key = Key(hostName, vmId);
        lock (_writing)
        {
            if (!_changes.ContainsKey(key))
            {
                return false;
            }

            Save(Snapshot().Where(c => Key(c.HostName, c.VmId) != key));
            return _changes.TryRemove(key, out _);
        }
    }

    /// <summary>The VM's pending change, or null.</summary>
    public PendingNestedChange? Find(string hostName, Guid vmId) => _changes.TryGetValue(Key(hostName, vmId), out var change) ? change : null;

    /// <summary>Every pending change, or only one host's when <paramref name="hostName"/> is given, oldest first.</summary>
    public IReadOnlyList<PendingNestedChange> List(string? hostName = null) =>
        [.. Snapshot().Where(c => hostName is null || string.Equals(c.HostName, hostName, StringComparison.OrdinalIgnoreCase))];

    private IEnumerable<PendingNestedChange> Snapshot() => _changes.Values.OrderBy(c => c.RequestedAt);

    private void Save(IEnumerable<PendingNestedChange> changes) => _store?.Save([.. changes.OrderBy(c => c.RequestedAt)]);

    private static (string, Guid) Key(string hostName, Guid vmId)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        return (hostName.ToUpperInvariant(), vmId);
    }
}
