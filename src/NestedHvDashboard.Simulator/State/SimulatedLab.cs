namespace NestedHvDashboard.Simulator.State;

/// <summary>Many simulated hosts, by name (case-insensitive, like computer names).</summary>
public sealed class SimulatedLab
{
    private readonly List<SimulatedHost> hosts = [];
    private readonly Lock gate = new();

    public IReadOnlyList<SimulatedHost> Hosts
    {
        get
        {
            lock (gate)
            {
                return [.. hosts];
            }
        }
    }

    public SimulatedHost this[string name] => TryGet(name, out var host) ? host : throw new KeyNotFoundException($"The lab has no host named '{name}'.");

    public void Add(SimulatedHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        lock (gate)
        {
            if (hosts.Exists(h => string.Equals(h.Name, host.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ArgumentException($"The lab already has a host named '{host.Name}'.", nameof(host));
            }

            hosts.Add(host);
        }
    }

    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SimulatedHost? host)
    {
        lock (gate)
        {
            host = hosts.Find(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));
            return host is not null;
        }
    }

    /// <summary>Every VM in the lab.</summary>
    public int VmCount => Hosts.Sum(h => h.Read(x => x.Vms.Count));
}
