using NestedHvDashboard.Simulator.HyperV;

namespace NestedHvDashboard.Simulator.State;

/// <summary>
/// What an L1 VM's power and nested setting do to the Hyper-V inside its guest, as on a real host: the guest's hypervisor
/// runs only when the L1 booted with nested virtualization on, and the L2 VMs inside lose their power when the L1 does.
/// Called under the L1's host lock; takes the guest host's lock (as <see cref="SimulatedGuest.CompletePendingFeatures"/> does).
/// </summary>
internal static class NestedLevels
{
    /// <summary>Hyper-V's words when a VM starts in a guest whose hypervisor does not run.</summary>
    public static string HypervisorNotRunning(string vmName) =>
        $"'{vmName}' failed to start. Virtual machine '{vmName}' could not be started because the hypervisor is not running.";

    /// <summary>The L1 boots (from <paramref name="from"/>): its guest's hypervisor runs when nested virtualization is on.</summary>
    public static void Booting(SimulatedVm l1, VMState from)
    {
        if (from == VMState.Off && l1.Guest is { } guest)
        {
            var stopped = !l1.ExposeVirtualizationExtensions;
            var processors = (int)l1.ProcessorCount;
            var memory = l1.MemoryStartupBytes;

            // The guest sees the processors and memory its VM boots with (a VM made by New-VM gets its count set afterwards).
            guest.Host.Update(h =>
            {
                h.HypervisorStopped = stopped;
                h.Profile.LogicalProcessors = processors;
                h.Profile.MemoryBytes = memory;
                return true;
            });
        }
    }

    /// <summary>The L1 is shut down, turned off or reset: every L2 VM inside it is Off.</summary>
    public static void PoweredOff(SimulatedVm l1, DateTimeOffset now)
    {
        if (l1.Guest is not { } guest)
        {
            return;
        }

        guest.Host.Update(h =>
        {
            foreach (var l2 in h.Vms.Where(v => v.StateAt(now) != VMState.Off))
            {
                l2.SettleIn(VMState.Off);
                l2.RunningSince = null;
            }

            return 0;
        });
    }
}
