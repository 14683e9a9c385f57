using Microsoft.AspNetCore.Components;
using MudBlazor;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Operations;
using NestedHvDashboard.Web.VirtualMachines;

namespace NestedHvDashboard.Web.Power;

/// <summary>
/// What the VM page's power bar and its readiness fix buttons share: one power action at a time through the
/// <see cref="VmPowerService"/>, the warned ones confirmed first (<see cref="PowerConfirmDialog"/>), its steps live and how it ended.
/// </summary>
public abstract partial class VmPowerComponent : VmPartComponent
{
    [Inject]
    public required VmPowerService Power { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    /// <summary>The running or last action's steps, as they change.</summary>
    protected IReadOnlyList<OperationStep> Steps { get; private set; } = [];

    /// <summary>How the last action ended; null before the first and while one runs.</summary>
    protected OperationReport? Outcome { get; private set; }

    /// <summary>The action running from here, or null.</summary>
    protected VmPowerAction? Running { get; private set; }

    /// <summary>True while a change runs on the VM, from here or elsewhere (the per-VM lock).</summary>
    protected bool Busy => Running is not null || Power.IsRunning(Host, Vm.Id);

    /// <summary>Why <paramref name="action"/> cannot run now, or null when it can (state, a change running, the user's role).</summary>
    protected string? WhyNot(VmPowerAction action, bool mayOperate) =>
        !mayOperate ? "Operators can change the VM's power."
        : Busy ? "A change is running on this VM."
        : VmPowerActions.WhyNot(action, Vm.State);

    /// <summary>Confirms a warned action, then runs <paramref name="action"/> on the VM; nothing happens while another runs.</summary>
    protected async Task RunAsync(VmPowerAction action)
    {
        if (Busy)
        {
            return;
        }

        var vm = Vm;
        if (action is VmPowerAction.Restart && await RestartWithL2Async(vm))
        {
            return;
        }

        if (VmPowerActions.Warning(action) is not null && !await PowerConfirmDialog.AskAsync(Dialogs, action, vm.Name, Host))
        {
            return;
        }

        var log = new StepLog();
        log.Changed += () => _ = InvokeAsync(() =>
        {
            Steps = log.Steps;
            StateHasChanged();
        });
        Running = action;
        Outcome = null;
        Steps = [];
        StateHasChanged();
        try
        {
            var result = await Power.RunAsync(await Actor.GetAsync(), Host, vm, action, log);
            Steps = result.Steps.Count > 0 ? result.Steps : log.Steps;
            Outcome = OperationReport.Of(result);
        }
        catch (Exception ex)
        {
            Outcome = OperationReport.Crashed(ex);
        }
        finally
        {
            Running = null;
        }
    }
}
