using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Networking;

/// <summary>
/// The guest's networking read over PowerShell Direct, the NAT editor (validated live, reviewed before it runs), the L2 address
/// plan once a NAT exists, and Hyper-V's installation in the guest. Behaviour is in <see cref="GuestSetup"/>.
/// </summary>
public sealed partial class GuestNetworkingCard : VmPartComponent, IDisposable
{
    private readonly HashSet<string> _touched = [];
    private GuestCredential? _credential;
    private GuestNetworkState? _state;
    private GuestActionResult? _outcome;
    private NatNetworkPlan? _review;
    private bool _busy;
    private bool _remembered;
    private string _switchName = NatNetworkRequest.DefaultSwitchName;
    private string _prefix = "";
    private string _gateway = "";
    private string _dns = "";
    private string? _credentialNote;
    private Task<AuthenticationState>? _authorizedFor;
    private bool _canOperate;
    private bool _canAdminister;
    private GuestInstall? _install;

    [Inject]
    public required GuestSetup Guest { get; init; }

    [Inject]
    public required GuestInstalls Installs { get; init; }

    [Inject]
    public required GuestCredentialStore Credentials { get; init; }

    [Inject]
    public required Guests.GuestFactsStore GuestFacts { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required IAuthorizationService Authorization { get; init; }

    [CascadingParameter]
    public Task<AuthenticationState>? AuthenticationState { get; set; }

    // What the user's role lets this card offer (the services check again); read again when the signed-in state changes.
    protected override async Task OnParametersSetAsync()
    {
        // The guest's last read, wherever it was made (the "Inside the guest" card, a readiness fix, another visit), shows here too.
        _state = GuestFacts.FindState(Host, Vm.Id) ?? _state;
        Watch(Installs.Find(Host, Vm.Id));
        await ReadRememberedAsync();
        if (AuthenticationState is null || ReferenceEquals(AuthenticationState, _authorizedFor))
        {
            return;
        }

        _authorizedFor = AuthenticationState;
        var user = (await AuthenticationState).User;
        _canOperate = (await Authorization.AuthorizeAsync(user, DashboardPolicies.Operate)).Succeeded;
        _canAdminister = (await Authorization.AuthorizeAsync(user, DashboardPolicies.Administer)).Succeeded;
    }

    // Whether a credential is remembered for this VM: read when the parameters are set and after every action (which may remember or forget one).
    private async Task ReadRememberedAsync() => _remembered = await Credentials.IsRememberedAsync(Host, Vm.Id);

    private NatNetworkRequest Request => new(_prefix, _gateway, string.IsNullOrWhiteSpace(_dns) ? null : _dns, _switchName);

    private NatNetworkPlanResult Plan => NatNetworkPlan.Create(Request, _state ?? GuestNetworkState.Empty);

    // A field's problem shows once the user typed in it, or asked for a review; the NAT name problem (one NAT per guest) always shows.
    private string? ProblemOf(string field) =>
        _touched.Contains(field) || field == NatNetworkField.NatName
            ? Plan.Problems.FirstOrDefault(p => p.Field == field)?.Message
            : null;

    private bool HasProblem(string field) => ProblemOf(field) is not null;

    private void Edit(string field, string? value)
    {
        _touched.Add(field);
        _review = null;
        switch (field)
        {
            case NatNetworkField.SwitchName: _switchName = value ?? ""; break;
            case NatNetworkField.Prefix: _prefix = value ?? ""; break;
            case NatNetworkField.Gateway: _gateway = value ?? ""; break;
            default: _dns = value ?? ""; break;
        }
    }

    private void Review()
    {
        _touched.UnionWith([NatNetworkField.SwitchName, NatNetworkField.Prefix, NatNetworkField.Gateway, NatNetworkField.DnsServer]);
        _review = Plan.Plan;
    }

    private Task ReadAsync() => RunAsync(async () => await Guest.ReadStateAsync(await Actor.GetAsync(), Host, Vm, _credential, AskAsync));

    private async Task CreateAsync()
    {
        await RunAsync(async () => await Guest.CreateNatAsync(await Actor.GetAsync(), Host, Vm, _credential, AskAsync, Request));
        if (_outcome?.Succeeded == true)
        {
            _review = null;
            _touched.Clear();
        }
    }

    private async Task RemoveAsync(GuestNatView nat)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Remove NAT network",
            $"Remove NAT '{nat.Nat.Name}'{(nat.SwitchName is null ? "" : $" and switch '{nat.SwitchName}'")} from VM '{Vm.Name}'? L2 guests on it lose their network.",
            yesText: "Remove", cancelText: "Cancel");
        if (confirmed == true)
        {
            await RunAsync(async () => await Guest.RemoveNatAsync(await Actor.GetAsync(), Host, Vm, _credential, AskAsync, nat.Nat.Name, nat.SwitchName));
        }
    }

    /// <summary>True when the guest can answer PowerShell Direct: the VM runs (a restarting VM keeps its card, and its install).</summary>
    private bool GuestAnswers => Vm.State == VmState.Running;

    // An install read back from the audit trail after a restart succeeded, and the guest was not read since: no fresh button
    // beside "installed"; reading the guest tells again whether Hyper-V is there.
    private bool LastInstallSucceededUnread => _install is { FromAudit: true, Result.Outcome: OperationOutcome.Succeeded } && _state is null;

    /// <summary>True while an action of this card runs, or an install in this guest (started here or on another page).</summary>
    private bool Busy => _busy || _install?.IsRunning == true;

    // The install runs in GuestInstalls, not here: it goes on, and this card (or the next) shows it, when the card goes away.
    private async Task InstallAsync()
    {
        if (Busy)
        {
            return;
        }

        _outcome = null;
        // The prompt comes back to this circuit's renderer: the install asks from its own thread.
        Watch(Installs.Start(Guest, await Actor.GetAsync(), Host, Vm, _credential, AskOnRendererAsync));
    }

    private void Watch(GuestInstall? install)
    {
        if (ReferenceEquals(install, _install))
        {
            return;
        }

        if (_install is not null)
        {
            _install.Changed -= OnInstallChanged;
        }

        _install = install;
        if (install is not null)
        {
            install.Changed += OnInstallChanged;
            TakeResult(install);
        }
    }

    private void OnInstallChanged() => _ = InvokeAsync(() =>
    {
        if (_install is { } install)
        {
            TakeResult(install);
        }

        StateHasChanged();
    });

    // What an ended install learned (the guest's state, the credential it accepted) is this card's too.
    private void TakeResult(GuestInstall install)
    {
        if (install.Result is { } result)
        {
            _credential = result.Credential ?? _credential;
            _state = result.State ?? _state;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_install is not null)
        {
            _install.Changed -= OnInstallChanged;
        }
    }

    private async Task ForgetAsync()
    {
        _outcome = await Guest.ForgetCredentialAsync(await Actor.GetAsync(), Host, Vm);
        _credential = null;
        await ReadRememberedAsync();
    }

    private async Task RunAsync(Func<Task<GuestActionResult>> action)
    {
        if (_busy)
        {
            return;
        }

        _busy = true;
        _outcome = null;
        StateHasChanged();
        try
        {
            var result = await action();
            _outcome = result;
            _credential = result.Credential ?? _credential;
            _state = result.State ?? _state;
        }
        finally
        {
            _busy = false;
            await ReadRememberedAsync();
        }
    }

    private async Task<GuestCredentialAnswer?> AskOnRendererAsync(string? problem)
    {
        GuestCredentialAnswer? answer = null;
        await InvokeAsync(async () => answer = await AskAsync(problem));
        return answer;
    }

    private async Task<GuestCredentialAnswer?> AskAsync(string? problem)
    {
        // Guest credentials are an Administrator's to enter; anyone else works with those already remembered.
        if (!_canAdminister)
        {
            _credentialNote = $"Only an Administrator can enter the credentials of VM '{Vm.Name}'; ask one to read this guest once, and they are remembered.";
            StateHasChanged();
            return null;
        }

        _credentialNote = null;
        var parameters = new DialogParameters<GuestCredentialDialog>
        {
            { d => d.VmName, Vm.Name },
            { d => d.Problem, problem },
        };
        var dialog = await Dialogs.ShowAsync<GuestCredentialDialog>("Guest credentials", parameters);
        var answer = await dialog.Result;
        return answer is { Canceled: false, Data: GuestCredentialAnswer given } ? given : null;
    }

    private static Severity SeverityOf(OperationOutcome outcome) => outcome switch
    {
        OperationOutcome.Succeeded => Severity.Success,
        OperationOutcome.Canceled => Severity.Info,
        OperationOutcome.Refused => Severity.Warning,
        _ => Severity.Error,
    };
}
