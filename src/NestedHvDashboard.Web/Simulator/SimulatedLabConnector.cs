using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.PowerShell;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Simulator;

/// <summary>
/// The built-in simulated lab behind <see cref="IHostConnector"/>: its hosts are reached in process, every other host
/// through the connector it wraps. With <c>Web/Simulator</c>'s endpoints, the only Web code that knows the simulator
/// (the architecture test holds every other folder to that). It also says whether a lab VM can become a host of its own.
/// With <c>Simulator:SharedFolder</c> the lab's hosts are state files in that folder (<see cref="SharedLabFolder"/>), which
/// several dashboard instances share: each reaches a host in process through its file, so they all see one lab.
/// </summary>
public sealed class SimulatedLabConnector : IHostConnector
{
    /// <summary>The setting naming the folder of a lab several instances share; unset: the lab lives in this process.</summary>
    public const string SharedFolderSetting = "Simulator:SharedFolder";

    private readonly IHostConnector _inner;

    /// <param name="lab">The lab its in-process hosts live in.</param>
    /// <param name="inner">Reaches every other host. A <see cref="PowerShellHostConnector"/> also gives the in-process hosts
    /// its open gate and timeouts; any other connector (a test's fake) is handed every host, the lab's included.</param>
    public SimulatedLabConnector(SimulatedLab lab, IHostConnector inner)
    {
        Lab = lab ?? throw new ArgumentNullException(nameof(lab));
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    }

    /// <summary>
    /// A lab in a shared folder, reached through its hosts' state files; <see cref="Lab"/> is then empty.
    /// </summary>
    /// <param name="shared">The folder's lab.</param>
    /// <param name="inner">As for the in-process lab.</param>
    public SimulatedLabConnector(SharedLabFolder shared, IHostConnector inner)
        : this(new SimulatedLab(), inner)
    {
        SharedFolder = shared ?? throw new ArgumentNullException(nameof(shared));
    }

    /// <summary>The simulated lab in this process (it runs until it is turned off or the app stops); empty when the lab is <see cref="SharedFolder"/>'s.</summary>
    public SimulatedLab Lab { get; }

    /// <summary>The shared folder the lab's hosts live in (<c>Simulator:SharedFolder</c>), or null when the lab is in this process.</summary>
    public SharedLabFolder? SharedFolder { get; }

    /// <summary>The lab's host names.</summary>
    public IReadOnlyList<string> HostNames => SharedFolder?.HostNames ?? [.. Lab.Hosts.Select(h => h.Name)];

    /// <summary>Every VM of the lab now.</summary>
    public int VmCount => SharedFolder?.VmCount ?? Lab.VmCount;

    /// <summary>The connector for every host that is not the lab's.</summary>
    public IHostConnector Inner => _inner;

    /// <summary>Why the saved lab could not be read when it was started (it then started as new); null when it could, or none was saved.</summary>
    public string? RestoreProblem { get; private init; }

    /// <summary>True when the lab was started from its saved state.</summary>
    public bool Restored { get; private init; }

    /// <summary>The connection settings of the lab's hosts, tagged <c>simulated</c>.</summary>
    public IReadOnlyList<HostConnectionSettings> Hosts =>
        [.. HostNames.Select(h => new HostConnectionSettings { Name = h, Address = h, Transport = HostTransport.InProcess, Tags = ["simulated"] })];

    /// <summary>
    /// Starts the lab <paramref name="configuration"/> asks for: <c>Simulator:Hosts</c> / <c>Simulator:Vms</c> (total) start a
    /// generated lab (e.g. 1,000+ VMs to try the grid), else the default lab; with <c>Simulator:SharedFolder</c>, the folder's
    /// lab (that lab written there first when the folder has none).
    /// </summary>
    public static SimulatedLabConnector Start(IConfiguration configuration, IHostConnector inner) => Start(configuration, inner, null);

    /// <summary>
    /// Starts the lab as <paramref name="files"/> saved it when they hold a saved state, else as <see cref="Start(IConfiguration, IHostConnector)"/>.
    /// </summary>
    public static SimulatedLabConnector Start(IConfiguration configuration, IHostConnector inner, SimulatedLabFiles? files)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // A shared lab's state is its folder: the data folder's saved state is this instance's alone, so it is not used.
        if (configuration[SharedFolderSetting] is { Length: > 0 } folder)
        {
            return new SimulatedLabConnector(SharedLabFolder.Open(folder, () => Create(configuration)), inner);
        }

        string? problem = null;
        if (files?.ReadLab(out problem) is { } saved)
        {
            return new SimulatedLabConnector(saved, inner) { Restored = true };
        }

        return new SimulatedLabConnector(Create(configuration), inner) { RestoreProblem = problem };
    }

    /// <summary>Reads the lab's host <paramref name="host"/> (in this process or in its shared state file); false when the lab has no such host.</summary>
    public bool TryRead<T>(string host, Func<SimulatedHost, T> read, out T? value)
    {
        ArgumentNullException.ThrowIfNull(read);
        value = default;
        if (SharedFolder is { } shared)
        {
            if (!shared.HasHost(host))
            {
                return false;
            }

            value = shared.Read(host, read);
            return true;
        }

        if (!Lab.TryGet(host, out var simulated))
        {
            return false;
        }

        value = simulated.Read(read);
        return true;
    }

    private static SimulatedLab Create(IConfiguration configuration)
    {
        var (labHosts, labVms) = (configuration.GetValue<int?>("Simulator:Hosts"), configuration.GetValue<int?>("Simulator:Vms"));
        return labVms is > 0
            ? LabScenarios.Generate(labHosts ?? 5, (labVms.Value + (labHosts ?? 5) - 1) / (labHosts ?? 5), seed: 1)
            : LabScenarios.CreateDefaultLab();
    }

    /// <inheritdoc />
    public IHyperVHost Connect(HostConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Transport != HostTransport.InProcess || _inner is not PowerShellHostConnector powerShell)
        {
            return _inner.Connect(settings);
        }

        return SharedFolder is { } shared
            ? HyperVHostFactory.CreateInSharedLab(settings, shared, powerShell.OpenGate, powerShell.Timeouts)
            : HyperVHostFactory.Create(settings, Lab, powerShell.OpenGate, powerShell.Timeouts);
    }

    /// <summary>Whether <paramref name="parent"/> is one of the lab's hosts (reached in process).</summary>
    public bool Holds(HostConnectionSettings parent)
    {
        ArgumentNullException.ThrowIfNull(parent);
        return parent.Transport == HostTransport.InProcess && (SharedFolder?.HasHost(parent.Address) ?? Lab.HasHost(parent.Address));
    }

    /// <summary>
    /// Why VM <paramref name="vmId"/> of the lab host <paramref name="parent"/> cannot become a host, or null when it can;
    /// <paramref name="vmName"/> is then its name.
    /// </summary>
    public string? RefuseAsHost(DirectoryHost parent, Guid vmId, out string vmName)
    {
        ArgumentNullException.ThrowIfNull(parent);
        vmName = "";
        if ((SharedFolder is { } shared ? shared.FindGuest(parent.Settings.Address, vmId) : Lab.FindGuest(parent.Settings.Address, vmId)) is not { } guest)
        {
            return $"Host '{parent.Name}' has no VM with id {vmId}.";
        }

        vmName = guest.VmName;
        if (!guest.Running)
        {
            return $"VM '{guest.VmName}' on host '{parent.Name}' is {guest.State}: start it before adding it as a host.";
        }

        return guest.RunsHyperV ? null : $"The guest of VM '{guest.VmName}' on host '{parent.Name}' does not run Hyper-V, so it cannot be a host.";
    }
}
