using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>
/// The directory's edits: every add, edit or remove of a stored host is validated, saved in the
/// <see cref="HostConnectionStore"/>, then published to the observers; one edit at a time.
/// </summary>
public sealed partial class HostDirectory
{
    /// <summary>The form to edit a host with (no password in it), or null when there is no such host.</summary>
    public HostForm? EditFormFor(string name)
    {
        lock (_gate)
        {
            return Locate(name) is { } entry ? HostForm.From(entry.Listing.Settings) : null;
        }
    }

    /// <summary>Adds a host: validates, saves it to the database, starts watching it.</summary>
    public async Task<HostChangeResult> AddAsync(HostForm form, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        await BeginEditAsync(cancellationToken);
        try
        {
            if (_store is null)
            {
                return HostChangeResult.Refused("Hosts cannot be added here: no host connection store is set up.");
            }

            var errors = HostFormRules.Validate(form, Hosts.Select(h => h.Name));
            if (errors.Count > 0)
            {
                return HostChangeResult.Invalid(errors);
            }

            var listing = new DirectoryHost(form.ToSettings(), HostSource.Stored);
            if (await SaveAsync(StoredHosts().Append(listing), cancellationToken) is { } refused)
            {
                return refused;
            }

            Append(listing);
            KeepLabBesideRealHosts();
            LogAdded(listing.Name, ConnectionTest.Describe(listing.Settings));
            return HostChangeResult.Done($"Host '{listing.Name}' added.");
        }
        finally
        {
            _edits.Release();
        }
    }

    /// <summary>
    /// One click from a VM's page: adds the L1 guest <paramref name="vmId"/> of <paramref name="parentHost"/>
    /// as a host of its own, placed under its parent. Only for the simulated lab, where the guest is
    /// reached in process; a real L1 needs its own address and credentials (the Connections page).
    /// </summary>
    public async Task<HostChangeResult> AddNestedHostAsync(string parentHost, Guid vmId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parentHost);
        await BeginEditAsync(cancellationToken);
        try
        {
            DirectoryHost? parent;
            lock (_gate)
            {
                parent = Locate(parentHost)?.Listing;
            }

            if (parent is null)
            {
                return HostChangeResult.Refused($"There is no host named '{parentHost}'.");
            }

            if (Lab is null || !Lab.Holds(parent.Settings))
            {
                return HostChangeResult.Refused($"The VM runs on the real host '{parent.Name}': add its guest as a host on the Connections page with its own address and credentials.");
            }

            if (_store is null)
            {
                return HostChangeResult.Refused("Hosts cannot be added here: no host connection store is set up.");
            }

            if (NestedHostNamed(parent.Name, vmId) is { } existing)
            {
                return HostChangeResult.Refused($"The VM on host '{parent.Name}' is already the host '{existing}'.");
            }

            if (Lab.RefuseAsHost(parent, vmId, out var name) is { } why)
            {
                return HostChangeResult.Refused(why);
            }

            var taken = Hosts.Any(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));
            var settings = new HostConnectionSettings
            {
                Name = taken ? $"{name} ({parent.Name})" : name,
                Address = name,
                Transport = HostTransport.InProcess,
                ParentHost = parent.Name,
                ParentVmId = vmId,
                Tags = [.. parent.Settings.Tags.Append("nested").Distinct(StringComparer.OrdinalIgnoreCase)],
            };
            if (Hosts.Any(h => string.Equals(h.Name, settings.Name, StringComparison.OrdinalIgnoreCase)))
            {
                return HostChangeResult.Refused($"A host named '{settings.Name}' already exists.");
            }

            var listing = new DirectoryHost(settings, HostSource.Stored);
            if (await SaveAsync(StoredHosts().Append(listing), cancellationToken) is { } refused)
            {
                return refused;
            }

            Append(listing);
            LogAdded(listing.Name, $"VM {name} on {parent.Name}");
            return HostChangeResult.Done($"VM {name} of host '{parent.Name}' added as host '{listing.Name}'.");
        }
        finally
        {
            _edits.Release();
        }
    }

    /// <summary>
    /// Changes a host added in the UI (it may be renamed): validates, saves, then the observers drop
    /// the old connection and watch the new settings; the old connection is closed.
    /// </summary>
    public async Task<HostChangeResult> UpdateAsync(string name, HostForm form, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(form);
        await BeginEditAsync(cancellationToken);
        try
        {
            if (FindEditable(name, out var old) is { } refused)
            {
                return refused;
            }

            var errors = HostFormRules.Validate(form, Hosts.Select(h => h.Name).Where(n => !string.Equals(n, old.Listing.Name, StringComparison.OrdinalIgnoreCase)));
            if (errors.Count > 0)
            {
                return HostChangeResult.Invalid(errors);
            }

            var listing = new DirectoryHost(form.ToSettings(old.Listing.Settings.Password), HostSource.Stored);
            if (await SaveAsync(StoredHosts().Select(h => ReferenceEquals(h, old.Listing) ? listing : h), cancellationToken) is { } failed)
            {
                return failed;
            }

            var entry = new Entry(listing, _connector.Connect(listing.Settings));
            lock (_gate)
            {
                _entries = [.. _entries.Select(e => ReferenceEquals(e, old) ? entry : e)];
            }

            await PublishReplacedAsync(old.Listing.Name, entry);
            await old.Host.DisposeAsync();
            LogUpdated(old.Listing.Name, listing.Name, ConnectionTest.Describe(listing.Settings));
            return HostChangeResult.Done(string.Equals(old.Listing.Name, listing.Name, StringComparison.Ordinal)
                ? $"Host '{listing.Name}' saved."
                : $"Host '{old.Listing.Name}' saved as '{listing.Name}'.");
        }
        finally
        {
            _edits.Release();
        }
    }

    /// <summary>Removes a host added in the UI: saves the list without it, stops watching it, closes its connection.</summary>
    public async Task<HostChangeResult> RemoveAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await BeginEditAsync(cancellationToken);
        try
        {
            if (FindEditable(name, out var old) is { } refused)
            {
                return refused;
            }

            if (await SaveAsync(StoredHosts().Where(h => !ReferenceEquals(h, old.Listing)), cancellationToken) is { } failed)
            {
                return failed;
            }

            lock (_gate)
            {
                _entries = [.. _entries.Where(e => !ReferenceEquals(e, old))];
            }

            await PublishRemovedAsync(old.Listing.Name);
            await old.Host.DisposeAsync();
            LogRemoved(old.Listing.Name);
            return HostChangeResult.Done($"Host '{old.Listing.Name}' removed.");
        }
        finally
        {
            _edits.Release();
        }
    }

    /// <summary>
    /// <i>Test connection</i> for an unsaved form: a connection made for the test reads the host's
    /// facts (at most <see cref="ConnectionTest.Bound"/>) and is closed. When editing
    /// (<paramref name="editing"/> names the host), an empty password means the stored one.
    /// </summary>
    public async Task<ConnectionTestResult> TestConnectionAsync(HostForm form, string? editing = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        await LoadAsync(cancellationToken);
        var errors = HostFormRules.Validate(form, otherNames: null);
        if (errors.Count > 0)
        {
            return new ConnectionTestResult(false, "Fix the form first: " + string.Join(" ", errors.Select(e => e.Message)), null, null, errors);
        }

        string? stored = null;
        if (editing is not null)
        {
            lock (_gate)
            {
                stored = Locate(editing) is { Listing.Source: HostSource.Stored } entry ? entry.Listing.Settings.Password : null;
            }
        }

        return await ConnectionTest.RunAsync(_connector, form.ToSettings(stored), cancellationToken: cancellationToken);
    }

    // One edit at a time, and only once the hosts are read: a save before that would drop the stored hosts not read yet.
    // In a cluster the stored hosts are read again first: the save is of the whole list, which another instance may have changed.
    private async Task BeginEditAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        await _edits.WaitAsync(cancellationToken);
        if (!SyncBeforeEdits)
        {
            return;
        }

        try
        {
            await SyncStoredLockedAsync(cancellationToken);
        }
        catch
        {
            _edits.Release();
            throw;
        }
    }

    // Connects a saved host, lists it and publishes it.
    private void Append(DirectoryHost listing)
    {
        var entry = new Entry(listing, _connector.Connect(listing.Settings));
        lock (_gate)
        {
            _entries = [.. _entries, entry];
        }

        PublishAdded(entry);
    }

    // The host to edit or remove, or why it cannot be.
    private HostChangeResult? FindEditable(string name, out Entry entry)
    {
        Entry? found;
        lock (_gate)
        {
            found = Locate(name);
        }

        entry = found!;
        return found switch
        {
            null => HostChangeResult.Refused($"There is no host named '{name}'."),
            { Listing.Source: HostSource.Configuration } => HostChangeResult.Refused($"Host '{found.Listing.Name}' comes from configuration (the Hosts section of appsettings or the environment): change it there."),
            { Listing.Source: HostSource.Simulated } => HostChangeResult.Refused($"Host '{found.Listing.Name}' belongs to the simulated lab and cannot be changed."),
            _ => null,
        };
    }

    private List<DirectoryHost> StoredHosts() => [.. Hosts.Where(h => h.Source == HostSource.Stored)];

    private async Task<HostChangeResult?> SaveAsync(IEnumerable<DirectoryHost> storedHosts, CancellationToken cancellationToken)
    {
        try
        {
            await _store!.SaveAsync([.. storedHosts.Select(h => h.Settings)], cancellationToken);
            StoredHostsSaved?.Invoke();
            return null;
        }
        catch (DatabaseSaveException ex)
        {
            LogSaveFailed(ex, _store!.Location);
            return HostChangeResult.Refused(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Host {Host} added ({Connection})")]
    private partial void LogAdded(string host, string connection);

    [LoggerMessage(Level = LogLevel.Information, Message = "Host {Host} changed to {NewName} ({Connection}); reconnecting")]
    private partial void LogUpdated(string host, string newName, string connection);

    [LoggerMessage(Level = LogLevel.Information, Message = "Host {Host} removed")]
    private partial void LogRemoved(string host);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not save the host connections to the {Database}")]
    private partial void LogSaveFailed(Exception error, string database);
}
