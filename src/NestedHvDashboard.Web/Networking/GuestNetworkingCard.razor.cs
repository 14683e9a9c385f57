using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Networking;

/// <summary>
/// The guest's networking read over PowerShell Direct, the NAT editor (validated live, reviewed before it runs), the L2 address
/// plan once a NAT exists, and Hyper-V's installation in the guest. Behaviour is in <see cref="GuestSetup"/>.
/// </summary>
public sealed partial class GuestNetworkingCard : VmPartComponent
{
    private readonly HashSet<string> _touched = [];
    private readonly List<string> _installSteps = [];
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
    private bool _installStillRunning;
    private bool _installStopRequested;
    private CancellationTokenSource? _installWait;

    [Inject]
    public required GuestSetup Guest { get; init; }

    [Inject]
    public required GuestCredentialStore Credentials { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required IAuthorizationService Authorization { get; init; }

    [CascadingParameter]
    public Task<AuthenticationState>? AuthenticationState { get; set; }

    // What the user's role lets this card offer (the services check again); read again when the signed-in state changes.
    protected override async Task OnParametersSetAsync()
    {
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

    private async Task InstallAsync()
    {
        _installSteps.Clear();
        _installStillRunning = false;
        _installStopRequested = false;
        using var wait = new CancellationTokenSource();
        _installWait = wait;
        var progress = new WordProgress(word => _ = InvokeAsync(() =>
        {
            _installSteps.Add(word);
            // Past its limit the install is left to run in the guest and read again: not a failure, and the card says so.
            _installStillRunning = word == HyperVInstallProgress.StillRunning || (_installStillRunning && word != HyperVInstallProgress.Installed);
            StateHasChanged();
        }));
        try
        {
            await RunAsync(async () => await Guest.InstallHyperVAsync(await Actor.GetAsync(), Host, Vm, _credential, AskAsync, progress, wait.Token));
        }
        catch (OperationCanceledException) when (_installStopRequested)
        {
            _outcome = new GuestActionResult(
                OperationOutcome.Canceled,
                $"Stopped waiting: Hyper-V's installation in VM '{Vm.Name}' on host '{Host}' is left to finish in the guest. Read the guest again later to see where it is.",
                null, null, _credential, []);
        }
        finally
        {
            _installWait = null;
            _installStillRunning = false;
        }
    }

    // The user stops waiting for a long install: the dashboard lets go, the guest finishes what it runs.
    private void StopWaitingForInstall()
    {
        _installStopRequested = true;
        _installWait?.Cancel();
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

    private async Task<GuestCredentialAnswer?> AskAsync(string? problem)
    {
        // Guest credentials are an Administrator's to enter; anyone else works with those already remembered.
        if (!_canAdminister)
        {
            _credentialNote = $"Only an Administrator can enter the credentials of VM '{Vm.Name}'; ask one to read this guest once, and they are remembered.";
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

    // Reports on the engine's thread (Progress<T> would post to a context the circuit may not have).
    private sealed class WordProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
