using Microsoft.AspNetCore.Components;
using MudBlazor;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Simulator;

/// <summary>
/// The simulated lab's card on the Connections page: whether it runs, whether that is the administrator's kept choice or the
/// settings', and the switch (turning it off asks first, naming what stops being watched). Behaviour is in <see cref="SimulatedLabSwitch"/>.
/// </summary>
public sealed partial class SimulatedLabCard : ComponentBase
{
    private SimulatedLabStatus _status = new(false, null, false, 0, 0);
    private HostChangeResult? _result;
    private bool _busy;

    [Inject]
    public required SimulatedLabSwitch Lab { get; init; }

    [Inject]
    public required CurrentActor Actor { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    /// <summary>How many hosts the page lists (default 0): an add or a remove may change the lab's kept choice, so the card reads it again.</summary>
    [Parameter]
    public int Hosts { get; set; }

    protected override void OnParametersSet() => _status = Lab.Status;

    private async Task SwitchAsync(bool on)
    {
        if (!on)
        {
            var confirmed = await Dialogs.ShowMessageBoxAsync(
                "Turn the simulated lab off",
                $"Its {_status.Hosts} hosts and {_status.Vms} VMs, and the L1 guests added as hosts from them, are no longer watched. Their state is saved and comes back when the lab is turned on again. The dashboard keeps the lab off across restarts.",
                yesText: "Turn off", cancelText: "Cancel");
            if (confirmed != true)
            {
                return;
            }
        }

        _busy = true;
        try
        {
            _result = await Lab.SetAsync(await Actor.GetAsync(), on);
            _status = Lab.Status;
        }
        finally
        {
            _busy = false;
        }
    }
}
