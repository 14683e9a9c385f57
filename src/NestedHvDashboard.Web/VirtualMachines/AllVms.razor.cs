using Microsoft.AspNetCore.Components;
using NestedHvDashboard.Web.Components;

namespace NestedHvDashboard.Web.VirtualMachines;

/// <summary>
/// Every VM of every host in one grid, with the bulk nested switch. The address may set the grid's filters
/// (<c>/vms?host=HV-01&amp;readiness=Fail</c>, see <see cref="VmGridAddress"/>), so the overview's counts link to their rows.
/// </summary>
public sealed partial class AllVms : LiveInventoryComponent
{
    private VmGridQuery? _filter;

    /// <summary>Only these hosts' VMs (<c>?host=a&amp;host=b</c>); none for every host.</summary>
    [SupplyParameterFromQuery(Name = "host")]
    public string[]? Host { get; set; }

    /// <summary>Only VMs with this readiness: Pass, Warn, Fail or Unknown.</summary>
    [SupplyParameterFromQuery(Name = "readiness")]
    public string? Readiness { get; set; }

    /// <summary>Only VMs in this power state, e.g. Running.</summary>
    [SupplyParameterFromQuery(Name = "state")]
    public string? State { get; set; }

    /// <summary>Only VMs with nested virtualization on or off.</summary>
    [SupplyParameterFromQuery(Name = "nested")]
    public string? Nested { get; set; }

    /// <summary>The search text.</summary>
    [SupplyParameterFromQuery(Name = "q")]
    public string? Search { get; set; }

    // A new address (a link followed) gives the grid new filters; live updates re-render without touching them.
    protected override void OnParametersSet() => _filter = VmGridAddress.Parse(Host, Readiness, State, Nested, Search);
}
