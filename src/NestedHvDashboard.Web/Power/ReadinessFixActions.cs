using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Power;

/// <summary>
/// Which buttons a readiness fix gets: for each rule whose fix names a command the dashboard can run, the actions that carry
/// it out for this VM now. Other features add their rules here (<see cref="Add"/>); a rule without an entry gets no button.
/// A fix that changes the VM's configuration is <see cref="Core.Operations.VmFixes"/>'s (its own button, <see cref="Fixes.VmFixButton"/>).
/// </summary>
public static class ReadinessFixActions
{
    private static readonly Dictionary<string, Func<ReadinessCheck, VmSnapshot, IEnumerable<VmPowerAction>>> ByRule = new(StringComparer.Ordinal)
    {
        // "Start the VM and shut it down, or discard its saved state (Remove-VMSavedState)": both ways, the user's choice.
        [ReadinessRuleIds.VmPowerState] = (_, vm) => vm.State is VmState.Saved ? [VmPowerAction.Start, VmPowerAction.DeleteSavedState] : [],

        // The fixes that change the VM's configuration (memory, version, vCPUs) are not power actions: Fixes.VmFixButton makes
        // them, stopping a running VM first and starting it again after.
    };

    /// <summary>Adds (or replaces) the actions for <paramref name="ruleId"/>'s fix.</summary>
    public static void Add(string ruleId, Func<ReadinessCheck, VmSnapshot, IEnumerable<VmPowerAction>> actions)
    {
        lock (ByRule)
        {
            ByRule[ruleId] = actions;
        }
    }

    /// <summary>The actions that carry out <paramref name="check"/>'s fix on <paramref name="vm"/> now; none for a check that passes.</summary>
    public static IReadOnlyList<VmPowerAction> For(ReadinessCheck check, VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(vm);
        if (check.Fix is null || check.Status is ReadinessStatus.Pass)
        {
            return [];
        }

        Func<ReadinessCheck, VmSnapshot, IEnumerable<VmPowerAction>>? actions;
        lock (ByRule)
        {
            ByRule.TryGetValue(check.RuleId, out actions);
        }

        return actions is null ? [] : [.. actions(check, vm).Where(a => VmPowerActions.AppliesTo(a, vm.State))];
    }
}
