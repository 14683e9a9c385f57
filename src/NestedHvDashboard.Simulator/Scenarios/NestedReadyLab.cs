using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Scenarios;

/// <summary>
/// A lab whose every VM can take nested virtualization as the dashboard checks it: its host's newest configuration version,
/// no dynamic memory, no checkpoint. The generated lab has older VMs too; a benchmark or test that turns nested
/// virtualization on at random needs each change to run, not to be refused by readiness.
/// </summary>
public static class NestedReadyLab
{
    /// <summary>Makes every VM of <paramref name="lab"/> ready for nested virtualization; returns the lab.</summary>
    public static SimulatedLab MakeReady(SimulatedLab lab)
    {
        ArgumentNullException.ThrowIfNull(lab);
        foreach (var host in lab.Hosts)
        {
            host.Update(h =>
            {
                var newest = h.Profile.SupportedVersions.MaxBy(Version.Parse)!;
                foreach (var vm in h.Vms)
                {
                    vm.Version = newest;
                    vm.DynamicMemoryEnabled = false;
                    vm.Checkpoints.Clear();
                    vm.ParentCheckpointId = null;
                }
            });
        }

        return lab;
    }
}
