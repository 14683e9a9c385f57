using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.Simulator;

/// <summary>What the Connections page says about the simulated lab.</summary>
/// <param name="IsOn">True while the lab runs.</param>
/// <param name="Choice">The administrator's kept choice, or null when the settings decided.</param>
/// <param name="CanSwitch">True when it can be switched here (the dashboard has a data folder).</param>
/// <param name="Hosts">The lab's hosts while it is on.</param>
/// <param name="Vms">The lab's VMs while it is on.</param>
public sealed record SimulatedLabStatus(bool IsOn, bool? Choice, bool CanSwitch, int Hosts, int Vms);

/// <summary>
/// Turns the simulated lab on or off for an administrator (checked here), as an audited change ("Simulated lab on/off"); the
/// choice is kept in the data folder and wins over <c>Simulator:Enabled</c> at the next start.
/// </summary>
public sealed class SimulatedLabSwitch(HostDirectory directory, IAuditTrail audit)
{
    /// <summary>The lab now.</summary>
    public SimulatedLabStatus Status => directory.Lab is { } lab
        ? new(true, directory.LabChoice, directory.CanSwitchLab, lab.HostNames.Count, lab.VmCount)
        : new(false, directory.LabChoice, directory.CanSwitchLab, 0, 0);

    /// <summary>Turns the lab on or off (Administrator).</summary>
    public Task<HostChangeResult> SetAsync(Actor actor, bool on, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var what = on ? "Turning the simulated lab on" : "Turning the simulated lab off";
        var change = new AuditedChange<HostChangeResult>(
            new AuditStart(actor, on ? "Simulated lab on" : "Simulated lab off", null, null, null, new { on }, directory.Lab is null ? "off" : "on"),
            what,
            HostChangeResult.Refused,
            result => result.Succeeded
                ? new AuditCompletion(AuditResults.Succeeded, result.Message, directory.Lab is null ? "off" : "on")
                : new AuditCompletion(AuditResults.Refused, $"{what}: refused. {result.Message}"))
        {
            NeededRole = DashboardRoles.Administrator,
            Denied = HostChangeResult.Denied,
            Escaped = ex => new AuditCompletion(AuditResults.Failed, $"{what} failed: {ex.Message}"),
        };
        return audit.ChangeAsync(change, _ => directory.SetLabAsync(on, cancellationToken), cancellationToken);
    }
}
