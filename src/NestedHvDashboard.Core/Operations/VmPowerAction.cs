using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Operations;

/// <summary>What a user asks of a VM's power, as Hyper-V Manager offers it.</summary>
public enum VmPowerAction
{
    /// <summary>Start-VM: an Off VM boots, a Saved one continues from its saved state.</summary>
    Start,

    /// <summary>Stop-VM -Force: a graceful shutdown through the guest's shutdown integration service.</summary>
    ShutDown,

    /// <summary>Stop-VM -TurnOff: power off at once, like pulling the plug.</summary>
    TurnOff,

    /// <summary>Save-VM: the VM's memory goes to disk; it continues from there at its next start.</summary>
    Save,

    /// <summary>Suspend-VM: the VM stops running but keeps its memory.</summary>
    Pause,

    /// <summary>Resume-VM: a paused VM runs again.</summary>
    Resume,

    /// <summary>A graceful restart: shut down (Stop-VM -Force), then Start-VM.</summary>
    Restart,

    /// <summary>Restart-VM -Force: a hard reset, like pressing the reset button.</summary>
    Reset,

    /// <summary>Remove-VMSavedState: a saved VM's memory state is discarded and it is Off.</summary>
    DeleteSavedState,
}

/// <summary>
/// Which power action applies to which state (Hyper-V's own rules, as Hyper-V Manager offers them), what each is called,
/// which command it runs and what it warns about. The VM page's power bar, the bulk dialog and the service all ask here.
/// </summary>
public static class VmPowerActions
{
    /// <summary>Every action, in the order the power bar shows them.</summary>
    public static IReadOnlyList<VmPowerAction> All { get; } = Enum.GetValues<VmPowerAction>();

    /// <summary>The action's name for a button ("Shut down").</summary>
    public static string Title(VmPowerAction action) => action switch
    {
        VmPowerAction.Start => "Start",
        VmPowerAction.ShutDown => "Shut down",
        VmPowerAction.TurnOff => "Turn off",
        VmPowerAction.Save => "Save",
        VmPowerAction.Pause => "Pause",
        VmPowerAction.Resume => "Resume",
        VmPowerAction.Restart => "Restart",
        VmPowerAction.Reset => "Reset",
        VmPowerAction.DeleteSavedState => "Delete saved state",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    /// <summary>The action as a verb phrase for messages ("shutting down").</summary>
    public static string Doing(VmPowerAction action) => action switch
    {
        VmPowerAction.Start => "Starting",
        VmPowerAction.ShutDown => "Shutting down",
        VmPowerAction.TurnOff => "Turning off",
        VmPowerAction.Save => "Saving",
        VmPowerAction.Pause => "Pausing",
        VmPowerAction.Resume => "Resuming",
        VmPowerAction.Restart => "Restarting",
        VmPowerAction.Reset => "Resetting",
        VmPowerAction.DeleteSavedState => "Deleting the saved state of",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    /// <summary>The commands the action runs, as the user would type them for <paramref name="vmName"/>.</summary>
    public static string Command(VmPowerAction action, string vmName)
    {
        var name = Networking.PlannedCommand.Quote(vmName);
        return action switch
        {
            VmPowerAction.Start => $"Start-VM -Name {name}",
            VmPowerAction.ShutDown => $"Stop-VM -Name {name} -Force",
            VmPowerAction.TurnOff => $"Stop-VM -Name {name} -TurnOff",
            VmPowerAction.Save => $"Save-VM -Name {name}",
            VmPowerAction.Pause => $"Suspend-VM -Name {name}",
            VmPowerAction.Resume => $"Resume-VM -Name {name}",
            VmPowerAction.Restart => $"Stop-VM -Name {name} -Force; Start-VM -Name {name}",
            VmPowerAction.Reset => $"Restart-VM -Name {name} -Force",
            VmPowerAction.DeleteSavedState => $"Remove-VMSavedState -VMName {name}",
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
        };
    }

    /// <summary>What the user must accept before the action runs, or null for an action that loses nothing.</summary>
    public static string? Warning(VmPowerAction action) => action switch
    {
        VmPowerAction.TurnOff => "Turning off is like pulling the plug: unsaved work in the guest is lost.",
        VmPowerAction.Reset => "Resetting is like pressing the reset button: the guest does not shut down and unsaved work in it is lost.",
        VmPowerAction.DeleteSavedState =>
            "Deleting the saved state discards the VM's memory: the guest starts from a cold boot and unsaved work in it is lost. Its disks are unaffected.",
        _ => null,
    };

    /// <summary>True when <paramref name="action"/> can run on a VM in <paramref name="state"/>.</summary>
    public static bool AppliesTo(VmPowerAction action, VmState state) => WhyNot(action, state) is null;

    /// <summary>Why <paramref name="action"/> cannot run on a VM in <paramref name="state"/>, or null when it can.</summary>
    public static string? WhyNot(VmPowerAction action, VmState state)
    {
        if (IsTransition(state))
        {
            return $"The VM is {state}; wait until it has finished.";
        }

        if (state is not (VmState.Off or VmState.Running or VmState.Saved or VmState.Paused))
        {
            return $"The VM is {state}; check it in Hyper-V Manager.";
        }

        return (action, state) switch
        {
            (VmPowerAction.Start, VmState.Off or VmState.Saved) => null,
            (VmPowerAction.Start, VmState.Paused) => "The VM is Paused: resume it instead.",
            (VmPowerAction.Start, _) => $"The VM is already {state}.",
            (VmPowerAction.ShutDown or VmPowerAction.Restart or VmPowerAction.Reset or VmPowerAction.Pause, VmState.Running) => null,
            (VmPowerAction.ShutDown or VmPowerAction.Restart or VmPowerAction.Pause, VmState.Paused) => "The VM is Paused: resume it first.",
            (VmPowerAction.ShutDown or VmPowerAction.Restart or VmPowerAction.Reset or VmPowerAction.Pause, _) => $"The VM is {state}; only a running VM can be {Past(action)}.",
            (VmPowerAction.TurnOff, VmState.Running or VmState.Paused) => null,
            (VmPowerAction.TurnOff, VmState.Saved) => "The VM is Saved: delete its saved state to turn it off.",
            (VmPowerAction.TurnOff, _) => $"The VM is already {state}.",
            (VmPowerAction.Save, VmState.Running or VmState.Paused) => null,
            (VmPowerAction.Save, _) => $"The VM is {state}; only a running or paused VM can be saved.",
            (VmPowerAction.Resume, VmState.Paused) => null,
            (VmPowerAction.Resume, _) => $"The VM is {state}; only a paused VM can be resumed.",
            (VmPowerAction.DeleteSavedState, VmState.Saved) => null,
            (VmPowerAction.DeleteSavedState, _) => $"The VM is {state}; only a saved VM has a saved state to delete.",
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
        };
    }

    /// <summary>The state the action leaves the VM in.</summary>
    public static VmState Target(VmPowerAction action) => action switch
    {
        VmPowerAction.ShutDown or VmPowerAction.TurnOff or VmPowerAction.DeleteSavedState => VmState.Off,
        VmPowerAction.Save => VmState.Saved,
        VmPowerAction.Pause => VmState.Paused,
        _ => VmState.Running,
    };

    // Hyper-V refuses power changes while a VM moves between states.
    private static bool IsTransition(VmState state) => state is VmState.Starting or VmState.Stopping or VmState.Saving or VmState.Pausing
        or VmState.Resuming or VmState.Reset or VmState.FastSaving or VmState.ForceShutdown or VmState.ForceReboot or VmState.ComponentServicing;

    private static string Past(VmPowerAction action) => action switch
    {
        VmPowerAction.ShutDown => "shut down",
        VmPowerAction.Restart => "restarted",
        VmPowerAction.Reset => "reset",
        _ => "paused",
    };
}
