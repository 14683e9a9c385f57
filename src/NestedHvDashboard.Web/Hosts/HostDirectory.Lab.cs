using NestedHvDashboard.Web.Simulator;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>
/// The simulated lab as a deliberate choice: on or off (kept in the data folder, so a restart keeps it), beside real hosts or
/// alone, with its state saved so it comes back as it was left. Turning it off stops watching its hosts and the L1 guests
/// added as hosts from it (they stay stored and come back with the lab); adding a real host never turns it off.
/// </summary>
public sealed partial class HostDirectory
{
    private string? _savedLabState;

    /// <summary>True when the lab can be switched here (its files have a data folder).</summary>
    public bool CanSwitchLab => _labFiles is not null;

    /// <summary>The administrator's choice: true (on), false (off), null when none was made (the settings decide at start).</summary>
    public bool? LabChoice => _labFiles?.ReadChoice();

    /// <summary>
    /// Turns the lab on (its hosts, and the stored L1 guests added from it, are watched again, from its saved state when there
    /// is one) or off (its state saved first); the choice is kept for the next start. Refused without a data folder.
    /// </summary>
    public async Task<HostChangeResult> SetLabAsync(bool on, CancellationToken cancellationToken = default)
    {
        await BeginEditAsync(cancellationToken);
        try
        {
            if (_labFiles is null)
            {
                return HostChangeResult.Refused("The simulated lab cannot be switched here: the dashboard has no data folder to keep the choice in.");
            }

            try
            {
                _labFiles.WriteChoice(on);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return HostChangeResult.Refused($"The simulated lab's setting could not be saved to '{_labFiles.ChoicePath}': {ex.Message}");
            }

            return on ? await TurnLabOnAsync() : await TurnLabOffAsync();
        }
        finally
        {
            _edits.Release();
        }
    }

    /// <summary>
    /// Saves the lab's state when it changed since the last save; true when it wrote. Called every few seconds and when the app
    /// stops (<see cref="SimulatedLabKeeper"/>), and before the lab is turned off.
    /// </summary>
    public bool SaveLabState()
    {
        var lab = Lab;
        // A shared lab (Simulator:SharedFolder) is kept in its own folder, every change at once.
        if (lab is null || _labFiles is null || lab.SharedFolder is not null)
        {
            return false;
        }

        var state = SimulatedLabFiles.StateOf(lab.Lab);
        lock (_gate)
        {
            if (state == _savedLabState)
            {
                return false;
            }
        }

        _labFiles.WriteLab(state);
        lock (_gate)
        {
            _savedLabState = state;
        }

        return true;
    }

    // Under _edits.
    private async Task<HostChangeResult> TurnLabOnAsync()
    {
        if (Lab is not null)
        {
            return HostChangeResult.Done("The simulated lab is on.");
        }

        var lab = StartLab(_connector);
        var nested = _store is null ? [] : HostCatalog.Merge(HostCatalog.Configured(_configuration), await _store.LoadAsync()).Nested;
        var listings = HostCatalog.WithLab(new HostCatalog.Merged([], [], nested), lab.Hosts);
        lock (_gate)
        {
            Lab = lab;
            _connector = lab;
        }

        var added = 0;
        foreach (var listing in listings)
        {
            if (Hosts.Any(h => string.Equals(h.Name, listing.Name, StringComparison.OrdinalIgnoreCase)))
            {
                LogLabHostShadowed(listing.Name);
                continue;
            }

            Append(listing);
            added++;
        }

        LogLab(added);
        return HostChangeResult.Done($"The simulated lab is on: {added} hosts{(lab.Restored ? ", as they were left" : "")}.");
    }

    // Under _edits.
    private async Task<HostChangeResult> TurnLabOffAsync()
    {
        if (Lab is not { } lab)
        {
            return HostChangeResult.Done("The simulated lab is off.");
        }

        try
        {
            SaveLabState();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogLabStateNotSaved(ex, _labFiles!.StatePath);
        }

        List<Entry> gone;
        lock (_gate)
        {
            gone = [.. _entries.Where(e => e.Listing.Source == HostSource.Simulated || HostCatalog.IsSimulatedNested(e.Listing))];
            _entries = [.. _entries.Except(gone)];
            Lab = null;
            _connector = lab.Inner;
            _savedLabState = null;
        }

        foreach (var entry in gone)
        {
            await PublishRemovedAsync(entry.Listing.Name);
            await entry.Host.DisposeAsync();
        }

        LogLabOff(gone.Count);
        return HostChangeResult.Done($"The simulated lab is off: its {gone.Count} hosts are no longer watched. Its state is kept for when it is turned on again.");
    }

    // Starts the lab from its saved state when there is one; a saved state that cannot be read is logged, and the lab starts as new.
    private SimulatedLabConnector StartLab(IHostConnector inner)
    {
        var lab = SimulatedLabConnector.Start(_configuration, inner, _labFiles);
        if (lab.RestoreProblem is { } problem)
        {
            LogLabNotRestored(problem);
        }
        else if (lab.Restored)
        {
            LogLabRestored(_labFiles!.StatePath);
        }

        return lab;
    }

    // A lab running on its own defaults (no choice made) stays on once a real host joins it: the choice is written, so the next
    // start does not drop it. Under _edits.
    private void KeepLabBesideRealHosts()
    {
        if (Lab is not null && _labFiles is not null && _labFiles.ReadChoice() is null)
        {
            try
            {
                _labFiles.WriteChoice(true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogLabStateNotSaved(ex, _labFiles.ChoicePath);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The simulated lab is off: {HostCount} hosts are no longer watched")]
    private partial void LogLabOff(int hostCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "The simulated lab starts as it was saved in {File}")]
    private partial void LogLabRestored(string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}")]
    private partial void LogLabNotRestored(string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The simulated lab's host {Host} has the name of a host already watched; it is left out")]
    private partial void LogLabHostShadowed(string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The simulated lab could not write {File}")]
    private partial void LogLabStateNotSaved(Exception error, string file);
}
