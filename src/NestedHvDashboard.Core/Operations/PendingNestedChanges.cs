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

/// <summary>Where pending changes are kept between runs of the app (the web app keeps them in its database).</summary>
public interface IPendingChangeStore
{
    /// <summary>The changes saved last; empty when there are none. Must not throw for a damaged store: start empty instead.</summary>
    Task<IReadOnlyList<PendingNestedChange>> LoadAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces what is saved with <paramref name="changes"/>; throws when they could not be saved.</summary>
    Task SaveAsync(IReadOnlyList<PendingNestedChange> changes, CancellationToken cancellationToken = default);
}

/// <summary>
/// Pending changes, at most one per VM (host name case-insensitive + VM id); thread-safe. With a store, they are
/// loaded once (<see cref="LoadAsync"/>, or the first change) and saved after every change, so they survive a restart of the app.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Design", "CA1001", Justification = "The SemaphoreSlim's AvailableWaitHandle is never used, so it holds nothing to release; the changes live as long as the app.")]
public sealed class PendingNestedChanges
{
    private readonly ConcurrentDictionary<(string HostName, Guid VmId), PendingNestedChange> _changes = new();
    private readonly IPendingChangeStore? _store;

    // Serialises loading and changes so each save writes the state that follows the change before it; async, so a
    // caller on a Blazor circuit waits without holding a thread.
    private readonly SemaphoreSlim _writing = new(1, 1);
    private bool _loaded;

    /// <summary>Pending changes kept in memory only, or in <paramref name="store"/> when given (read by <see cref="LoadAsync"/>).</summary>
    public PendingNestedChanges(IPendingChangeStore? store = null)
    {
        _store = store;
        _loaded = store is null;
    }

    /// <summary>Reads the store's changes, once; later calls return at once. The app calls it at start-up.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            await LoadLockedAsync(cancellationToken);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Adds the change, replacing one already pending for the same VM. When the store cannot save it, throws and keeps nothing.</summary>
    public async Task AddAsync(PendingNestedChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var key = Key(change.HostName, change.VmId);
        await _writing.WaitAsync(cancellationToken);
        try
        {
            await LoadLockedAsync(cancellationToken);
            await SaveAsync(Snapshot().Where(c => Key(c.HostName, c.VmId) != key).Append(change), cancellationToken);
            _changes[key] = change;
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Removes the VM's pending change; false when there was none. When the store cannot save the removal, throws and keeps the change.</summary>
    public async Task<bool> RemoveAsync(string hostName, Guid vmId, CancellationToken cancellationToken = default)
    {
        var key = Key(hostName, vmId);
        await _writing.WaitAsync(cancellationToken);
        try
        {
            await LoadLockedAsync(cancellationToken);
            if (!_changes.ContainsKey(key))
            {
                return false;
            }

            await SaveAsync(Snapshot().Where(c => Key(c.HostName, c.VmId) != key), cancellationToken);
            return _changes.TryRemove(key, out _);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>The VM's pending change, or null.</summary>
    public PendingNestedChange? Find(string hostName, Guid vmId) => _changes.TryGetValue(Key(hostName, vmId), out var change) ? change : null;

    /// <summary>Every pending change, or only one host's when <paramref name="hostName"/> is given, oldest first.</summary>
    public IReadOnlyList<PendingNestedChange> List(string? hostName = null) =>
        [.. Snapshot().Where(c => hostName is null || string.Equals(c.HostName, hostName, StringComparison.OrdinalIgnoreCase))];

    private async Task LoadLockedAsync(CancellationToken cancellationToken)
    {
        if (_loaded)
        {
            return;
        }

        foreach (var change in await _store!.LoadAsync(cancellationToken))
        {
            _changes[Key(change.HostName, change.VmId)] = change;
        }

        _loaded = true;
    }

    private IEnumerable<PendingNestedChange> Snapshot() => _changes.Values.OrderBy(c => c.RequestedAt);

    private Task SaveAsync(IEnumerable<PendingNestedChange> changes, CancellationToken cancellationToken) =>
        _store?.SaveAsync([.. changes.OrderBy(c => c.RequestedAt)], cancellationToken) ?? Task.CompletedTask;

    private static (string, Guid) Key(string hostName, Guid vmId)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        return (hostName.ToUpperInvariant(), vmId);
    }
}
