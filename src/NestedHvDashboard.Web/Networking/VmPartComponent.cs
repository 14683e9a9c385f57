using Microsoft.AspNetCore.Components;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Networking;

/// <summary>
/// A part of a page about one VM that acts on it as the signed-in user (its networking cards, an adapter's switch): the host,
/// the VM as the feed reports it, and who acts. The services it goes through check the user's role again.
/// </summary>
public abstract class VmPartComponent : ComponentBase
{
    [Inject]
    public required CurrentActor Actor { get; init; }

    /// <summary>The host's name. Default empty.</summary>
    [Parameter]
    [EditorRequired]
    public string Host { get; set; } = "";

    /// <summary>The VM as the feed reports it (a change writes the host's answer into the feed). Required.</summary>
    [Parameter]
    [EditorRequired]
    public VmSnapshot Vm { get; set; } = null!;
}
