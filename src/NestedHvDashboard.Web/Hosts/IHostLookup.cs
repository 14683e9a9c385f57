using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>Finds the <see cref="IHyperVHost"/> for a host name; pages and services use this, tests fake it.</summary>
public interface IHostLookup
{
    /// <summary>The host with that name (case-insensitive), or null when there is none.</summary>
    IHyperVHost? Find(string name);
}
