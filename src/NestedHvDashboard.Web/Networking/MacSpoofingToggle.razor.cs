using Microsoft.AspNetCore.Components;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Networking;

/// <summary>MAC address spoofing of one adapter as a switch, for the host's adapters table; a refusal shows under it.</summary>
public sealed partial class MacSpoofingToggle : MacSpoofingComponent
{
    /// <summary>The adapter, as the feed reports it (a change writes the host's answer into the feed). Required.</summary>
    [Parameter]
    [EditorRequired]
    public VmNetworkAdapterInfo Adapter { get; set; } = null!;

    private async Task SetAsync(bool enabled) => await ChangeAsync(Adapter.Name, enabled);
}
