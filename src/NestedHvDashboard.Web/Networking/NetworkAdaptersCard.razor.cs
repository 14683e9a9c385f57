namespace NestedHvDashboard.Web.Networking;

/// <summary>A VM's adapters with a MAC address spoofing switch each and "all adapters" on/off; the change and its result show live.</summary>
public sealed partial class NetworkAdaptersCard : MacSpoofingComponent
{
    private string? _command;
    private string _stepStatus = "Running";

    private async Task SetAsync(string? adapterName, bool enabled)
    {
        if (Running)
        {
            return;
        }

        _command = MacSpoofingService.CommandText(Vm.Name, adapterName, enabled);
        _stepStatus = "Running";
        StateHasChanged();
        if (await ChangeAsync(adapterName, enabled) is { } result)
        {
            _stepStatus = result.Succeeded ? "Done" : "Failed";
        }
    }
}
