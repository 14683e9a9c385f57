using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Hosts;

/// <summary>How a running VM is brought to Off.</summary>
public enum StopMode
{
    /// <summary>Graceful shutdown through the guest's shutdown integration service (Stop-VM -Force).</summary>
    ShutDown,

    /// <summary>Power off at once, like pulling the plug (Stop-VM -TurnOff).</summary>
    TurnOff,

    /// <summary>Save the VM's memory to disk (Save-VM).</summary>
    Save,
}

/// <summary>
/// One Hyper-V host, reached however its settings say (WinRM, SSH, or the in-process simulator).
/// Every call takes a cancellation token and is bounded by the host's timeout; failures are
/// <see cref="HostOperationException"/> with a <see cref="HostErrorKind"/>.
/// </summary>
public interface IHyperVHost : IAsyncDisposable
{
    /// <summary>The name the dashboard knows the host by (its settings' name).</summary>
    string Name { get; }

    /// <summary>Host facts only.</summary>
    Task<HostFacts> GetHostFactsAsync(CancellationToken cancellationToken = default);

    /// <summary>Host facts and every VM, in one round trip.</summary>
    Task<HostInventory> GetInventoryAsync(CancellationToken cancellationToken = default);

    /// <summary>One VM, fresh from the host.</summary>
    Task<VmSnapshot> GetVmAsync(Guid vmId, CancellationToken cancellationToken = default);

    /// <summary>Turns nested virtualization (ExposeVirtualizationExtensions) on or off. The VM must be Off.</summary>
    Task<VmSnapshot> SetNestedVirtualizationAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default);

    /// <summary>Starts a VM and returns once Hyper-V reports it Running.</summary>
    Task<VmSnapshot> StartVmAsync(Guid vmId, CancellationToken cancellationToken = default);

    /// <summary>Stops (shuts down, turns off or saves) a VM and returns once it is Off (or Saved).</summary>
    Task<VmSnapshot> StopVmAsync(Guid vmId, StopMode mode, CancellationToken cancellationToken = default);

    /// <summary>Pauses a running VM (Suspend-VM) and returns once Hyper-V reports it Paused.</summary>
    Task<VmSnapshot> SuspendVmAsync(Guid vmId, CancellationToken cancellationToken = default);

    /// <summary>Resumes a paused VM (Resume-VM) and returns once Hyper-V reports it Running.</summary>
    Task<VmSnapshot> ResumeVmAsync(Guid vmId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Resets a running VM (Restart-VM -Force): Hyper-V's restart is a hard one, like pressing the reset button, so the guest
    /// loses unsaved work. Returns once Hyper-V reports it Running. A graceful restart is a shutdown then a start.
    /// </summary>
    Task<VmSnapshot> RestartVmAsync(Guid vmId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a saved VM's saved state (Remove-VMSavedState); the VM ends Off and its memory contents are lost.</summary>
    Task<VmSnapshot> RemoveSavedStateAsync(Guid vmId, CancellationToken cancellationToken = default);

    /// <summary>Sets MAC address spoofing on one adapter (by name) or, when <paramref name="adapterName"/> is null, on every adapter of the VM.</summary>
    Task<VmSnapshot> SetMacAddressSpoofingAsync(Guid vmId, string? adapterName, bool enabled, CancellationToken cancellationToken = default);

    /// <summary>Turns dynamic memory on or off (Set-VMMemory -DynamicMemoryEnabled). The VM must be Off; Hyper-V refuses otherwise.</summary>
    Task<VmSnapshot> SetDynamicMemoryAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default);

    /// <summary>
    /// Upgrades the VM's configuration version to the host's default (Update-VMVersion -Force). The VM must be Off; Hyper-V
    /// refuses otherwise. It cannot be undone: the upgraded VM no longer runs on hosts that do not support the new version.
    /// </summary>
    Task<VmSnapshot> UpdateVmVersionAsync(Guid vmId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets the startup memory (Set-VMMemory -StartupBytes), raising the maximum (and lowering the minimum) with it when
    /// dynamic memory is on, as Hyper-V refuses a startup above the maximum. The VM must be Off.
    /// </summary>
    Task<VmSnapshot> SetStartupMemoryAsync(Guid vmId, long startupBytes, CancellationToken cancellationToken = default);

    /// <summary>Sets the number of virtual processors (Set-VMProcessor -Count). The VM must be Off; Hyper-V refuses otherwise.</summary>
    Task<VmSnapshot> SetProcessorCountAsync(Guid vmId, long count, CancellationToken cancellationToken = default);

    /// <summary>The VM's checkpoints (Get-VMSnapshot), the one it runs from and its CheckpointType setting: a read of its own, so the inventory stays cheap.</summary>
    Task<VmCheckpoints> GetCheckpointsAsync(Guid vmId, CancellationToken cancellationToken = default);

    /// <summary>Takes a checkpoint named <paramref name="name"/> (Checkpoint-VM -SnapshotName); its type follows the VM's CheckpointType setting.</summary>
    Task<VmSnapshot> CreateCheckpointAsync(Guid vmId, string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies a checkpoint (Restore-VMSnapshot): the VM's current state is discarded (a running VM is stopped first by Hyper-V) and
    /// the VM ends as the checkpoint left it, Saved when it holds memory, Off otherwise.
    /// </summary>
    Task<VmSnapshot> ApplyCheckpointAsync(Guid vmId, Guid checkpointId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a checkpoint (Remove-VMSnapshot), merging it into its children; with <paramref name="includeChildren"/>, every checkpoint under it too (-IncludeAllChildSnapshots).</summary>
    Task<VmSnapshot> RemoveCheckpointAsync(Guid vmId, Guid checkpointId, bool includeChildren, CancellationToken cancellationToken = default);
}
