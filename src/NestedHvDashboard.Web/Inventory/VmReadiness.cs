using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Inventory;

/// <summary>A VM's nested virtualization readiness at a glance, as the hub streams it beside the VM.</summary>
/// <param name="Host">The host's name.</param>
/// <param name="VmId">The VM's id.</param>
/// <param name="Worst">The worst answer of the VM's checklist: Fail, else Unknown, else Warn, else Pass.</param>
/// <param name="FailingRuleIds">The ids of the rules that fail (e.g. <c>vm.generation</c>), in checklist order; empty when none fails.</param>
public sealed record VmReadiness(string Host, Guid VmId, ReadinessStatus Worst, IReadOnlyList<string> FailingRuleIds)
{
    /// <summary>The VM's checklist (<see cref="ReadinessEvaluator.EvaluateVm"/>) summed up.</summary>
    public static VmReadiness Of(string host, HostFacts facts, VmSnapshot vm)
    {
        var checks = ReadinessEvaluator.EvaluateVm(facts, vm);
        return new VmReadiness(
            host, vm.Id, ReadinessSummary.From(checks).Worst, [.. checks.Where(c => c.Status is ReadinessStatus.Fail).Select(c => c.RuleId)]);
    }
}
