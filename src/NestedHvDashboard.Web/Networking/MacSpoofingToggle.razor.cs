using Microsoft.AspNetCore.Components;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Networking;

/// <summary>MAC address spoofing of one adapter as a switch, for the host's adapters table; a refusal shows under it.</summary>
public sealed partial class MacSpoofingToggle : ComponentBase
{
    private MacSpoofingResult? _result;
    private bool _running;
    private int _switchKey;

    [Inject]
    public required NestedHvDashboard.Web.Access.CurrentActor Actor { get; init; }

    [Inject]
    public required MacSpoofingService Spoofing { get; init; }

    /// <summary>The host's name. Default empty.</summary>
    [Parameter]
    [EditorRequired]
    public string Host { get; set; } = "";

    /// <summary>The VM the adapter belongs to. Required.</summary>
    [Parameter]
    [EditorRequired]
    public VmSnapshot Vm { get; set; } = null!;

    /// <summary>The adapter, as the feed reports it (a change writes the host's answer into the feed). Required.</summary>
    [Parameter]
    [EditorRequired]
    public VmNetworkAdapterInfo Adapter { get; set; } = null!;

    private async Task SetAsync(bool enabled)
    {
        if (_running)
        {
            return;
        }

        _running = true;
        _result = null;
        try
        {
            _result = await Spoofing.SetAsync(await Actor.GetAsync(), Host, Vm, Adapter.Name, enabled);
        }
        finally
        {
            _running = false;
            _switchKey++;
        }
    }
}
