using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Simulator;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>
/// Owns the connection of every host the dashboard talks to: one <see cref="IHyperVHost"/> (one runspace pool) per host of
/// the <see cref="HostCatalog"/> (configured, stored in the <see cref="HostConnectionStore"/>, or the simulated lab's, reached
/// through the <see cref="SimulatedLabConnector"/>). It publishes every host added, replaced or removed to its
/// <see cref="IHostLifetimeObserver"/>s (the <see cref="InventoryMonitor"/> subscribes), so the live view follows an edit
/// (<c>HostDirectory.Edits.cs</c>) without a restart. The hosts are read once, asynchronously, by <see cref="LoadAsync"/>.
/// </summary>
public sealed partial class HostDirectory : IHostLookup, IHostLifetimePublisher, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _edits = new(1, 1);
    private readonly IConfiguration _configuration;
    private readonly HostConnectionStore? _store;
    private readonly ILogger<HostDirectory> _logger;
    private readonly List<IHostLifetimeObserver> _observers = [];
    private readonly SimulatedLabFiles? _labFiles;
    private IHostConnector _connector;
    private List<Entry> _entries = [];
    private Task? _loading;

    /// <summary>An empty directory: its hosts come with <see cref="LoadAsync"/> (<see cref="HostDirectoryLoader"/> at start-up, or <see cref="CreateAsync"/>).</summary>
    /// <param name="configuration">Its <c>Hosts</c> section lists the configured hosts; its <c>Simulator</c> section the lab.</param>
    /// <param name="logger">Where adds, edits and removes are logged.</param>
    /// <param name="store">Where hosts added in the UI are kept; null means hosts cannot be added.</param>
    /// <param name="connector">Makes each host's <see cref="IHyperVHost"/>; default <see cref="PowerShellHostConnector"/>.</param>
    /// <param name="labFiles">Where the simulated lab's on/off choice and state are kept; null: the settings alone decide, and the lab starts as new.</param>
    public HostDirectory(
        IConfiguration configuration,
        ILogger<HostDirectory> logger,
        HostConnectionStore? store = null,
        IHostConnector? connector = null,
        SimulatedLabFiles? labFiles = null)
    {
        _configuration = configuration ?? throw new ArgumentNullException(nameof(configuration));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _store = store;
        _connector = connector ?? new PowerShellHostConnector();
        _labFiles = labFiles;
    }

    /// <summary>A directory with its hosts loaded (<see cref="LoadAsync"/>): the parameters are the constructor's.</summary>
    public static async Task<HostDirectory> CreateAsync(
        IConfiguration configuration,
        ILogger<HostDirectory> logger,
        HostConnectionStore? store = null,
        IHostConnector? connector = null,
        SimulatedLabFiles? labFiles = null,
        CancellationToken cancellationToken = default)
    {
        var directory = new HostDirectory(configuration, logger, store, connector, labFiles);
        try
        {
            await directory.LoadAsync(cancellationToken);
            return directory;
        }
        catch
        {
            await directory.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Reads the hosts once (configured, stored, or the simulated lab's) and tells every observer each of them; later calls
    /// wait for the same load. Edits and connection tests wait for it too, so nothing is saved over hosts not read yet.
    /// </summary>
    public Task LoadAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            // Started on the thread pool: the store's read and the observers run outside this lock.
            _loading ??= Task.Run(LoadOnceAsync, CancellationToken.None);
            return _loading.WaitAsync(cancellationToken);
        }
    }

    private async Task LoadOnceAsync()
    {
        var merged = HostCatalog.Merge(HostCatalog.Configured(_configuration), _store is null ? [] : await _store.LoadAsync());
        foreach (var shadowed in merged.Shadowed)
        {
            LogShadowed(shadowed, _store!.Location);
        }

        IReadOnlyList<DirectoryHost> hosts = merged.Hosts;
        SimulatedLabConnector? lab = null;

        // The administrator's choice (Connections) wins; with none, the settings decide as they always did.
        if (_labFiles?.ReadChoice() ?? HostCatalog.WantsLab(_configuration, merged.Hosts.Count))
        {
            lab = StartLab(_connector);
            hosts = HostCatalog.WithLab(merged, lab.Hosts);
            LogLab(hosts.Count - merged.Nested.Count);
        }
        else
        {
            foreach (var orphan in merged.Nested)
            {
                LogNestedWithoutLab(orphan.Name);
            }

            if (hosts.Count == 0)
            {
                LogNoHosts();
            }
        }

        var connector = lab ?? _connector;
        List<Entry> entries = [.. hosts.Select(h => new Entry(h, connector.Connect(h.Settings)))];

        // Under _edits like an edit: an observer that subscribed before the load is told each host once, here.
        await _edits.WaitAsync();
        try
        {
            lock (_gate)
            {
                Lab = lab;
                _connector = connector;
                _entries = entries;
            }

            foreach (var entry in entries)
            {
                PublishAdded(entry);
            }
        }
        finally
        {
            _edits.Release();
        }
    }

    /// <summary>The setting that lets the dashboard start on the simulated lab when it has no host (default false).</summary>
    public const string SimulatorEnabledSetting = HostCatalog.SimulatorEnabledSetting;

    /// <summary>The simulated lab's connector while the lab is on; null while it is off.</summary>
    public SimulatedLabConnector? Lab { get; private set; }

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

    /// <summary>The name of the host that is VM <paramref name="vmId"/> on <paramref name="parentHost"/>, or null when it is not one.</summary>
    public string? NestedHostNamed(string parentHost, Guid vmId) =>
        Hosts.FirstOrDefault(h => h.Settings.ParentVmId == vmId && string.Equals(h.Settings.ParentHost, parentHost, StringComparison.OrdinalIgnoreCase))?.Name;

    /// <inheritdoc />
    public IDisposable Subscribe(IHostLifetimeObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);

        // No edit between the hosts told now and the first one published: each host reaches the observer exactly once.
        _edits.Wait();
        try
        {
            List<Entry> entries;
            lock (_gate)
            {
                _observers.Add(observer);
                entries = _entries;
            }

            foreach (var entry in entries)
            {
                observer.HostAdded(Monitored(entry));
            }
        }
        finally
        {
            _edits.Release();
        }

        return new Subscription(this, observer);
    }

    public async ValueTask DisposeAsync()
    {
        List<Entry> entries;
        lock (_gate)
        {
            entries = _entries;
            _entries = [];
            _observers.Clear();
        }

        foreach (var entry in entries)
        {
            await entry.Host.DisposeAsync();
        }

        _edits.Dispose();
    }

    // Each publish below runs under _edits, in the order the edits happened.
    private void PublishAdded(Entry entry)
    {
        foreach (var observer in Observers())
        {
            observer.HostAdded(Monitored(entry));
        }
    }

    private async Task PublishReplacedAsync(string name, Entry entry)
    {
        foreach (var observer in Observers())
        {
            await observer.HostReplacedAsync(name, Monitored(entry));
        }
    }

    private async Task PublishRemovedAsync(string name)
    {
        foreach (var observer in Observers())
        {
            await observer.HostRemovedAsync(name);
        }
    }

    private List<IHostLifetimeObserver> Observers()
    {
        lock (_gate)
        {
            return [.. _observers];
        }
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

    // Called under _gate.
    private Entry? Locate(string name) =>
        _entries.Find(e => string.Equals(e.Listing.Name, name, StringComparison.OrdinalIgnoreCase));

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting the simulated lab with {HostCount} hosts")]
    private partial void LogLab(int hostCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "No hosts configured and the simulated lab is off (Simulator:Enabled): add the first host on the Connections page")]
    private partial void LogNoHosts();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Host {Host} is a simulated L1 guest but the simulated lab is off; it is left out until the lab is turned on (Connections)")]
    private partial void LogNestedWithoutLab(string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Host {Host} in the {Database} has the name of a configured host; the configured one is used")]
    private partial void LogShadowed(string host, string database);

    private sealed record Entry(DirectoryHost Listing, IHyperVHost Host);

    private sealed class Subscription(HostDirectory directory, IHostLifetimeObserver observer) : IDisposable
    {
        public void Dispose()
        {
            lock (directory._gate)
            {
                directory._observers.Remove(observer);
            }
        }
    }
}
