using Microsoft.AspNetCore.Components;
using MudBlazor;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Components;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Operations;
using NestedHvDashboard.Web.NestedSwitching;
namespace NestedHvDashboard.Web.VirtualMachines;

/// <summary>One VM: its facts and readiness, live from the feed, and the one-click nested virtualization switch.</summary>
public sealed partial class VmPage : LiveInventoryComponent
{
    private VmSnapshot? _vm;
    private bool _hostKnown;
    private IReadOnlyList<ReadinessCheck> _checks = [];
    private IReadOnlyList<OperationStep> _steps = [];
    private PendingNestedChange? _pending;
    private OperationReport? _outcome;
    private bool _running;
    private bool _stopRequested;
    private CancellationTokenSource? _wait;
    private bool _alsoMacSpoofing = true; // Microsoft pairs nested with MAC spoofing: ticked by default, the user may untick it.
    private bool _alsoDynamicMemoryOff;
    private bool _addingHost;
    private string? _addHostRefusal;

    // A new key after every toggle re-creates the switch, so it shows the VM's setting again, not the click (after Cancel or a failure).
    private int _switchKey;

    [Parameter]
    public string Host { get; set; } = "";

    [Parameter]
    public Guid VmId { get; set; }

    [Inject]
    public required NestedSwitchService Switch { get; init; }

    [Inject]
    public required CurrentActor Actor { get; init; }

    [Inject]
    public required HostAdministration Administration { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required HostDirectory Directory { get; init; }

    private bool SwitchDisabled => _running || Switch.IsRunning(Host, VmId);

    /// <summary>What the last read of the VM's guest found: the checklist is evaluated with it, and again when it changes.</summary>
    [Inject]
    public required Guests.GuestFactsStore GuestFacts { get; init; }

    protected override void OnInitialized()
    {
        base.OnInitialized();
        GuestFacts.Changed += OnGuestFactsChanged;
    }

    protected override void OnDisposing() => GuestFacts.Changed -= OnGuestFactsChanged;

    private void OnGuestFactsChanged(string host, Guid vmId)
    {
        if (vmId == VmId && string.Equals(host, Host, StringComparison.OrdinalIgnoreCase))
        {
            _ = InvokeAsync(() =>
            {
                Refresh();
                StateHasChanged();
            });
        }
    }

    protected override void OnParametersSet() => Refresh();

    protected override void OnInventoryChanged() => Refresh();

    /// <summary>The VM, its checks and its pending change from the latest feed state.</summary>
    private void Refresh()
    {
        var host = Hosts.FirstOrDefault(h => string.Equals(h.Name, Host, StringComparison.OrdinalIgnoreCase));
        _hostKnown = host is not null;
        // The feed is the one source of truth: a change writes the VM it read back into the inventory store.
        _vm = host?.Vms.FirstOrDefault(v => v.Id == VmId);
        _checks = _vm is not null && host?.Facts is { } facts ? ReadinessEvaluator.EvaluateVmWithGuest(facts, _vm, GuestFacts.Find(Host, VmId)) : [];
        _pending = Switch.FindPending(Host, VmId);
    }

    // One click: the guest (an L1 running Hyper-V) becomes a host of its own; the directory says why not otherwise.
    private async Task AddAsHostAsync()
    {
        _addingHost = true;
        _addHostRefusal = null;
        try
        {
            var result = await Administration.AddNestedHostAsync(await Actor.GetAsync(), Host, VmId, _vm?.Name);
            _addHostRefusal = result.Succeeded ? null : result.Message;
        }
        finally
        {
            _addingHost = false;
        }
    }

    private async Task OnSwitchAsync(bool wanted)
    {
        if (_vm is not { } vm || SwitchDisabled)
        {
            return;
        }

        _outcome = null;
        _steps = [];
        try
        {
            if (vm.State is not VmState.Running)
            {
                // Off runs at once; any other state goes to the planner, which refuses it with a reason.
                await RunAsync(vm, wanted, PowerAction.None);
                return;
            }

            // L2 VMs running inside the guest would stop working: the dialog lists them and offers the cascade.
            var guest = await ReadGuestForSwitchAsync(vm);
            var parameters = new DialogParameters<NestedSwitchDialog>
            {
                { d => d.VmName, vm.Name },
                { d => d.Enable, wanted },
                { d => d.MacSpoofing, wanted && _alsoMacSpoofing },
                { d => d.DynamicMemoryOff, wanted && AlsoDynamicMemoryOff(vm) },
                { d => d.Guest, guest },
                { d => d.CascadePlan, CascadePlanFor(vm, wanted, guest) },
            };
            var dialog = await Dialogs.ShowAsync<NestedSwitchDialog>("Nested virtualization", parameters);
            var answer = await dialog.Result;
            if (answer is null || answer.Canceled || answer.Data is not NestedSwitchChoice choice)
            {
                return;
            }

            if (choice is NestedSwitchChoice.Cascade)
            {
                await RunCascadeAsync(vm, wanted);
            }
            else if (NestedSwitchService.PowerActionOf(choice) is { } power)
            {
                await RunAsync(vm, wanted, power);
            }
            else
            {
                var deferred = await Switch.DeferAsync(await Actor.GetAsync(), Host, vm, wanted, _alsoMacSpoofing, AlsoDynamicMemoryOff(vm));
                _pending = Switch.FindPending(Host, VmId);
                if (deferred.Outcome is not OperationOutcome.Deferred)
                {
                    _outcome = OperationReport.Of(deferred);
                }
            }
        }
        catch (Exception ex)
        {
            _running = false;
            _outcome = OperationReport.Crashed(ex);
        }
        finally
        {
            _switchKey++;
        }
    }

    private async Task RunAsync(VmSnapshot vm, bool enable, PowerAction power)
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
            var result = await Switch.RunAsync(
                await Actor.GetAsync(), vm, new NestedVirtualizationRequest(Host, vm.Id, enable, power, _alsoMacSpoofing, AlsoDynamicMemoryOff(vm)), log, cancellationToken: wait.Token);
            _steps = result.Steps.Count > 0 ? result.Steps : log.Steps;
            _outcome = OperationReport.Of(result);
        }
        finally
        {
            _wait = null;
            _running = false;
        }
    }

    // The user stops waiting for a long step: the plan ends before its next step and the host finishes the one it runs.
    private void StopWaiting()
    {
        _stopRequested = true;
        _wait?.Cancel();
    }

    private static string StatusText(OperationStep step) => step.Status switch
    {
        OperationStepStatus.StillRunning => step.HostMessage ?? NestedVirtualizationOperations.StillRunningChecking,
        _ => step.Status.ToString(),
    };

    // The box shows only while dynamic memory is on; a tick left from before must not carry over.
    private bool AlsoDynamicMemoryOff(VmSnapshot vm) => _alsoDynamicMemoryOff && vm.DynamicMemoryEnabled;

    /// <summary>" (and dynamic memory off, MAC address spoofing on)" for the chosen companion fixes, or "".</summary>
    internal static string CompanionFixes(bool dynamicMemoryOff, bool macSpoofingOn)
    {
        var fixes = new[] { dynamicMemoryOff ? "dynamic memory off" : null, macSpoofingOn ? "MAC address spoofing on" : null }.OfType<string>().ToList();
        return fixes.Count == 0 ? "" : $" (and {string.Join(", ", fixes)})";
    }

    // PowerShell Direct reaches Windows guests only; the KVP exchange tells which ones are.
    private static bool IsWindows(VmSnapshot vm) => vm.GuestOsName?.Contains("Windows", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>Hyper-V installs in guests: the guest card stays while one of this VM's restarts it, and shows its result.</summary>
    [Inject]
    public required Networking.GuestInstalls GuestInstalls { get; init; }

    // A running Windows guest has the card; so has one whose Hyper-V install runs or ended here (the VM restarts during it).
    private bool ShowsGuestCard(VmSnapshot vm) => IsWindows(vm) && (vm.State == VmState.Running || GuestInstalls.Find(Host, vm.Id) is not null);

    private async Task CancelPendingAsync()
    {
        var canceled = await Switch.CancelPendingAsync(await Actor.GetAsync(), Host, VmId);
        _pending = Switch.FindPending(Host, VmId);
        if (canceled.Outcome is OperationOutcome.Denied or OperationOutcome.Refused && _vm is not null)
        {
            _outcome = OperationReport.Of(canceled);
        }
    }

    private static string IconOf(OperationStepStatus status) => status switch
    {
        OperationStepStatus.Done => Icons.Material.Filled.CheckCircle,
        OperationStepStatus.Running => Icons.Material.Filled.Autorenew,
        OperationStepStatus.Failed => Icons.Material.Filled.Error,
        OperationStepStatus.Compensated => Icons.Material.Filled.Undo,
        OperationStepStatus.Skipped => Icons.Material.Filled.RemoveCircleOutline,
        OperationStepStatus.StillRunning => Icons.Material.Filled.HourglassTop,
        _ => Icons.Material.Filled.RadioButtonUnchecked,
    };

    private static Color ColorOf(OperationStepStatus status) => status switch
    {
        OperationStepStatus.Done => Color.Success,
        OperationStepStatus.Running => Color.Info,
        OperationStepStatus.Failed => Color.Error,
        OperationStepStatus.Compensated => Color.Warning,
        OperationStepStatus.StillRunning => Color.Info,
        _ => Color.Default,
    };

    private static Color ColorOf(ReadinessStatus status) => status switch
    {
        ReadinessStatus.Pass => Color.Success,
        ReadinessStatus.Warn => Color.Warning,
        ReadinessStatus.Fail => Color.Error,
        _ => Color.Default,
    };

    private static string FormatBytes(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.#} GB" : $"{bytes >> 20} MB";
}
