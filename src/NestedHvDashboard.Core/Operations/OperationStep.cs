namespace NestedHvDashboard.Core.Operations;

/// <summary>What a step does to the VM.</summary>
public enum OperationStepKind
{
    /// <summary>Graceful shutdown (Stop-VM).</summary>
    ShutDown,

    /// <summary>Hard power off (Stop-VM -TurnOff).</summary>
    TurnOff,

    /// <summary>Set-VMProcessor -ExposeVirtualizationExtensions.</summary>
    SetNestedVirtualization,

    /// <summary>Set-VMNetworkAdapter -MacAddressSpoofing On on every adapter.</summary>
    SetMacAddressSpoofing,

    /// <summary>Set-VMMemory -DynamicMemoryEnabled $false (needs the VM Off).</summary>
    SetDynamicMemory,

    /// <summary>Start-VM, restoring the Running state the VM had.</summary>
    Start,

    /// <summary>Start-VM after a failure or cancellation, so a VM that was running runs again.</summary>
    CompensatingStart,

    /// <summary>New-VM: the first step of creating a VM ready for nesting (the others set its memory, processor and adapters).</summary>
    CreateVm,

    /// <summary>Save-VM: the VM's memory goes to disk and it ends Saved.</summary>
    Save,

    /// <summary>Suspend-VM: the VM is paused in memory.</summary>
    Pause,

    /// <summary>Resume-VM: a paused VM runs again.</summary>
    Resume,

    /// <summary>Restart-VM -Force: a hard reset.</summary>
    Reset,

    /// <summary>Remove-VMSavedState: a saved VM's memory state is discarded and it ends Off.</summary>
    RemoveSavedState,

    /// <summary>Checkpoint-VM: take a checkpoint.</summary>
    CreateCheckpoint,

    /// <summary>Restore-VMSnapshot: apply a checkpoint.</summary>
    ApplyCheckpoint,

    /// <summary>Remove-VMSnapshot: delete a checkpoint (or a checkpoint and every one under it).</summary>
    RemoveCheckpoint,

    /// <summary>Update-VMVersion: raise the configuration version to the host's default (cannot be undone).</summary>
    UpdateVersion,

    /// <summary>Set-VMMemory -StartupBytes (needs the VM Off).</summary>
    SetStartupMemory,

    /// <summary>Set-VMProcessor -Count (needs the VM Off).</summary>
    SetProcessorCount,

    /// <summary>A cascade's Stop-VM of one L2 VM inside its L1 guest (over PowerShell Direct), before the L1 stops.</summary>
    StopNestedVm,

    /// <summary>A cascade's Start-VM of one L2 VM inside its L1 guest (over PowerShell Direct), once the L1 runs again.</summary>
    StartNestedVm,

    /// <summary>A change to the switches inside an L1 guest over PowerShell Direct (New-VMSwitch, Remove-VMSwitch, Connect-VMNetworkAdapter).</summary>
    ChangeGuestSwitch,

    /// <summary>Connect-VMNetworkAdapter on the VM's own host: its adapter moves to another switch.</summary>
    ConnectAdapter,

    /// <summary>New-NetIPAddress and Set-DnsClientServerAddress inside one L2 guest, two PowerShell Direct hops from the L1's host.</summary>
    ApplyL2Address,
}

/// <summary>Where a step is.</summary>
public enum OperationStepStatus
{
    /// <summary>Not run yet.</summary>
    Pending,

    /// <summary>Running on the host now.</summary>
    Running,

    /// <summary>The host did it.</summary>
    Done,

    /// <summary>The host refused or the call broke; <see cref="OperationStep.HostMessage"/> says what the host said.</summary>
    Failed,

    /// <summary>Done, then undone by a compensating step after a later failure (a stop whose VM was started again).</summary>
    Compensated,

    /// <summary>Not run because an earlier step failed or the operation was canceled.</summary>
    Skipped,

    /// <summary>
    /// The step's limit ran out while the host was still at it: "still running on the host — checking" while the VM is
    /// read again; it becomes Done when the read finds the step finished, and stays so when the host is left to finish.
    /// </summary>
    StillRunning,
}

/// <summary>One step of a nested virtualization change or of a new VM's creation, as the page shows it live and the audit notes it.</summary>
/// <param name="HostName">The host.</param>
/// <param name="VmId">The VM's id; <see cref="Guid.Empty"/> for a VM being created.</param>
/// <param name="VmName">The VM's name.</param>
/// <param name="Index">Position in the plan, from 0; a compensating step comes after every planned step.</param>
/// <param name="Kind">What the step does.</param>
/// <param name="Title">What the step does in the user's words, e.g. "Set ExposeVirtualizationExtensions $true".</param>
/// <param name="Status">Where the step is.</param>
/// <param name="HostMessage">What the host said when the step failed; null otherwise.</param>
public sealed record OperationStep(
    string HostName,
    Guid VmId,
    string VmName,
    int Index,
    OperationStepKind Kind,
    string Title,
    OperationStepStatus Status,
    string? HostMessage = null);
