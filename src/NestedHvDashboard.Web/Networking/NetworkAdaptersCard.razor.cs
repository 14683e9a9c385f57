using Microsoft.AspNetCore.Components;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Networking;

/// <summary>A VM's adapters with a MAC address spoofing switch each and "all adapters" on/off; the change and its result show live.</summary>
public sealed partial class NetworkAdaptersCard : ComponentBase
{
    private string? _command;
    private string _stepStatus = "Running";
    private MacSpoofingResult? _result;
    private bool _running;

    // A new key after each change re-creates the switches, so they show the host's answer, not the click.
    private int _switchKey;

    [Inject]
    public required NestedHvDashboard.Web.Access.CurrentActor Actor { get; init; }

    [Inject]
    public required MacSpoofingService Spoofing { get; init; }

    /// <summary>The host's name. Default empty.</summary>
    [Parameter]
    [EditorRequired]
    public string Host { get; set; } = "";

    /// <summary>The VM as the feed reports it (a change writes the host's answer into the feed). Required.</summary>
    [Parameter]
    [EditorRequired]
    public VmSnapshot Vm { get; set; } = null!;

    private async Task SetAsync(string? adapterName, bool enabled)
    {
        if (_running)
        {
            return;
        }

        var vm = Vm;
        _running = true;
        _result = null;
        _command = MacSpoofingService.CommandText(vm.Name, adapterName, enabled);
        _stepStatus = "Running";
        StateHasChanged();
        try
        {
            var result = await Spoofing.SetAsync(await Actor.GetAsync(), Host, vm, adapterName, enabled);
            _result = result;
            _stepStatus = result.Succeeded ? "Done" : "Failed";
        }
        finally
        {
            _running = false;
            _switchKey++;
        }
    }
}
