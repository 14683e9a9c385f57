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
/// </summary>
public sealed class SimulatedLabConnector : IHostConnector
{
    private readonly IHostConnector _inner;

    /// <param name="lab">The lab its in-process hosts live in.</param>
    /// <param name="inner">Reaches every other host. A <see cref="PowerShellHostConnector"/> also gives the in-process hosts
    /// its open gate and timeouts; any other connector (a test's fake) is handed every host, the lab's included.</param>
    public SimulatedLabConnector(SimulatedLab lab, IHostConnector inner)
    {
        Lab = lab ?? throw new ArgumentNullException(nameof(lab));
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    }

    /// <summary>The simulated lab (it runs until it is turned off or the app stops).</summary>
    public SimulatedLab Lab { get; }

    /// <summary>The connector for every host that is not the lab's.</summary>
    public IHostConnector Inner => _inner;

    /// <summary>Why the saved lab could not be read when it was started (it then started as new); null when it could, or none was saved.</summary>
    public string? RestoreProblem { get; private init; }

    /// <summary>True when the lab was started from its saved state.</summary>
    public bool Restored { get; private init; }

    /// <summary>The connection settings of the lab's hosts, tagged <c>simulated</c>.</summary>
    public IReadOnlyList<HostConnectionSettings> Hosts =>
        [.. Lab.Hosts.Select(h => new HostConnectionSettings { Name = h.Name, Address = h.Name, Transport = HostTransport.InProcess, Tags = ["simulated"] })];

    /// <summary>
    /// Starts the lab <paramref name="configuration"/> asks for: <c>Simulator:Hosts</c> / <c>Simulator:Vms</c> (total) start a
    /// generated lab (e.g. 1,000+ VMs to try the grid), else the default lab.
    /// </summary>
    public static SimulatedLabConnector Start(IConfiguration configuration, IHostConnector inner) => Start(configuration, inner, null);

    /// <summary>
    /// Starts the lab as <paramref name="files"/> saved it when they hold a saved state, else as <see cref="Start(IConfiguration, IHostConnector)"/>.
    /// </summary>
    public static SimulatedLabConnector Start(IConfiguration configuration, IHostConnector inner, SimulatedLabFiles? files)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? problem = null;
        if (files?.ReadLab(out problem) is { } saved)
        {
            return new SimulatedLabConnector(saved, inner) { Restored = true };
        }

        var (labHosts, labVms) = (configuration.GetValue<int?>("Simulator:Hosts"), configuration.GetValue<int?>("Simulator:Vms"));
        var lab = labVms is > 0
            ? LabScenarios.Generate(labHosts ?? 5, (labVms.Value + (labHosts ?? 5) - 1) / (labHosts ?? 5), seed: 1)
            : LabScenarios.CreateDefaultLab();
        return new SimulatedLabConnector(lab, inner) { RestoreProblem = problem };
    }

    /// <inheritdoc />
    public IHyperVHost Connect(HostConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Transport == HostTransport.InProcess && _inner is PowerShellHostConnector powerShell
            ? HyperVHostFactory.Create(settings, Lab, powerShell.OpenGate, powerShell.Timeouts)
            : _inner.Connect(settings);
    }

    /// <summary>Whether <paramref name="parent"/> is one of the lab's hosts (reached in process).</summary>
    public bool Holds(HostConnectionSettings parent)
    {
        ArgumentNullException.ThrowIfNull(parent);
        return parent.Transport == HostTransport.InProcess && Lab.HasHost(parent.Address);
    }

    /// <summary>
    /// Why VM <paramref name="vmId"/> of the lab host <paramref name="parent"/> cannot become a host, or null when it can;
    /// <paramref name="vmName"/> is then its name.
    /// </summary>
    public string? RefuseAsHost(DirectoryHost parent, Guid vmId, out string vmName)
    {
        ArgumentNullException.ThrowIfNull(parent);
        vmName = "";
        if (Lab.FindGuest(parent.Settings.Address, vmId) is not { } guest)
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
