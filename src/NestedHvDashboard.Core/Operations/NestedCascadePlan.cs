using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Operations;

/// <summary>One step of a cascade: an L2 VM's stop or start inside the guest, or one of the L1's own steps.</summary>
/// <param name="Kind">What the step does.</param>
/// <param name="Title">What it does in the user's words.</param>
/// <param name="NestedVm">The L2 VM an L2 step acts on; null for the L1's steps.</param>
public sealed record CascadeStep(OperationStepKind Kind, string Title, GuestVm? NestedVm = null);

/// <summary>
/// A nested virtualization change on a running L1 whose guest runs L2 VMs, as one ordered plan: shut down each running L2 VM
/// inside the guest (in the guest's order), shut down the L1, change it, start the L1, then start the L2 VMs again (in the same
/// order). After turning nested virtualization off, Hyper-V cannot run in the guest any more: the L2 VMs are left off
/// (<see cref="LeftOff"/>) and the plan says why.
/// </summary>
/// <param name="Verdict">Run, no change, or refused (the L1's own plan decides).</param>
/// <param name="Steps">Every step in order; empty unless <paramref name="Verdict"/> is <see cref="PlanVerdict.Run"/>.</param>
/// <param name="LeftOff">The L2 VMs the cascade stops and does not start again.</param>
/// <param name="Message">Why it is refused or needs nothing; for a plan to run, what it leaves off and why, or empty.</param>
public sealed record NestedCascadePlan(PlanVerdict Verdict, IReadOnlyList<CascadeStep> Steps, IReadOnlyList<GuestVm> LeftOff, string Message)
{
    /// <summary>Plans <paramref name="request"/> (its power action is taken as Shut down: the cascade shuts everything down gracefully) for L1 <paramref name="vm"/>.</summary>
    /// <param name="hostName">The L1's host, for the messages.</param>
    /// <param name="request">What the user asked for the L1.</param>
    /// <param name="vm">The L1, read fresh.</param>
    /// <param name="hostFacts">The host's facts; needed when the request turns nested virtualization on.</param>
    /// <param name="running">The L2 VMs running inside the L1's guest now.</param>
    public static NestedCascadePlan For(string hostName, NestedVirtualizationRequest request, VmSnapshot vm, HostFacts? hostFacts, IReadOnlyList<GuestVm> running)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentNullException.ThrowIfNull(running);
        var l1 = NestedVirtualizationPlan.For(hostName, request with { PowerAction = PowerAction.ShutDown }, vm, hostFacts);
        if (l1.Verdict is not PlanVerdict.Run)
        {
            return new NestedCascadePlan(l1.Verdict, [], [], l1.Message);
        }

        var stops = running.Select(v => new CascadeStep(OperationStepKind.StopNestedVm, $"Shut down L2 VM '{v.Name}' (Stop-VM inside '{vm.Name}')", v));
        var own = l1.Steps.Select(s => new CascadeStep(s.Kind, L1Title(s, vm.Name)));

        // Off → On needs no restart of the L2 VMs; On → Off leaves them without a hypervisor.
        var nestedAfter = l1.Steps.Any(s => s.Kind is OperationStepKind.SetNestedVirtualization) ? request.Enable : vm.ExposeVirtualizationExtensions;
        if (!nestedAfter || vm.State is not VmState.Running)
        {
            var message = running.Count == 0 ? "" : LeftOffMessage(vm.Name, running);
            return new NestedCascadePlan(PlanVerdict.Run, [.. stops, .. own], running, message);
        }

        var starts = running.Select(v => new CascadeStep(OperationStepKind.StartNestedVm, $"Start L2 VM '{v.Name}' again (Start-VM inside '{vm.Name}')", v));
        return new NestedCascadePlan(PlanVerdict.Run, [.. stops, .. own, .. starts], [], "");
    }

    /// <summary>
    /// Plans a graceful restart of running L1 <paramref name="vm"/> with its running L2 VMs: shut them down inside the guest, shut
    /// down the L1, start it, start them again in the same order. Refused for an L1 that is not Running.
    /// </summary>
    public static NestedCascadePlan ForRestart(string hostName, VmSnapshot vm, IReadOnlyList<GuestVm> running)
    {
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentNullException.ThrowIfNull(running);
        if (vm.State is not VmState.Running)
        {
            return new NestedCascadePlan(PlanVerdict.Refused, [], [], $"VM '{vm.Name}' on host '{hostName}' is {vm.State}; only a running VM can be restarted.");
        }

        CascadeStep[] own = [new(OperationStepKind.ShutDown, $"Shut down L1 '{vm.Name}'"), new(OperationStepKind.Start, $"Start L1 '{vm.Name}'")];
        var stops = running.Select(v => new CascadeStep(OperationStepKind.StopNestedVm, $"Shut down L2 VM '{v.Name}' (Stop-VM inside '{vm.Name}')", v));
        var starts = running.Select(v => new CascadeStep(OperationStepKind.StartNestedVm, $"Start L2 VM '{v.Name}' again (Start-VM inside '{vm.Name}')", v));
        return new NestedCascadePlan(PlanVerdict.Run, [.. stops, .. own, .. starts], [], "");
    }

    /// <summary>Why L2 VMs stay off after nested virtualization is turned off on their L1, naming them.</summary>
    public static string LeftOffMessage(string l1Name, IReadOnlyList<GuestVm> leftOff)
    {
        ArgumentNullException.ThrowIfNull(leftOff);
        var names = string.Join(", ", leftOff.Select(v => $"'{v.Name}'"));
        return $"L2 {(leftOff.Count == 1 ? "VM" : "VMs")} {names} {(leftOff.Count == 1 ? "is" : "are")} left off: with nested virtualization off, " +
            $"Hyper-V cannot run VMs inside '{l1Name}', so they cannot start again until it is turned back on.";
    }

    // The L1's own steps named with the L1, so the tree's steps read as one list.
    private static string L1Title(PlannedStep step, string l1Name) => step.Kind switch
    {
        OperationStepKind.ShutDown => $"Shut down L1 '{l1Name}'",
        OperationStepKind.Start => $"Start L1 '{l1Name}'",
        _ => $"{step.Title} on L1 '{l1Name}'",
    };
}
