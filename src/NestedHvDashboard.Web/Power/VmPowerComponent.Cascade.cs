using Microsoft.AspNetCore.Components;
using MudBlazor;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Operations;
using NestedHvDashboard.Web.VirtualMachines;

namespace NestedHvDashboard.Web.Power;

/// <summary>Restart of an L1 whose guest runs L2 VMs: the restart cascade instead of a plain restart.</summary>
public abstract partial class VmPowerComponent
{
    private GuestCredential? _guestCredential;

    [Inject]
    public required NestedCascadeService Cascade { get; init; }

    /// <summary>
    /// For a restart of a running Windows L1 with nested virtualization on: reads its guest and, when L2 VMs run there, asks
    /// the user to cascade (or cancel) and runs it. True when that took the restart over (ran or canceled), false for a plain restart.
    /// </summary>
    private async Task<bool> RestartWithL2Async(VmSnapshot vm)
    {
        if (vm.State is not VmState.Running || !vm.ExposeVirtualizationExtensions || vm.GuestOsName?.Contains("Windows", StringComparison.OrdinalIgnoreCase) != true)
        {
            return false;
        }

        var reading = await Cascade.ReadAsync(await Actor.GetAsync(), Host, vm, _guestCredential, AskGuestCredentialAsync);
        _guestCredential = reading.Credential ?? _guestCredential;
        if (reading.Running.Count == 0)
        {
            return false;
        }

        var parameters = new DialogParameters<RestartCascadeDialog>
        {
            { d => d.VmName, vm.Name },
            { d => d.Guest, reading },
            { d => d.Plan, NestedCascadePlan.ForRestart(Host, vm, reading.Running) },
        };
        var dialog = await Dialogs.ShowAsync<RestartCascadeDialog>("Restart", parameters);
        if (await dialog.Result is not { Canceled: false })
        {
            return true;
        }

        var log = new StepLog();
        log.Changed += () => _ = InvokeAsync(() =>
        {
            Steps = log.Steps;
            StateHasChanged();
        });
        Running = VmPowerAction.Restart;
        Outcome = null;
        Steps = [];
        StateHasChanged();
        try
        {
            var result = await Cascade.RestartAsync(await Actor.GetAsync(), Host, vm, _guestCredential, AskGuestCredentialAsync, log);
            Steps = result.Result.Steps.Count > 0 ? result.Result.Steps : log.Steps;
            Outcome = OperationReport.Of(result.Result);
        }
        catch (Exception ex)
        {
            Outcome = OperationReport.Crashed(ex);
        }
        finally
        {
            Running = null;
        }

        return true;
    }

    private async Task<GuestCredentialAnswer?> AskGuestCredentialAsync(string? problem)
    {
        // As on the guest card: guest credentials are an Administrator's to enter; anyone else works with remembered ones.
        if (!(await Actor.GetAsync()).CanAdminister)
        {
            return null;
        }

        var parameters = new DialogParameters<GuestCredentialDialog>
        {
            { d => d.VmName, Vm.Name },
            { d => d.Problem, problem },
        };
        var dialog = await Dialogs.ShowAsync<GuestCredentialDialog>("Guest credentials", parameters);
        if (await dialog.Result is { Canceled: false, Data: GuestCredentialAnswer given })
        {
            _guestCredential = given.Credential;
            return given;
        }

        return null;
    }
}
