using System.Globalization;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.VirtualMachines;

/// <summary>
/// The All VMs grid's filters in its address (<c>/vms?host=HV-01&amp;readiness=Fail</c>), so a count elsewhere (the overview's
/// "3 failing VMs") links to exactly the rows it counted, and a bookmark keeps the view.
/// </summary>
public static class VmGridAddress
{
    /// <summary>The All VMs page.</summary>
    public const string Path = "/vms";

    /// <summary>The address of the grid filtered to these hosts (none: every host) and this readiness (null: any).</summary>
    public static string For(IEnumerable<string>? hosts, ReadinessStatus? readiness)
    {
        var parts = new List<string>();
        foreach (var host in hosts ?? [])
        {
            parts.Add("host=" + Uri.EscapeDataString(host));
        }

        if (readiness is { } status)
        {
            parts.Add("readiness=" + status.ToString());
        }

        return parts.Count == 0 ? Path : Path + "?" + string.Join("&", parts);
    }

    /// <summary>The address of the grid filtered to one host and this readiness.</summary>
    public static string For(string host, ReadinessStatus? readiness) => For([host], readiness);

    /// <summary>
    /// The query the address asks for; a value the grid does not know (a typo, an old bookmark) is ignored rather than
    /// showing an empty grid.
    /// </summary>
    public static VmGridQuery Parse(string[]? hosts, string? readiness, string? state, string? nested, string? search) => new()
    {
        Hosts = [.. (hosts ?? []).Where(h => !string.IsNullOrWhiteSpace(h)).Select(h => h.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)],
        Readiness = Enum.TryParse<ReadinessStatus>(readiness, ignoreCase: true, out var status) && Enum.IsDefined(status) ? status : null,
        State = Enum.TryParse<VmState>(state, ignoreCase: true, out var vmState) && Enum.IsDefined(vmState)
            && !int.TryParse(state, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? vmState : null,
        Nested = nested?.Trim().ToUpperInvariant() switch { "ON" or "TRUE" => true, "OFF" or "FALSE" => false, _ => null },
        Search = search ?? "",
    };
}
