using System.Collections.Concurrent;
using NestedHvDashboard.Core.Guests;
using NestedHvDashboard.Core.Networking;

namespace NestedHvDashboard.Web.Guests;

/// <summary>
/// What the dashboard last read inside each L1 guest, kept with the VM (host, case-insensitive, + VM id) in memory: every read of
/// the guest (the networking card's read, a NAT created or removed, Hyper-V installed, the background refresh) replaces the VM's
/// facts. The VM page evaluates readiness with them and re-renders on <see cref="Changed"/>.
/// </summary>
public sealed class GuestFactsStore(TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Host, Guid VmId), GuestFacts> _facts = new();

    // The whole state each read returned (switches, addresses, OS), for the guest networking card to show without reading again.
    private readonly ConcurrentDictionary<(string Host, Guid VmId), GuestNetworkState> _states = new();

    /// <summary>Raised with the host and VM id after that VM's facts changed (on the recording thread).</summary>
    public event Action<string, Guid>? Changed;

    /// <summary>How many VMs have facts.</summary>
    public int Count => _facts.Count;

    /// <summary>The VM's facts, or null when its guest has not been read since the dashboard started.</summary>
    public GuestFacts? Find(string host, Guid vmId)
    {
        ArgumentNullException.ThrowIfNull(host);
        return _facts.TryGetValue(Key(host, vmId), out var facts) ? facts : null;
    }

    /// <summary>The whole state the VM's guest last returned, or null when it has not been read since the dashboard started.</summary>
    public GuestNetworkState? FindState(string host, Guid vmId)
    {
        ArgumentNullException.ThrowIfNull(host);
        return _states.TryGetValue(Key(host, vmId), out var state) ? state : null;
    }

    /// <summary>Keeps what a read of the VM's guest returned, read now.</summary>
    public GuestFacts Record(string host, Guid vmId, GuestNetworkState state)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(state);
        _states[Key(host, vmId)] = state;
        return Record(host, vmId, GuestFacts.From(state, time.GetUtcNow()));
    }

    /// <summary>Keeps <paramref name="facts"/> as the VM's (a read older than the one kept is ignored).</summary>
    public GuestFacts Record(string host, Guid vmId, GuestFacts facts)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(facts);
        var kept = _facts.AddOrUpdate(Key(host, vmId), facts, (_, old) => old.ReadAt > facts.ReadAt ? old : facts);
        if (ReferenceEquals(kept, facts))
        {
            Changed?.Invoke(host, vmId);
        }

        return kept;
    }

    /// <summary>Forgets the VM's facts (the VM is gone); true when there were some.</summary>
    public bool Forget(string host, Guid vmId)
    {
        ArgumentNullException.ThrowIfNull(host);
        _states.TryRemove(Key(host, vmId), out _);
        var removed = _facts.TryRemove(Key(host, vmId), out _);
        if (removed)
        {
            Changed?.Invoke(host, vmId);
        }

        return removed;
    }

    private static (string, Guid) Key(string host, Guid vmId) => (host.ToUpperInvariant(), vmId);
}
