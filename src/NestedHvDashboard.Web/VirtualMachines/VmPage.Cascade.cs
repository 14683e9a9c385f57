using Microsoft.AspNetCore.Components;
using MudBlazor;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.VirtualMachines;

/// <summary>The VM page's side of the L1/L2 cascade: read the guest before the switch's dialog, and run the cascade it offers.</summary>
public sealed partial class VmPage
{
    // The guest credential the guest accepted during this visit (never stored here beyond the page).
    private GuestCredential? _guestCredential;
    private string? _guestCredentialNote;

    [Inject]
    public required NestedCascadeService Cascade { get; init; }

    /// <summary>
    /// The L1's guest, read before the dialog for a running Windows VM with nested virtualization on (only then can L2 VMs run
    /// inside it); null when no L2 VM can be running.
    /// </summary>
    private async Task<NestedGuestReading?> ReadGuestForSwitchAsync(VmSnapshot vm)
    {
        if (vm.State is not VmState.Running || !vm.ExposeVirtualizationExtensions || !IsWindows(vm))
        {
            return null;
        }

        var reading = await Cascade.ReadAsync(await Actor.GetAsync(), Host, vm, _guestCredential, AskGuestCredentialAsync);
        _guestCredential = reading.Credential ?? _guestCredential;
        return reading;
    }

    /// <summary>The cascade the dialog lists for the guest's running L2 VMs; null when none run.</summary>
    private NestedCascadePlan? CascadePlanFor(VmSnapshot vm, bool enable, NestedGuestReading? guest)
    {
        if (guest is null || guest.Running.Count == 0)
        {
            return null;
        }

        var facts = Hosts.FirstOrDefault(h => string.Equals(h.Name, Host, StringComparison.OrdinalIgnoreCase))?.Facts;
        var request = new NestedVirtualizationRequest(Host, vm.Id, enable, PowerAction.ShutDown, _alsoMacSpoofing, AlsoDynamicMemoryOff(vm));
        return enable && facts is null
            ? new NestedCascadePlan(PlanVerdict.Refused, [], [], "The host's facts have not been read yet; readiness cannot be checked.")
            : NestedCascadePlan.For(Host, request, vm, facts, guest.Running);
    }

    /// <summary>Runs the cascade, showing the tree's steps live in the switch's step list.</summary>
    private async Task RunCascadeAsync(VmSnapshot vm, bool enable)
    {
        var log = new StepLog();
        log.Changed += () => _ = InvokeAsync(() =>
        {
            _steps = log.Steps;
            StateHasChanged();
        });
        _running = true;
        _stopRequested = false;
        using var wait = new CancellationTokenSource();
        _wait = wait;
        StateHasChanged();
        try
        {
            var request = new NestedVirtualizationRequest(Host, vm.Id, enable, PowerAction.ShutDown, _alsoMacSpoofing, AlsoDynamicMemoryOff(vm));
            var result = await Cascade.RunAsync(await Actor.GetAsync(), vm, request, _guestCredential, AskGuestCredentialAsync, log, wait.Token);
            _steps = result.Result.Steps.Count > 0 ? result.Result.Steps : log.Steps;
            _outcome = OperationReport.Of(result.Result);
        }
        finally
        {
            _wait = null;
            _running = false;
        }
    }

    private async Task<GuestCredentialAnswer?> AskGuestCredentialAsync(string? problem)
    {
        // Guest credentials are an Administrator's to enter (as on the guest card); anyone else works with remembered ones.
        if (!(await Actor.GetAsync()).CanAdminister)
        {
            _guestCredentialNote = $"Only an Administrator can enter the guest credentials of VM '{_vm?.Name}'; ask one to read this guest once, and they are remembered.";
            return null;
        }

        _guestCredentialNote = null;
        var parameters = new DialogParameters<GuestCredentialDialog>
        {
            { d => d.VmName, _vm?.Name ?? "" },
            { d => d.Problem, problem },
        };
        var dialog = await Dialogs.ShowAsync<GuestCredentialDialog>("Guest credentials", parameters);
        var answer = await dialog.Result;
        if (answer is { Canceled: false, Data: GuestCredentialAnswer given })
        {
            _guestCredential = given.Credential;
            return given;
        }

        return null;
    }
}
