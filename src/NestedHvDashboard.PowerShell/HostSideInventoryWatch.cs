using System.Collections.Concurrent;
using System.Globalization;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.PowerShell;

/// <summary>
/// The host-side inventory watch for <see cref="PowerShellHyperVHost"/>s: one long-running pipeline
/// on the host (Scripts/WatchInventory.ps1) reads the host locally with a cadence by kind of data
/// (fast fields every interval, from one GetSummaryInformation call or else Get-VM — see <see cref="FastReadOf"/>; configuration every config interval or when a VM's state changes,
/// CPU and uptime as a compact Metrics row every metrics interval, host facts once) and sends only
/// what changed, closing each cycle with a Tick row; here the last state plus those rows becomes a
/// full <see cref="HostInventory"/> per Tick. A VM the dashboard itself just changed (or read) on
/// this host takes that fresh configuration at the next Tick, without waiting for the config interval.
/// </summary>
/// <remarks>
/// The pipeline holds one runspace of the host's session for its whole life, so the host needs
/// <see cref="HostConnectionSettings.MaxConcurrency"/> of at least 2 for every other call (set
/// nested virtualization, start, stop, ...); with less this watch refuses the host (HostRefused),
/// and <see cref="HostSideFirstInventoryWatch"/> polls it instead. No Tick within the interval plus
/// the host's timeout ends the watch with <see cref="HostErrorKind.Timeout"/>.
/// </remarks>
public sealed class HostSideInventoryWatch : IHostSideInventoryWatch
{
    private const string Operation = "GetSummaryInformation; Get-VM; Get-VMProcessor; Get-VMNetworkAdapter; Get-VMSnapshot (host-side watch)";
    private readonly ConcurrentDictionary<string, WatchFastRead> _fastReads = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeSpan _interval;
    private readonly TimeSpan _configInterval;
    private readonly TimeSpan _metricsInterval;

    /// <param name="interval">Time between two cycles on the host (fast fields: state, name, memory assigned).</param>
    /// <param name="configInterval">Time between two reads of every VM's configuration; default 30 s.</param>
    /// <param name="metricsInterval">Time between two metric rows (CPU usage, uptime); default 4 s.</param>
    public HostSideInventoryWatch(TimeSpan interval, TimeSpan? configInterval = null, TimeSpan? metricsInterval = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _interval = interval;
        _configInterval = configInterval ?? TimeSpan.FromSeconds(30);
        _metricsInterval = metricsInterval ?? TimeSpan.FromSeconds(4);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_configInterval, TimeSpan.Zero, nameof(configInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_metricsInterval, TimeSpan.Zero, nameof(metricsInterval));
    }

    /// <summary>
    /// Called when a host's watch says how it reads the fast fields (at its first cycle, and again when it falls back to
    /// Get-VM), with the host's name; e.g. to log the fallback, which costs a big real host seconds every cycle.
    /// </summary>
    public Action<string, WatchFastRead>? FastReadReported { get; init; }

    /// <summary>How the watch of the host named <paramref name="host"/> last said it reads the fast fields; null before its first cycle.</summary>
    public WatchFastRead? FastReadOf(string host) => _fastReads.TryGetValue(host, out var read) ? read : null;

    /// <summary>Test seam: called with every cycle's rows (the Tick excluded) before its inventory is yielded.</summary>
    internal Action<WatchCycle>? CycleObserver { get; set; }

    /// <inheritdoc />
    public bool Supports(MonitoredHost host) => host?.Host is PowerShellHyperVHost;

    /// <inheritdoc />
    public async IAsyncEnumerable<HostInventory> WatchAsync(MonitoredHost host, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var dashboardHost = host.Host as PowerShellHyperVHost
            ?? throw new ArgumentException($"The host-side watch runs on PowerShell hosts only, not on {host.Host.GetType().Name}.", nameof(host));
        var session = dashboardHost.Session;
        if (session.MaxConcurrency < 2)
        {
            throw new HostOperationException(
                HostErrorKind.HostRefused,
                host.Name,
                Operation,
                "The host-side watch holds one of the host's connections; it needs MaxConcurrency of at least 2.");
        }

        var parameters = new Dictionary<string, object?>
        {
            ["Interval"] = _interval.TotalSeconds,
            ["ConfigInterval"] = _configInterval.TotalSeconds,
            ["MetricsInterval"] = _metricsInterval.TotalSeconds,
        };
        var vms = new Dictionary<Guid, VmSnapshot>();
        if (host.KnownVms is { Count: > 0 } known)
        {
            // Taken over from another instance: the script starts from these VMs' fast fields, and this watch from their
            // configuration, so the first read reads configuration only for VMs new or changed state.
            foreach (var vm in known)
            {
                vms[vm.Id] = vm;
            }

            parameters["KnownIds"] = known.Select(vm => vm.Id.ToString("D")).ToArray();
            parameters["KnownNames"] = known.Select(vm => vm.Name).ToArray();
            parameters["KnownStates"] = known.Select(vm => vm.State.ToString()).ToArray();
            parameters["KnownMemory"] = known.Select(vm => vm.MemoryAssignedBytes).ToArray();
            dashboardHost.RememberNames(known);
        }

        var command = new HostCommand(HostScript.WatchInventory, parameters, Operation);
        HostFacts? facts = null;
        var cycle = new List<PSObject>();
        var fresh = new ConcurrentQueue<VmSnapshot>();
        HostFacts? refreshedFacts = null;
        void OnDashboardRead(VmSnapshot vm) => fresh.Enqueue(vm);
        void OnFactsRead(HostFacts read) => Volatile.Write(ref refreshedFacts, read);
        dashboardHost.VmRead += OnDashboardRead;
        dashboardHost.HostFactsRead += OnFactsRead;
        try
        {
            await foreach (var row in session.StreamAsync(command, _interval + host.Timeout, IsTick, cancellationToken).ConfigureAwait(false))
            {
                if (!IsTick(row))
                {
                    cycle.Add(row);
                    continue;
                }

                var (changedFacts, changedVms) = HostRows.Read(cycle);
                facts = changedFacts ?? facts;

                // Host facts are read once per connection; a refresh on demand replaces them.
                if (Interlocked.Exchange(ref refreshedFacts, null) is { } refreshed)
                {
                    facts = refreshed;
                }
                foreach (var vm in changedVms)
                {
                    vms[vm.Id] = vm;
                }

                WatchRows.ApplyFastRows(cycle, vms);
                if (WatchRows.FastReadIn(cycle) is { } fastRead)
                {
                    _fastReads[host.Name] = fastRead;
                    FastReadReported?.Invoke(host.Name, fastRead);
                }

                // After the host's rows: the dashboard's own reading is at least as new as a cycle that ended before this Tick.
                while (fresh.TryDequeue(out var vm))
                {
                    WatchRows.MergeConfiguration(vms, vm);
                }

                dashboardHost.RememberNames(changedVms);
                CycleObserver?.Invoke(new WatchCycle(Sequence(row), [.. cycle]));
                cycle.Clear();
                yield return new HostInventory(
                    facts ?? throw new HostOperationException(HostErrorKind.HostRefused, host.Name, Operation, "The host's answer did not include host facts."),
                    [.. vms.Values],
                    DateTimeOffset.UtcNow);
            }
        }
        finally
        {
            dashboardHost.VmRead -= OnDashboardRead;
            dashboardHost.HostFactsRead -= OnFactsRead;
        }
    }

    private static bool IsTick(PSObject row) => HostRows.KindOf(row) == "Tick";

    private static long Sequence(PSObject row) =>
        row.Properties["Sequence"]?.Value is { } value ? Convert.ToInt64(value is PSObject wrapped ? wrapped.BaseObject : value, CultureInfo.InvariantCulture) : 0;
}

/// <summary>One cycle of the host-side watch as it arrived: its sequence number and its rows (the Tick excluded).</summary>
internal sealed record WatchCycle(long Sequence, IReadOnlyList<PSObject> Rows);
