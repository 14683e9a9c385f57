using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.VirtualMachines;

namespace NestedHvDashboard.Web.NestedSwitching;

/// <summary>How a bulk nested change meets each VM's power state, in the dialog's words.</summary>
public enum BulkVmClass
{
    /// <summary>Off: changed at once.</summary>
    Off,

    /// <summary>Running: the user's choice (shut down, turn off, skip, at next shutdown) applies.</summary>
    Running,

    /// <summary>Saved (or hibernated): Hyper-V refuses until its saved state is gone.</summary>
    Saved,

    /// <summary>Paused: Hyper-V refuses until it is resumed or off.</summary>
    Paused,

    /// <summary>Starting, stopping, saving…: refused until it settles.</summary>
    Busy,
}

/// <summary>
/// The bulk dialog's view of its VMs: each one classed by power state as Hyper-V treats it for a nested change
/// (<c>NestedVirtualizationPlan</c>), and how many already have the wanted setting. Plain data, tested alone.
/// </summary>
/// <param name="Vms">The chosen VMs.</param>
/// <param name="Enable">True for Enable nested, false for Disable.</param>
public sealed record BulkNestedTargets(IReadOnlyList<VmRow> Vms, bool Enable)
{
    /// <summary>The class of one VM state.</summary>
    public static BulkVmClass ClassOf(VmState state) => state switch
    {
        VmState.Off or VmState.OffCritical => BulkVmClass.Off,
        VmState.Running or VmState.RunningCritical => BulkVmClass.Running,
        VmState.Saved or VmState.SavedCritical or VmState.FastSaved or VmState.FastSavedCritical or VmState.Hibernated => BulkVmClass.Saved,
        VmState.Paused or VmState.PausedCritical => BulkVmClass.Paused,
        _ => BulkVmClass.Busy,
    };

    /// <summary>How many of <paramref name="vms"/> are in <paramref name="type"/>.</summary>
    public static int Count(IEnumerable<VmRow> vms, BulkVmClass type) => vms.Count(v => ClassOf(v.Vm.State) == type);

    /// <summary>VMs that are Off.</summary>
    public int Off => Count(Vms, BulkVmClass.Off);

    /// <summary>VMs that are Running.</summary>
    public int Running => Count(Vms, BulkVmClass.Running);

    /// <summary>VMs that are Saved (or hibernated).</summary>
    public int Saved => Count(Vms, BulkVmClass.Saved);

    /// <summary>VMs that are Paused.</summary>
    public int Paused => Count(Vms, BulkVmClass.Paused);

    /// <summary>VMs that are between states (starting, stopping, saving…).</summary>
    public int Busy => Count(Vms, BulkVmClass.Busy);

    /// <summary>VMs whose nested setting is already the wanted one.</summary>
    public int Already => Vms.Count(v => v.Vm.ExposeVirtualizationExtensions == Enable);

    /// <summary>
    /// What happens to the Saved, Paused and busy VMs, in one sentence; empty when there are none. Only "Apply at next
    /// shutdown" keeps them (the change waits until each is seen Off); the other choices leave them refused.
    /// </summary>
    public string NotOffOrRunning(BulkRunningChoice choice)
    {
        var parts = new List<string>(3);
        if (Saved > 0)
        {
            parts.Add($"{Saved} Saved (start and shut down, or delete the saved state)");
        }

        if (Paused > 0)
        {
            parts.Add($"{Paused} Paused (resume or turn off)");
        }

        if (Busy > 0)
        {
            parts.Add($"{Busy} changing state (wait until Off or Running)");
        }

        if (parts.Count == 0)
        {
            return "";
        }

        var which = string.Join(", ", parts);
        return choice == BulkRunningChoice.AtNextShutdown
            ? $"{which}: the change waits until each is next seen Off."
            : $"{which}: Hyper-V changes nested virtualization only while a VM is Off, so these are refused and listed in the results.";
    }
}
