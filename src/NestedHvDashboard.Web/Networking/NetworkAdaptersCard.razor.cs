using Microsoft.AspNetCore.Components;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Networking;

/// <summary>A VM's adapters with a MAC address spoofing switch each and "all adapters" on/off; the change and its result show live.</summary>
public sealed partial class NetworkAdaptersCard : ComponentBase
{
    private VmSnapshot? _seen;
    private VmSnapshot? _fromHost;
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

    /// <summary>The VM as the feed reports it. Required.</summary>
    [Parameter]
    [EditorRequired]
    public VmSnapshot Vm { get; set; } = null!;

    /// <summary>Raised with the VM as the host reported it after a change. Default none.</summary>
    [Parameter]
    public EventCallback<VmSnapshot> VmChanged { get; set; }

    // The host's answer is newer than the feed until the feed brings a new snapshot.
    private VmSnapshot Shown => _fromHost ?? Vm;

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_seen, Vm))
        {
            _seen = Vm;
            _fromHost = null;
        }
    }

    private async Task SetAsync(string? adapterName, bool enabled)
    {
        if (_running)
        {
            return;
        }

        var vm = Shown;
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
            if (result.Vm is { } after)
            {
                _fromHost = after;
                await VmChanged.InvokeAsync(after);
            }
        }
        finally
        {
            _running = false;
            _switchKey++;
        }
    }
}
