using System.Collections.Concurrent;

namespace NestedHvDashboard.Core.Operations;

/// <summary>A nested virtualization change waiting for the VM to be seen Off ("apply at next shutdown").</summary>
/// <param name="HostName">The host.</param>
/// <param name="VmId">The VM's id.</param>
/// <param name="VmName">The VM's name, for the page.</param>
/// <param name="Enable">True to turn nested virtualization on, false to turn it off.</param>
/// <param name="EnableMacAddressSpoofing">The MAC spoofing companion fix, as in <see cref="NestedVirtualizationRequest"/>.</param>
/// <param name="RequestedAt">When the user asked.</param>
public sealed record PendingNestedChange(
    string HostName,
    Guid VmId,
    string VmName,
    bool Enable,
    bool EnableMacAddressSpoofing,
    DateTimeOffset RequestedAt)
{
    /// <summary>The request that applies this change to a VM that is Off.</summary>
    public NestedVirtualizationRequest ToRequest() => new(HostName, VmId, Enable, PowerAction.None, EnableMacAddressSpoofing);
}

/// <summary>In-memory pending changes, at most one per VM (host name case-insensitive + VM id); thread-safe. Persistence is the caller's.</summary>
public sealed class PendingNestedChanges
{
    private readonly ConcurrentDictionary<(string HostName, Guid VmId), PendingNestedChange> _changes = new();

    /// <summary>Adds the change, replacing one already pending for the same VM.</summary>
    public void Add(PendingNestedChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _changes[Key(change.HostName, change.VmId)] = change;
    }

    /// <summary>Removes the VM's pending change; false when there was none.</summary>
    public bool Remove(string hostName, Guid vmId) => _changes.TryRemove(Key(hostName, vmId), out _);

    /// <summary>The VM's pending change, or null.</summary>
    public PendingNestedChange? Find(string hostName, Guid vmId) => _changes.TryGetValue(Key(hostName, vmId), out var change) ? change : null;

    /// <summary>Every pending change, or only one host's when <paramref name="hostName"/> is given, oldest first.</summary>
    public IReadOnlyList<PendingNestedChange> List(string? hostName = null) =>
        [.. _changes.Values
            .Where(c => hostName is null || string.Equals(c.HostName, hostName, StringComparison.OrdinalIgnoreCase))
            .OrderBy(c => c.RequestedAt)];

    private static (string, Guid) Key(string hostName, Guid vmId)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        return (hostName.ToUpperInvariant(), vmId);
    }
}
