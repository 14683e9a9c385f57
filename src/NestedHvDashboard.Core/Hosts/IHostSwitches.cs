namespace NestedHvDashboard.Core.Hosts;

/// <summary>
/// A host's own virtual switches, read fresh (Get-VMSwitch): the inventory knows only the switches VMs use, so a check that a
/// switch exists (a new VM's, a blueprint's) asks the host. Implemented by the host connections beside <see cref="IHyperVHost"/>.
/// </summary>
public interface IHostSwitches
{
    /// <summary>The host's virtual switches' names.</summary>
    Task<IReadOnlyList<string>> GetSwitchNamesAsync(CancellationToken cancellationToken = default);
}
