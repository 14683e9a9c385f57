using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Operations;

/// <summary>What the planner decided.</summary>
public enum PlanVerdict
{
    /// <summary>Run <see cref="NestedVirtualizationPlan.Steps"/> in order.</summary>
    Run,

    /// <summary>The VM already has what was asked; nothing to run.</summary>
    NoChange,

    /// <summary>The request cannot run as asked; <see cref="NestedVirtualizationPlan.Message"/> says why and what to do.</summary>
    Refused,
}

/// <summary>One step the plan will run.</summary>
public sealed record PlannedStep(OperationStepKind Kind, string Title);

/// <summary>
/// The ordered steps that change nested virtualization for a VM in its current state:
/// Off → [Set]; Running + ShutDown → [Shut down, Set, Start]; Running + TurnOff → [Turn off, Set, Start].
/// The companion fixes, when asked for, come right after Set while the VM is Off: dynamic memory off, then MAC
/// spoofing on. When the nested setting is already right they run alone: MAC spoofing needs no power change, but
/// dynamic memory needs the VM Off, so for a running VM it takes the same stop and start as the nested change.
/// </summary>
/// <param name="Verdict">Run, no change, or refused.</param>
/// <param name="Steps">The steps to run; empty unless <paramref name="Verdict"/> is <see cref="PlanVerdict.Run"/>.</param>
/// <param name="Message">Why the request was refused or needs nothing; empty for a plan to run.</param>
public sealed record NestedVirtualizationPlan(PlanVerdict Verdict, IReadOnlyList<PlannedStep> Steps, string Message)
{
    /// <summary>Plans <paramref name="request"/> for <paramref name="vm"/> as just read from <paramref name="hostName"/>.</summary>
    /// <param name="hostName">The host, for the messages.</param>
    /// <param name="request">What the user asked.</param>
    /// <param name="vm">The VM, read fresh.</param>
    /// <param name="hostFacts">The host's facts; required when the request turns nested virtualization on (readiness is checked against them).</param>
    public static NestedVirtualizationPlan For(string hostName, NestedVirtualizationRequest request, VmSnapshot vm, HostFacts? hostFacts)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(vm);

        var target = $"VM '{vm.Name}' on host '{hostName}'";
        var needsSet = vm.ExposeVirtualizationExtensions != request.Enable;
        var needsMacSpoofing = request.Enable && request.EnableMacAddressSpoofing && vm.NetworkAdapters.Any(a => !a.MacAddressSpoofing);
        var needsStaticMemory = request.Enable && request.DisableDynamicMemory && vm.DynamicMemoryEnabled;
        var macSpoofing = new PlannedStep(OperationStepKind.SetMacAddressSpoofing, "Set MacAddressSpoofing On");
        var staticMemory = new PlannedStep(OperationStepKind.SetDynamicMemory, "Set DynamicMemoryEnabled $false");

        if (!needsSet && !needsStaticMemory)
        {
            // Set-VMNetworkAdapter works on a running VM, so the MAC spoofing fix alone needs no power change.
            return needsMacSpoofing
                ? new NestedVirtualizationPlan(PlanVerdict.Run, [macSpoofing], "")
                : new NestedVirtualizationPlan(PlanVerdict.NoChange, [],
                    $"Nested virtualization is already {(request.Enable ? "enabled" : "disabled")} on {target}; nothing to do.");
        }

        if (needsSet && request.Enable)
        {
            if (hostFacts is null)
            {
                throw new ArgumentNullException(nameof(hostFacts), "Host facts are needed to check readiness before enabling nested virtualization.");
            }

            var blocking = ReadinessEvaluator.BlockingFailures(ReadinessEvaluator.EvaluateVm(hostFacts, vm)).ToList();
            if (blocking.Count > 0)
            {
                var reasons = string.Join(" ", blocking.Select(c => c.Explained));
                return Refuse($"Nested virtualization cannot be enabled on {target}. {reasons}");
            }
        }

        var set = new PlannedStep(OperationStepKind.SetNestedVirtualization,
            $"Set ExposeVirtualizationExtensions {(request.Enable ? "$true" : "$false")}");
        var changeWhileOff = new List<PlannedStep>(3);
        if (needsSet)
        {
            changeWhileOff.Add(set);
        }

        if (needsStaticMemory)
        {
            changeWhileOff.Add(staticMemory);
        }

        if (needsMacSpoofing)
        {
            changeWhileOff.Add(macSpoofing);
        }

        // What needs the VM Off, in the refusals' words.
        var what = needsSet ? "nested virtualization" : "dynamic memory";
        return vm.State switch
        {
            VmState.Off => new NestedVirtualizationPlan(PlanVerdict.Run, changeWhileOff, ""),
            VmState.Running => request.PowerAction switch
            {
                PowerAction.ShutDown => new NestedVirtualizationPlan(PlanVerdict.Run,
                    [new PlannedStep(OperationStepKind.ShutDown, "Shut down"), .. changeWhileOff, new PlannedStep(OperationStepKind.Start, "Start")], ""),
                PowerAction.TurnOff => new NestedVirtualizationPlan(PlanVerdict.Run,
                    [new PlannedStep(OperationStepKind.TurnOff, "Turn off"), .. changeWhileOff, new PlannedStep(OperationStepKind.Start, "Start")], ""),
                _ => Refuse($"{target} is Running; {what} can be changed only while the VM is Off. Choose Shut down or Turn off, or apply the change at the next shutdown."),
            },
            VmState.Saved or VmState.SavedCritical or VmState.FastSaved or VmState.FastSavedCritical or VmState.Hibernated =>
                Refuse($"{target} is {vm.State} and has saved state; {what} can be changed only while the VM is Off. Start the VM and shut it down, or discard its saved state (Remove-VMSavedState), then try again."),
            VmState.Paused or VmState.PausedCritical =>
                Refuse($"{target} is {vm.State}; {what} can be changed only while the VM is Off or Running. Resume the VM (Resume-VM), or turn it off, then try again."),
            _ => Refuse($"{target} is {vm.State}; {what} can be changed only while the VM is Off or Running. Wait until the VM is Off or Running, then try again."),
        };
    }

    private static NestedVirtualizationPlan Refuse(string message) => new(PlanVerdict.Refused, [], message);
}
