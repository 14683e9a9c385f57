using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>
/// Which hosts the dashboard has, merged from their three sources, with no connection made: the configured ones (the
/// <c>Hosts</c> section), the stored ones (added in the UI; a stored host with a configured host's name is shadowed), and
/// the simulated lab's. Pure: the <see cref="HostDirectory"/> logs what it reports and connects what it lists.
/// </summary>
public static class HostCatalog
{
    /// <summary>The setting that lets the dashboard start on the simulated lab when it has no host (default false).</summary>
    public const string SimulatorEnabledSetting = "Simulator:Enabled";

    /// <summary>The setting that keeps the simulated lab beside configured hosts (the soak benchmark).</summary>
    public const string KeepLabSetting = "Simulator:KeepLab";

    /// <summary>The configured and stored hosts, in that order, before the lab.</summary>
    /// <param name="Hosts">The hosts to connect (simulated L1 guests left out: see <paramref name="Nested"/>).</param>
    /// <param name="Shadowed">Stored hosts left out because a configured host has their name.</param>
    /// <param name="Nested">Stored simulated L1 guests: they live inside the lab's VMs, so they come after the lab's hosts, or not at all.</param>
    public sealed record Merged(IReadOnlyList<DirectoryHost> Hosts, IReadOnlyList<string> Shadowed, IReadOnlyList<DirectoryHost> Nested);

    /// <summary>The configured hosts of <paramref name="configuration"/>'s <c>Hosts</c> section.</summary>
    public static IReadOnlyList<HostConnectionSettings> Configured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection("Hosts").Get<List<HostConnectionSettings>>() ?? [];
    }

    /// <summary>Merges the configured hosts and the stored ones (a configured name wins).</summary>
    public static Merged Merge(IEnumerable<HostConnectionSettings> configured, IEnumerable<HostConnectionSettings> stored)
    {
        ArgumentNullException.ThrowIfNull(configured);
        ArgumentNullException.ThrowIfNull(stored);
        var hosts = configured.Select(settings => new DirectoryHost(settings, HostSource.Configuration)).ToList();
        var shadowed = new List<string>();
        foreach (var settings in stored)
        {
            if (hosts.Any(h => string.Equals(h.Name, settings.Name, StringComparison.OrdinalIgnoreCase)))
            {
                shadowed.Add(settings.Name);
                continue;
            }

            hosts.Add(new DirectoryHost(settings, HostSource.Stored));
        }

        var nested = hosts.Where(IsSimulatedNested).ToList();
        hosts.RemoveAll(nested.Contains);
        return new Merged(hosts, shadowed, nested);
    }

    /// <summary>
    /// The lab only when asked for: <c>Simulator:Enabled=true</c> (appsettings.Development.json sets it, so <c>./build.sh run</c>
    /// starts on it) with no host, or <c>Simulator:KeepLab=true</c> beside configured hosts. A production install with no host
    /// yet shows how to add one instead of made-up VMs.
    /// </summary>
    public static bool WantsLab(IConfiguration configuration, int hostCount)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return (hostCount == 0 && configuration.GetValue<bool>(SimulatorEnabledSetting)) || configuration.GetValue<bool>(KeepLabSetting);
    }

    /// <summary>The merged hosts, then the lab's hosts, then the stored L1 guests that live in the lab.</summary>
    public static IReadOnlyList<DirectoryHost> WithLab(Merged merged, IEnumerable<HostConnectionSettings> labHosts)
    {
        ArgumentNullException.ThrowIfNull(merged);
        ArgumentNullException.ThrowIfNull(labHosts);
        return [.. merged.Hosts, .. labHosts.Select(h => new DirectoryHost(h, HostSource.Simulated)), .. merged.Nested];
    }

    /// <summary>True for a stored host that is an L1 guest of the simulated lab (reached in process, under its parent).</summary>
    public static bool IsSimulatedNested(DirectoryHost host) =>
        host.Source == HostSource.Stored && host.Settings is { Transport: HostTransport.InProcess, ParentHost: not null };
}
