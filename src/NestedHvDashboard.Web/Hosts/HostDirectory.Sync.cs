using System.Text.Json;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>
/// Several instances on one database: the stored hosts another instance added, changed or removed are read again
/// (<see cref="SyncStoredAsync"/>) and published to the observers like an edit made here. A single instance never needs it.
/// </summary>
public sealed partial class HostDirectory
{
    /// <summary>Raised after an add, change or remove of a stored host was saved (on the editing thread).</summary>
    public event Action? StoredHostsSaved;

    /// <summary>
    /// True when other instances edit the same stored hosts (a cluster): each edit first reads them again, so its save (the
    /// whole list) never drops or undoes another instance's edit.
    /// </summary>
    public bool SyncBeforeEdits { get; set; }

    /// <summary>
    /// Reads the stored hosts again and makes the directory hold them: a host stored elsewhere is added and watched, one whose
    /// settings changed is reconnected, one no longer stored is dropped. Hosts from configuration or the simulated lab, and a
    /// stored host shadowed by one of them, are left as they are.
    /// </summary>
    /// <returns>How many hosts were added, changed or dropped.</returns>
    public async Task<int> SyncStoredAsync(CancellationToken cancellationToken = default)
    {
        await LoadAsync(cancellationToken);
        await _edits.WaitAsync(cancellationToken);
        try
        {
            return await SyncStoredLockedAsync(cancellationToken);
        }
        finally
        {
            _edits.Release();
        }
    }

    // Called under _edits.
    private async Task<int> SyncStoredLockedAsync(CancellationToken cancellationToken)
    {
        if (_store is null)
        {
            return 0;
        }

        var stored = await _store.LoadAsync(cancellationToken);
        List<Entry> entries;
        lock (_gate)
        {
            entries = _entries;
        }

        var moved = 0;
        foreach (var settings in stored)
        {
            var current = entries.Find(e => string.Equals(e.Listing.Name, settings.Name, StringComparison.OrdinalIgnoreCase));
            if (current is null)
            {
                Append(new DirectoryHost(settings, HostSource.Stored));
                LogSynced(settings.Name, "added");
                moved++;
            }
            else if (current.Listing.Source == HostSource.Stored && !Same(current.Listing.Settings, settings))
            {
                var entry = new Entry(new DirectoryHost(settings, HostSource.Stored), _connector.Connect(settings));
                lock (_gate)
                {
                    _entries = [.. _entries.Select(e => ReferenceEquals(e, current) ? entry : e)];
                }

                await PublishReplacedAsync(current.Listing.Name, entry);
                await current.Host.DisposeAsync();
                LogSynced(settings.Name, "changed");
                moved++;
            }
        }

        foreach (var gone in entries.Where(e => e.Listing.Source == HostSource.Stored && !stored.Any(s => string.Equals(s.Name, e.Listing.Name, StringComparison.OrdinalIgnoreCase))))
        {
            lock (_gate)
            {
                _entries = [.. _entries.Where(e => !ReferenceEquals(e, gone))];
            }

            await PublishRemovedAsync(gone.Listing.Name);
            await gone.Host.DisposeAsync();
            LogSynced(gone.Listing.Name, "removed");
            moved++;
        }

        return moved;
    }

    // Records with lists compare by reference: the settings compare by what they serialize to (the password included).
    private static bool Same(HostConnectionSettings a, HostConnectionSettings b) =>
        JsonSerializer.Serialize(a) == JsonSerializer.Serialize(b);

    [LoggerMessage(Level = LogLevel.Information, Message = "Host {Host} {What} by another instance; this one follows")]
    private partial void LogSynced(string host, string what);
}
