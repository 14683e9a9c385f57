using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.PowerShell;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>
/// The hosts this dashboard talks to: those configured under <c>Hosts</c>, or, when none are,
/// the built-in simulated lab. One <see cref="IHyperVHost"/> (one runspace pool) per host.
/// </summary>
public sealed class HostDirectory : IHostLookup, IAsyncDisposable
{
    private readonly Dictionary<string, IHyperVHost> _hosts;

    public HostDirectory(IConfiguration configuration, ILogger<HostDirectory> logger)
    {
        var configured = configuration.GetSection("Hosts").Get<List<HostConnectionSettings>>() ?? [];
        if (configured.Count == 0)
        {
            // Simulator:Hosts / Simulator:Vms (total) start a generated lab instead, e.g. 1,000+ VMs to try the grid.
            var (labHosts, labVms) = (configuration.GetValue<int?>("Simulator:Hosts"), configuration.GetValue<int?>("Simulator:Vms"));
            Lab = labVms is > 0 ? LabScenarios.Generate(labHosts ?? 5, (labVms.Value + (labHosts ?? 5) - 1) / (labHosts ?? 5), seed: 1) : LabScenarios.CreateDefaultLab();
            configured = [.. Lab.Hosts.Select(h => new HostConnectionSettings
            {
                Name = h.Name,
                Address = h.Name,
                Transport = HostTransport.InProcess,
                Tags = ["simulated"],
            })];
            logger.LogInformation("No hosts configured: starting the simulated lab with {HostCount} hosts", configured.Count);
        }

        Settings = configured;
        _hosts = configured.ToDictionary(s => s.Name, s => HyperVHostFactory.Create(s, Lab), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The simulated lab, when the dashboard runs on it; null with real hosts.</summary>
    public SimulatedLab? Lab { get; }

    /// <summary>Every host's connection settings, in configuration order.</summary>
    public IReadOnlyList<HostConnectionSettings> Settings { get; }

    /// <summary>The host with that name.</summary>
    public IHyperVHost this[string name] => _hosts[name];

    /// <inheritdoc />
    public IHyperVHost? Find(string name) => _hosts.TryGetValue(name, out var host) ? host : null;

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts.Values)
        {
            await host.DisposeAsync();
        }
    }
}
