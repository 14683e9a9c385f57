using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.Networking;

/// <summary>
/// The switches inside an L1 and its L2 VMs' adapters, read over PowerShell Direct: the recommended networking option for the
/// host, creating the external switch (reviewed in a dialog showing the exact command, why MAC spoofing is needed, and any
/// refusal), removing it, and connecting each L2 VM to a switch. Behaviour is in <see cref="L1SwitchService"/>.
/// </summary>
public sealed partial class L1SwitchesCard : VmPartComponent, IDisposable
{
    private readonly Dictionary<string, string?> _chosen = new(StringComparer.OrdinalIgnoreCase);
    private StepLog _steps = new();
    private L1SwitchesReading? _reading;
    private L1SwitchResult? _outcome;
    private GuestCredential? _credential;
    private IReadOnlyList<L1Switch>? _hostSwitches;
    private string? _credentialNote;
    private string? _switchName = "External";
    private string? _adapterName;
    private bool _busy;
    private bool _canOperate;
    private bool _canAdminister;
    private Task<AuthenticationState>? _authorizedFor;

    [Inject]
    public required L1SwitchService Switches { get; init; }

    [Inject]
    public required AdapterSwitchService HostSwitches { get; init; }

    [Inject]
    public required InventoryStore Inventory { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required IAuthorizationService Authorization { get; init; }

    [CascadingParameter]
    public Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>The advice from the L1's host: its facts and, once read, its switches.</summary>
    private L2NetworkingAdvice Advice => L2NetworkingAdvice.For(Inventory.GetSnapshot(Host).Find(Host)?.Facts, _hostSwitches);

    private bool GuestAnswers => Vm.State == VmState.Running;

    protected override async Task OnInitializedAsync()
    {
        _steps.Changed += OnStep;
        try
        {
            _hostSwitches = await HostSwitches.GetSwitchesAsync(Host);
        }
        catch (Core.Hosts.HostOperationException)
        {
            _hostSwitches = null; // the advice then says the switches were not read
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        if (AuthenticationState is null || ReferenceEquals(AuthenticationState, _authorizedFor))
        {
            return;
        }

        _authorizedFor = AuthenticationState;
        var user = (await AuthenticationState).User;
        _canOperate = (await Authorization.AuthorizeAsync(user, DashboardPolicies.Operate)).Succeeded;
        _canAdminister = (await Authorization.AuthorizeAsync(user, DashboardPolicies.Administer)).Succeeded;
    }

    private string? ChosenSwitch(string l2VmName) =>
        _chosen.TryGetValue(l2VmName, out var chosen) && chosen is not null ? chosen
        : _reading?.L2Adapters.FirstOrDefault(a => string.Equals(a.VmName, l2VmName, StringComparison.OrdinalIgnoreCase))?.SwitchName ?? (_reading is { Switches.Count: > 0 } read ? read.Switches[0].Name : null);

    private Task ReadAsync() => RunAsync(async () => await Switches.ReadAsync(await Actor.GetAsync(), Host, Vm, _credential, AskAsync), freshSteps: false);

    private async Task ReviewCreateAsync()
    {
        var request = new ExternalSwitchRequest(_switchName ?? "", _adapterName ?? "");
        var problems = L1SwitchPlan.ValidateCreate(Vm, _reading!, request);
        if (await ReviewAsync("Create external switch", L1SwitchPlan.CreateExternal(request).DisplayText, problems, "Create",
            [
                $"The guest's adapter '{request.NetAdapterName}' is shared with the new switch: the guest's own address moves to 'vEthernet ({request.SwitchName})'. If the guest stops answering or the check after it fails, the switch is removed again.",
                $"MAC spoofing on the L1's adapters (on host '{Host}') is needed: {L1SwitchPlan.SpoofingWhy}",
            ]))
        {
            await RunAsync(async () => await Switches.CreateExternalAsync(await Actor.GetAsync(), Host, Vm, _credential, AskAsync, request, _steps));
        }
    }

    private async Task RemoveAsync(string switchName)
    {
        if (await ReviewAsync($"Remove switch '{switchName}'", L1SwitchPlan.RemoveSwitch(switchName).DisplayText, L1SwitchPlan.ValidateRemove(Vm, _reading!, switchName), "Remove",
            [$"The guest's address moves back to the adapter the switch was bound to."], destructive: true))
        {
            await RunAsync(async () => await Switches.RemoveSwitchAsync(await Actor.GetAsync(), Host, Vm, _credential, AskAsync, switchName, _steps));
        }
    }

    private async Task ConnectAsync(string l2VmName)
    {
        var switchName = ChosenSwitch(l2VmName) ?? "";
        if (await ReviewAsync($"Connect '{l2VmName}' to '{switchName}'", L1SwitchPlan.Connect(l2VmName, switchName).DisplayText, L1SwitchPlan.ValidateConnect(Vm, _reading!, l2VmName, switchName), "Connect",
            [$"Every network adapter of L2 VM '{l2VmName}' moves to switch '{switchName}'."]))
        {
            await RunAsync(async () => await Switches.ConnectL2Async(await Actor.GetAsync(), Host, Vm, _credential, AskAsync, l2VmName, switchName, _steps));
        }
    }

    private async Task<bool> ReviewAsync(string title, string command, IReadOnlyList<NatNetworkProblem> problems, string confirm, IReadOnlyList<string> notes, bool destructive = false)
    {
        var parameters = new DialogParameters<L1SwitchReviewDialog>
        {
            { d => d.Title, title },
            { d => d.VmName, Vm.Name },
            { d => d.Command, command },
            { d => d.Notes, notes },
            { d => d.Problems, problems },
            { d => d.ConfirmText, confirm },
            { d => d.Destructive, destructive },
        };
        var dialog = await Dialogs.ShowAsync<L1SwitchReviewDialog>(title, parameters, new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        var result = await dialog.Result;
        return result is { Canceled: false };
    }

    private async Task RunAsync(Func<Task<L1SwitchResult>> action, bool freshSteps = true)
    {
        if (_busy)
        {
            return;
        }

        if (freshSteps)
        {
            _steps.Changed -= OnStep;
            _steps = new StepLog();
            _steps.Changed += OnStep;
        }

        _busy = true;
        _outcome = null;
        StateHasChanged();
        try
        {
            var result = await action();
            _outcome = result.Outcome == OperationOutcome.Succeeded && !freshSteps ? null : result;
            _credential = result.Credential ?? _credential;
            if (result.Reading is { } reading)
            {
                _reading = reading;
                var bindable = L1SwitchPlan.BindableAdapters(reading);
                if (_adapterName is null || !bindable.Any(a => a.Name == _adapterName))
                {
                    _adapterName = bindable.Count > 0 ? bindable[0].Name : null;
                }
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private void OnStep() => _ = InvokeAsync(StateHasChanged);

    private async Task<GuestCredentialAnswer?> AskAsync(string? problem)
    {
        GuestCredentialAnswer? answer = null;
        await InvokeAsync(async () =>
        {
            // Guest credentials are an Administrator's to enter; anyone else works with those already remembered.
            if (!_canAdminister)
            {
                _credentialNote = $"Only an Administrator can enter the credentials of VM '{Vm.Name}'; ask one to read this guest once, and they are remembered.";
                StateHasChanged();
                return;
            }

            _credentialNote = null;
            var parameters = new DialogParameters<GuestCredentialDialog> { { d => d.VmName, Vm.Name }, { d => d.Problem, problem } };
            var dialog = await Dialogs.ShowAsync<GuestCredentialDialog>("Guest credentials", parameters);
            answer = await dialog.Result is { Canceled: false, Data: GuestCredentialAnswer given } ? given : null;
        });
        return answer;
    }

    public void Dispose() => _steps.Changed -= OnStep;
}
