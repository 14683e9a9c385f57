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
/// A store shared by several dashboard instances (cluster mode): written a row at a time, so one instance's save never undoes
/// another's, and a change is claimed (taken out atomically) by the one instance that applies it.
/// </summary>
public interface ISharedPendingChangeStore : IPendingChangeStore
{
    /// <summary>The changes saved now, oldest first; unlike <see cref="IPendingChangeStore.LoadAsync"/>, throws when they cannot be read.</summary>
    Task<IReadOnlyList<PendingNestedChange>> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>Saves <paramref name="change"/>, replacing the VM's pending change if there is one; throws when it could not be saved.</summary>
    Task PutAsync(PendingNestedChange change, CancellationToken cancellationToken = default);

    /// <summary>Deletes the VM's pending change; false when there was none. Throws when it could not be deleted.</summary>
    Task<bool> DeleteAsync(string hostName, Guid vmId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes <paramref name="change"/> out of the store before it is applied: true for exactly one caller; false when it is
    /// gone (applied by another instance, canceled) or was replaced by a newer change.
    /// </summary>
    Task<bool> ClaimAsync(PendingNestedChange change, CancellationToken cancellationToken = default);

    /// <summary>Puts back a claimed change that could not be applied, unless a newer change for the VM was saved meanwhile; false then.</summary>
    Task<bool> RestoreAsync(PendingNestedChange change, CancellationToken cancellationToken = default);
}

/// <summary>
/// Pending changes, at most one per VM (host name case-insensitive + VM id); thread-safe. With a store, they are
/// loaded once (<see cref="LoadAsync"/>, or the first change) and saved after every change, so they survive a restart of the app.
/// With a shared store (<see cref="ISharedPendingChangeStore"/>, cluster mode) each change is saved on its own row, the list is
/// read again when another instance changed it (<see cref="ReloadAsync"/>), and a change is claimed before it is applied.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Design", "CA1001", Justification = "The SemaphoreSlim's AvailableWaitHandle is never used, so it holds nothing to release; the changes live as long as the app.")]
public sealed class PendingNestedChanges
{
    private readonly ConcurrentDictionary<(string HostName, Guid VmId), PendingNestedChange> _changes = new();
    private readonly IPendingChangeStore? _store;
    private readonly ISharedPendingChangeStore? _shared;

    // Serialises loading and changes so each save writes the state that follows the change before it; async, so a
    // caller on a Blazor circuit waits without holding a thread.
    private readonly SemaphoreSlim _writing = new(1, 1);
    private bool _loaded;

    /// <summary>Pending changes kept in memory only, or in <paramref name="store"/> when given (read by <see cref="LoadAsync"/>).</summary>
    public PendingNestedChanges(IPendingChangeStore? store = null)
    {
        _store = store;
        _shared = store as ISharedPendingChangeStore;
        _loaded = store is null;
    }

    /// <summary>True when several instances share the store: a change is then claimed (<see cref="ClaimAsync"/>) before it is applied.</summary>
    public bool IsShared => _shared is not null;

    /// <summary>Raised (on any thread) when <see cref="ReloadAsync"/> found the list changed by another instance.</summary>
    public event Action? Changed;

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
            if (_shared is not null)
            {
                await _shared.PutAsync(change, cancellationToken);
            }
            else
            {
                await SaveAsync(Snapshot().Where(c => Key(c.HostName, c.VmId) != key).Append(change), cancellationToken);
            }

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
            if (_shared is not null)
            {
                // Another instance may have saved it since this list was read: the store says whether there was one.
                var deleted = await _shared.DeleteAsync(hostName, vmId, cancellationToken);
                return _changes.TryRemove(key, out _) | deleted;
            }

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

    /// <summary>
    /// Shared store only: takes <paramref name="change"/> out of the store and the list before it is applied; true for exactly one
    /// instance. Not shared: true, and the change stays until it is removed after it applied (as on a single instance always).
    /// </summary>
    public async Task<bool> ClaimAsync(PendingNestedChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (_shared is null)
        {
            return true;
        }

        await _writing.WaitAsync(cancellationToken);
        try
        {
            var claimed = await _shared.ClaimAsync(change, cancellationToken);
            _changes.TryRemove(new KeyValuePair<(string, Guid), PendingNestedChange>(Key(change.HostName, change.VmId), change));
            return claimed;
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Shared store only: puts back a claimed change that did not apply (it stays pending), unless a newer one was saved meanwhile.</summary>
    public async Task RestoreAsync(PendingNestedChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (_shared is null)
        {
            return;
        }

        await _writing.WaitAsync(cancellationToken);
        try
        {
            if (await _shared.RestoreAsync(change, cancellationToken))
            {
                _changes.TryAdd(Key(change.HostName, change.VmId), change);
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>
    /// Reads the store again and takes its list as the truth (another instance added, canceled or applied changes); raises
    /// <see cref="Changed"/> when the list differs. A shared store that cannot be read throws and leaves the list as it was.
    /// </summary>
    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        if (_store is null)
        {
            return;
        }

        bool changed;
        await _writing.WaitAsync(cancellationToken);
        try
        {
            var read = _shared is not null ? await _shared.ReadAsync(cancellationToken) : await _store.LoadAsync(cancellationToken);
            var stored = read.ToDictionary(c => Key(c.HostName, c.VmId));
            changed = stored.Count != _changes.Count || stored.Any(s => !_changes.TryGetValue(s.Key, out var mine) || mine != s.Value);
            foreach (var key in _changes.Keys.Where(k => !stored.ContainsKey(k)))
            {
                _changes.TryRemove(key, out _);
            }

            foreach (var (key, change) in stored)
            {
                _changes[key] = change;
            }

            _loaded = true;
        }
        finally
        {
            _writing.Release();
        }

        if (changed)
        {
            Changed?.Invoke();
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
