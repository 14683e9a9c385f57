using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Networking;

namespace NestedHvDashboard.Web.Guests;

/// <summary>A button that reads the VM's guest (its NAT, Hyper-V, VBS and boot setting) through <see cref="GuestSetup"/>.</summary>
public sealed partial class ReadGuestButton
{
    private bool _busy;
    private bool _failed;
    private string? _note;

    [Inject]
    public required GuestSetup Guest { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required IAuthorizationService Authorization { get; init; }

    [CascadingParameter]
    public Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>The button's words. Default "Read the guest".</summary>
    [Parameter]
    public string Label { get; set; } = "Read the guest";

    /// <summary>The button's data-testid (its hint and note add "-hint" and "-note"). Default "read-guest".</summary>
    [Parameter]
    public string TestId { get; set; } = "read-guest";

    /// <summary>The button's look. Default outlined.</summary>
    [Parameter]
    public Variant Variant { get; set; } = Variant.Outlined;

    // PowerShell Direct reaches a running guest only.
    private bool Answers => Vm.State == VmState.Running;

    private async Task ReadAsync()
    {
        if (_busy)
        {
            return;
        }

        _busy = true;
        _note = null;
        try
        {
            var result = await Guest.ReadStateAsync(await Actor.GetAsync(), Host, Vm, null, AskAsync);
            _failed = result.Outcome is OperationOutcome.Failed;
            _note = result.Outcome switch
            {
                OperationOutcome.Succeeded => null,
                _ when result.HostMessage is { } said => $"{result.Message} The guest said: {said}",
                _ => _note ?? result.Message,
            };
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task<GuestCredentialAnswer?> AskAsync(string? problem)
    {
        // Guest credentials are an Administrator's to enter; anyone else reads with those already remembered.
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        if (user is null || !(await Authorization.AuthorizeAsync(user, DashboardPolicies.Administer)).Succeeded)
        {
            _note = $"Only an Administrator can enter the credentials of VM '{Vm.Name}'; ask one to read this guest once, and they are remembered.";
            return null;
        }

        var parameters = new DialogParameters<GuestCredentialDialog>
        {
            { d => d.VmName, Vm.Name },
            { d => d.Problem, problem },
        };
        var dialog = await Dialogs.ShowAsync<GuestCredentialDialog>("Guest credentials", parameters);
        var answer = await dialog.Result;
        return answer is { Canceled: false, Data: GuestCredentialAnswer given } ? given : null;
    }
}
