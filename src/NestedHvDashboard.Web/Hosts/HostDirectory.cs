using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>Where a host's settings come from.</summary>
public enum HostSource
{
    /// <summary>The <c>Hosts</c> configuration section (appsettings, environment): read-only here.</summary>
    Configuration,

    /// <summary>Added in the UI and kept in the database (the name is from when it was <c>hosts.json</c>): editable.</summary>
    File,

    /// <summary>The built-in simulated lab: read-only.</summary>
    Simulated,
}

/// <summary>One host of the directory with where it comes from.</summary>
/// <param name="Settings">How it is reached (the password included: never show it).</param>
/// <param name="Source">Where the settings come from.</param>
public sealed record DirectoryHost(HostConnectionSettings Settings, HostSource Source)
{
    /// <summary>The host's name.</summary>
    public string Name => Settings.Name;

    /// <summary>Only hosts added in the UI can be edited or removed there.</summary>
    public bool IsEditable => Source == HostSource.File;
}

/// <summary>What an add, edit or remove did: nothing and why, or done.</summary>
/// <param name="Errors">The problems, each naming its field; empty when it was done.</param>
public sealed record HostChangeResult(IReadOnlyList<HostFieldError> Errors)
{
    public static readonly HostChangeResult Done = new([]);

    /// <summary>True when the change was saved and the live view follows it.</summary>
    public bool Succeeded => Errors.Count == 0;

    public static HostChangeResult Refused(string message) => new([new HostFieldError("", message)]);
}

/// <summary>
/// The hosts this dashboard talks to: those configured under <c>Hosts</c> (read-only), those added
/// in the UI (kept by the <see cref="HostConnectionStore"/>), or, when neither has one and
/// <c>Simulator:Enabled</c> is true, the built-in simulated lab. One <see cref="IHyperVHost"/> (one runspace pool) per host. Every add, edit or
/// remove is validated, saved, then handed to the <see cref="InventoryMonitor"/>, so the live view
/// follows without a restart.
/// </summary>
public sealed partial class HostDirectory : IHostLookup, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _edits = new(1, 1);
    private readonly InventoryMonitor? _monitor;
    private readonly HostConnectionStore? _store;
    private readonly IHostConnector _connector;
    private readonly ILogger<HostDirectory> _logger;
    private List<Entry> _entries;

    /// <param name="configuration">Its <c>Hosts</c> section lists the configured hosts.</param>
    /// <param name="logger">Where adds, edits and removes are logged.</param>
    /// <param name="monitor">The monitor that watches every host of the directory; null for none.</param>
    /// <param name="store">Where hosts added in the UI are kept; null means hosts cannot be added.</param>
    /// <param name="connector">Makes each host's <see cref="IHyperVHost"/>; default <see cref="PowerShellHostConnector"/>.</param>
    public HostDirectory(
        IConfiguration configuration,
        ILogger<HostDirectory> logger,
        InventoryMonitor? monitor = null,
        HostConnectionStore? store = null,
        IHostConnector? connector = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _monitor = monitor;
        _store = store;
        _connector = connector ?? new PowerShellHostConnector();

        var hosts = new List<DirectoryHost>();
        foreach (var settings in configuration.GetSection("Hosts").Get<List<HostConnectionSettings>>() ?? [])
        {
            hosts.Add(new DirectoryHost(settings, HostSource.Configuration));
        }

        foreach (var settings in store?.Load() ?? [])
        {
            if (hosts.Any(h => string.Equals(h.Name, settings.Name, StringComparison.OrdinalIgnoreCase)))
            {
                LogShadowed(settings.Name, store!.Location);
                continue;
            }

            hosts.Add(new DirectoryHost(settings, HostSource.File));
        }

        // Simulated L1 hosts saved in the database live inside the lab's VMs: they need the lab, not replace it.
        var nested = hosts.Where(IsSimulatedNested).ToList();
        hosts.RemoveAll(nested.Contains);
        // The lab only when asked for: Simulator:Enabled=true (appsettings.Development.json sets it, so `./build.sh run`
        // starts on it) with no host, or Simulator:KeepLab=true beside configured hosts (the soak benchmark). A production
        // install with no host yet shows how to add one instead of made-up VMs.
        if ((hosts.Count == 0 && configuration.GetValue<bool>(SimulatorEnabledSetting)) || configuration.GetValue<bool>("Simulator:KeepLab"))
        {
            // Simulator:Hosts / Simulator:Vms (total) start a generated lab instead, e.g. 1,000+ VMs to try the grid.
            var (labHosts, labVms) = (configuration.GetValue<int?>("Simulator:Hosts"), configuration.GetValue<int?>("Simulator:Vms"));
            Lab = labVms is > 0
                ? LabScenarios.Generate(labHosts ?? 5, (labVms.Value + (labHosts ?? 5) - 1) / (labHosts ?? 5), seed: 1)
                : LabScenarios.CreateDefaultLab();
            hosts.AddRange(Lab.Hosts.Select(h => new DirectoryHost(
                new HostConnectionSettings
                {
                    Name = h.Name,
                    Address = h.Name,
                    Transport = HostTransport.InProcess,
                    Tags = ["simulated"],
                },
                HostSource.Simulated)));
            LogLab(hosts.Count);
            hosts.AddRange(nested);
        }
        else
        {
            foreach (var orphan in nested)
            {
                LogNestedWithoutLab(orphan.Name);
            }

            if (hosts.Count == 0)
            {
                LogNoHosts();
            }
        }

        _entries = [.. hosts.Select(h => new Entry(h, _connector.Connect(h.Settings, Lab)))];
        foreach (var entry in _entries)
        {
            _monitor?.AddHost(Monitored(entry));
        }
    }

    /// <summary>The setting that lets the dashboard start on the simulated lab when it has no host (default false).</summary>
    public const string SimulatorEnabledSetting = "Simulator:Enabled";

    /// <summary>The simulated lab, when the dashboard started on it (it runs until the app restarts); null with real hosts.</summary>
    public SimulatedLab? Lab { get; }

    /// <summary>Every host with its source, in the order they came.</summary>
    public IReadOnlyList<DirectoryHost> Hosts
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries.Select(e => e.Listing)];
            }
        }
    }

    /// <summary>Every host's connection settings, in the order they came.</summary>
    public IReadOnlyList<HostConnectionSettings> Settings => [.. Hosts.Select(h => h.Settings)];

    /// <summary>Which stored hosts could not be read at start; null when all could (or there is none).</summary>
    public string? StoreProblem => _store?.Problem;

    /// <summary>Whether hosts can be added here (a connection store is registered).</summary>
    public bool CanAdd => _store is not null;

    /// <summary>The host with that name.</summary>
    public IHyperVHost this[string name] => Find(name) ?? throw new KeyNotFoundException($"No host named '{name}'.");

    /// <inheritdoc />
    public IHyperVHost? Find(string name)
    {
        lock (_gate)
        {
            return Locate(name)?.Host;
        }
    }

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
        await _edits.WaitAsync(cancellationToken);
        try
        {
            if (_store is null)
            {
                return HostChangeResult.Refused("Hosts cannot be added here: no host connection store is set up.");
            }

            var errors = HostFormRules.Validate(form, Hosts.Select(h => h.Name));
            if (errors.Count > 0)
            {
                return new HostChangeResult(errors);
            }

            var listing = new DirectoryHost(form.ToSettings(), HostSource.File);
            if (Save(FileHosts().Append(listing)) is { } refused)
            {
                return refused;
            }

            var entry = new Entry(listing, _connector.Connect(listing.Settings));
            lock (_gate)
            {
                _entries = [.. _entries, entry];
            }

            _monitor?.AddHost(Monitored(entry));
            LogAdded(listing.Name, ConnectionTest.Describe(listing.Settings));
            return HostChangeResult.Done;
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
        await _edits.WaitAsync(cancellationToken);
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

            if (Lab is null || parent.Settings.Transport != HostTransport.InProcess || !Lab.TryGet(parent.Settings.Address, out var simulated))
            {
                return HostChangeResult.Refused($"VM {vmId} runs on the real host '{parent.Name}': add its guest as a host on the Connections page with its own address and credentials.");
            }

            if (_store is null)
            {
                return HostChangeResult.Refused("Hosts cannot be added here: no host connection store is set up.");
            }

            if (NestedHostNamed(parent.Name, vmId) is { } existing)
            {
                return HostChangeResult.Refused($"VM {vmId} on host '{parent.Name}' is already the host '{existing}'.");
            }

            var vm = simulated.FindVm(vmId);
            if (vm is null)
            {
                return HostChangeResult.Refused($"Host '{parent.Name}' has no VM with id {vmId}.");
            }

            var (name, state, guest) = simulated.Read(_ => (vm.Name, vm.State, vm.Guest));
            if (state != NestedHvDashboard.Simulator.HyperV.VMState.Running)
            {
                return HostChangeResult.Refused($"VM '{name}' on host '{parent.Name}' is {state}: start it before adding it as a host.");
            }

            if (guest is null || !guest.Host.Read(h => h.HyperVInstalled))
            {
                return HostChangeResult.Refused($"The guest of VM '{name}' on host '{parent.Name}' does not run Hyper-V, so it cannot be a host.");
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

            var listing = new DirectoryHost(settings, HostSource.File);
            if (Save(FileHosts().Append(listing)) is { } refused)
            {
                return refused;
            }

            var entry = new Entry(listing, _connector.Connect(settings, Lab));
            lock (_gate)
            {
                _entries = [.. _entries, entry];
            }

            _monitor?.AddHost(Monitored(entry));
            LogAdded(listing.Name, $"VM {name} on {parent.Name}");
            return HostChangeResult.Done;
        }
        finally
        {
            _edits.Release();
        }
    }

    /// <summary>The name of the host that is VM <paramref name="vmId"/> on <paramref name="parentHost"/>, or null when it is not one.</summary>
    public string? NestedHostNamed(string parentHost, Guid vmId) =>
        Hosts.FirstOrDefault(h => h.Settings.ParentVmId == vmId && string.Equals(h.Settings.ParentHost, parentHost, StringComparison.OrdinalIgnoreCase))?.Name;

    /// <summary>
    /// Changes a host added in the UI (it may be renamed): validates, saves, then the monitor drops
    /// the old connection and watches the new settings; the old connection is closed.
    /// </summary>
    public async Task<HostChangeResult> UpdateAsync(string name, HostForm form, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(form);
        await _edits.WaitAsync(cancellationToken);
        try
        {
            if (FindEditable(name, out var old) is { } refused)
            {
                return refused;
            }

            var errors = HostFormRules.Validate(form, Hosts.Select(h => h.Name).Where(n => !string.Equals(n, old.Listing.Name, StringComparison.OrdinalIgnoreCase)));
            if (errors.Count > 0)
            {
                return new HostChangeResult(errors);
            }

            var listing = new DirectoryHost(form.ToSettings(old.Listing.Settings.Password), HostSource.File);
            if (Save(FileHosts().Select(h => ReferenceEquals(h, old.Listing) ? listing : h)) is { } failed)
            {
                return failed;
            }

            var entry = new Entry(listing, _connector.Connect(listing.Settings));
            lock (_gate)
            {
                _entries = [.. _entries.Select(e => ReferenceEquals(e, old) ? entry : e)];
            }

            if (_monitor is not null)
            {
                await _monitor.ReplaceHostAsync(old.Listing.Name, Monitored(entry));
            }

            await old.Host.DisposeAsync();
            LogUpdated(old.Listing.Name, listing.Name, ConnectionTest.Describe(listing.Settings));
            return HostChangeResult.Done;
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
        await _edits.WaitAsync(cancellationToken);
        try
        {
            if (FindEditable(name, out var old) is { } refused)
            {
                return refused;
            }

            if (Save(FileHosts().Where(h => !ReferenceEquals(h, old.Listing))) is { } failed)
            {
                return failed;
            }

            lock (_gate)
            {
                _entries = [.. _entries.Where(e => !ReferenceEquals(e, old))];
            }

            if (_monitor is not null)
            {
                await _monitor.RemoveHostAsync(old.Listing.Name);
            }

            await old.Host.DisposeAsync();
            LogRemoved(old.Listing.Name);
            return HostChangeResult.Done;
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
                stored = Locate(editing) is { Listing.Source: HostSource.File } entry ? entry.Listing.Settings.Password : null;
            }
        }

        return await ConnectionTest.RunAsync(_connector, form.ToSettings(stored), cancellationToken: cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        List<Entry> entries;
        lock (_gate)
        {
            entries = _entries;
            _entries = [];
        }

        foreach (var entry in entries)
        {
            await entry.Host.DisposeAsync();
        }

        _edits.Dispose();
    }

    // SSH hosts are checked with a TCP connect before each session: see TcpReachability for why.
    private static MonitoredHost Monitored(Entry entry)
    {
        var settings = entry.Listing.Settings;
        return new MonitoredHost(
            entry.Host,
            settings.Timeout,
            settings.Transport == HostTransport.Ssh ? (settings.Address, settings.Port ?? ConnectionTest.SshPort) : null);
    }

    private static bool IsSimulatedNested(DirectoryHost host) =>
        host.Source == HostSource.File && host.Settings is { Transport: HostTransport.InProcess, ParentHost: not null };

    // Called under _gate.
    private Entry? Locate(string name) =>
        _entries.Find(e => string.Equals(e.Listing.Name, name, StringComparison.OrdinalIgnoreCase));

    // The host to edit or remove, or why it cannot be.
    private HostChangeResult? FindEditable(string name, out Entry entry)
    {
        Entry? found;
        lock (_gate)
        {
            found = Locate(name);
        }

        entry = found!;
        return Editable(name, found);
    }

    private static HostChangeResult? Editable(string name, Entry? entry) => entry switch
    {
        null => HostChangeResult.Refused($"There is no host named '{name}'."),
        { Listing.Source: HostSource.Configuration } => HostChangeResult.Refused($"Host '{entry.Listing.Name}' comes from configuration (the Hosts section of appsettings or the environment): change it there."),
        { Listing.Source: HostSource.Simulated } => HostChangeResult.Refused($"Host '{entry.Listing.Name}' belongs to the simulated lab and cannot be changed."),
        _ => null,
    };

    private List<DirectoryHost> FileHosts() => [.. Hosts.Where(h => h.Source == HostSource.File)];

    private HostChangeResult? Save(IEnumerable<DirectoryHost> fileHosts)
    {
        try
        {
            _store!.Save([.. fileHosts.Select(h => h.Settings)]);
            return null;
        }
        catch (DatabaseSaveException ex)
        {
            LogSaveFailed(ex, _store!.Location);
            return HostChangeResult.Refused(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No hosts configured: starting the simulated lab with {HostCount} hosts")]
    private partial void LogLab(int hostCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "No hosts configured and the simulated lab is off (Simulator:Enabled): add the first host on the Connections page")]
    private partial void LogNoHosts();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Host {Host} is a simulated L1 guest but the simulated lab is not running (real hosts are configured); it is left out")]
    private partial void LogNestedWithoutLab(string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Host {Host} in the {Database} has the name of a configured host; the configured one is used")]
    private partial void LogShadowed(string host, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Host {Host} added ({Connection})")]
    private partial void LogAdded(string host, string connection);

    [LoggerMessage(Level = LogLevel.Information, Message = "Host {Host} changed to {NewName} ({Connection}); reconnecting")]
    private partial void LogUpdated(string host, string newName, string connection);

    [LoggerMessage(Level = LogLevel.Information, Message = "Host {Host} removed")]
    private partial void LogRemoved(string host);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not save the host connections to the {Database}")]
    private partial void LogSaveFailed(Exception error, string database);

    private sealed record Entry(DirectoryHost Listing, IHyperVHost Host);
}
