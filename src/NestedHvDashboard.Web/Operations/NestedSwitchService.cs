using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Operations;

/// <summary>What the VM page's nested switch does: run the change now, or leave it pending until the VM is seen Off.</summary>
public sealed class NestedSwitchService(
    IHostLookup hosts,
    NestedVirtualizationOperations operations,
    PendingNestedChanges pending,
    ActivityLog activity,
    TimeProvider time)
{
    /// <summary>True while a change runs on the VM (from this page or another).</summary>
    public bool IsRunning(string hostName, Guid vmId) => operations.IsRunning(hostName, vmId);

    /// <summary>The VM's pending change, or null.</summary>
    public PendingNestedChange? FindPending(string hostName, Guid vmId) => pending.Find(hostName, vmId);

    /// <summary>
    /// Runs the change now. <paramref name="power"/> is <see cref="PowerAction.None"/> for a VM that is Off.
    /// The companion fixes (<paramref name="enableMacAddressSpoofing"/>, <paramref name="disableDynamicMemory"/>) apply only when enabling.
    /// A host the dashboard does not know is a Refused result, not an exception.
    /// </summary>
    public async Task<OperationResult> RunAsync(
        string hostName, VmSnapshot vm, bool enable, PowerAction power, bool enableMacAddressSpoofing, bool disableDynamicMemory, IProgress<OperationStep> progress)
    {
        ArgumentNullException.ThrowIfNull(vm);
        if (hosts.Find(hostName) is not { } host)
        {
            return activity.Recorded(new OperationResult(
                OperationOutcome.Refused, hostName, vm.Id, vm.Name, $"The dashboard has no host named '{hostName}'; nothing was changed.", [], null, null, null), enable);
        }

        // Not the page's token: a change that has started finishes (and compensates) even when the page closes.
        var result = await operations.RunAsync(
            host, new NestedVirtualizationRequest(hostName, vm.Id, enable, power, enableMacAddressSpoofing && enable, disableDynamicMemory && enable), progress, CancellationToken.None);
        return activity.Recorded(result, enable);
    }

    /// <summary>Leaves the change pending until the VM is seen Off (replacing one already pending); it is saved, so it survives a restart.</summary>
    public PendingNestedChange Defer(string hostName, VmSnapshot vm, bool enable, bool enableMacAddressSpoofing, bool disableDynamicMemory)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var change = new PendingNestedChange(
            hostName, vm.Id, vm.Name, enable, enableMacAddressSpoofing && enable, time.GetUtcNow(), disableDynamicMemory && enable);
        pending.Add(change);
        activity.Note(hostName, vm.Name, vm.Id, enable ? "Enable nested" : "Disable nested", "Deferred",
            $"Nested virtualization will be turned {(enable ? "on" : "off")} on VM '{vm.Name}' on host '{hostName}' the next time the VM is seen Off.");
        return change;
    }

    /// <summary>Cancels the VM's pending change; false when there was none.</summary>
    public bool CancelPending(string hostName, Guid vmId)
    {
        var change = pending.Find(hostName, vmId);
        if (!pending.Remove(hostName, vmId))
        {
            return false;
        }

        activity.Note(hostName, change?.VmName, vmId, change?.Enable == false ? "Disable nested" : "Enable nested", "Pending canceled",
            $"The pending nested virtualization change on VM '{change?.VmName}' on host '{hostName}' was canceled; nothing was changed.");
        return true;
    }

    /// <summary>The power action for a dialog choice, or null for "apply at next shutdown".</summary>
    public static PowerAction? PowerActionOf(NestedSwitchChoice choice) => choice switch
    {
        NestedSwitchChoice.ShutDown => PowerAction.ShutDown,
        NestedSwitchChoice.TurnOff => PowerAction.TurnOff,
        _ => null,
    };

    /// <summary>True when a compensating start ran and brought the VM back to Running.</summary>
    public static bool WasRestored(OperationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Steps.Any(s => s.Kind is OperationStepKind.CompensatingStart && s.Status is OperationStepStatus.Done);
    }
}
