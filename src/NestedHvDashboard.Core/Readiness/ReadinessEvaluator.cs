using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Readiness;

/// <summary>Runs every readiness rule for a host or a VM, in the order the checklist shows them.</summary>
public static class ReadinessEvaluator
{
    // Host facts are immutable: a host's checks are evaluated once per facts instance, not once per VM of the host.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<HostFacts, IReadOnlyList<ReadinessCheck>> HostChecks = new();

    /// <summary>
    /// host.processor, host.processor-family, host.virtualization-extensions, host.os, host.hyperv,
    /// host.azure-security-type, host.cluster.
    /// </summary>
    public static IReadOnlyList<ReadinessCheck> EvaluateHost(HostFacts host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return
        [
            HostRules.Processor(host),
            HostHardwareRules.ProcessorFamily(host),
            HostHardwareRules.VirtualizationExtensions(host),
            HostRules.OperatingSystem(host),
            HostRules.HyperV(host),
            HostRules.AzureSecurityType(host),
            ClusterRules.Host(host),
        ];
    }

    /// <summary>
    /// vm.host-support (the host rules summarised), vm.config-version, vm.guest-os, vm.l1-vcpus, vm.generation,
    /// vm.power-state, vm.dynamic-memory, vm.memory-resize, vm.startup-memory, vm.checkpoints, vm.clustered,
    /// vm.l2-network (with no NAT known in the guest).
    /// </summary>
    public static IReadOnlyList<ReadinessCheck> EvaluateVm(HostFacts host, VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(vm);
        return
        [
            VmRules.HostSupport(host, HostChecks.GetValue(host, static facts => EvaluateHost(facts))),
            ConfigVersionRule.Evaluate(host, vm),
            GuestOsRule.Evaluate(vm),
            VmRules.L1Vcpus(vm),
            VmRules.Generation(vm),
            VmRules.PowerState(vm),
            VmRules.DynamicMemory(vm),
            VmRules.MemoryResize(vm),
            VmRules.StartupMemory(vm),
            VmRules.Checkpoints(vm),
            ClusterRules.Vm(vm),
            NestedNetworkRule.Evaluate(host, vm),
        ];
    }

    /// <summary>
    /// The VM's checklist with what the last read of its guest found (null: never read): vm.l2-network knows the guest's NAT,
    /// and vm.guest-security (hypervisorlaunchtype, VBS, HVCI, Credential Guard) follows it.
    /// </summary>
    public static IReadOnlyList<ReadinessCheck> EvaluateVmWithGuest(HostFacts host, VmSnapshot vm, Guests.GuestFacts? guest)
    {
        var checks = EvaluateVm(host, vm).ToList();
        var network = checks.FindIndex(c => c.RuleId == ReadinessRuleIds.VmL2Network);
        var withGuest = NestedNetworkRule.Evaluate(host, vm, guest?.HasNat);
        if (network < 0)
        {
            checks.Add(withGuest);
        }
        else
        {
            checks[network] = withGuest;
        }

        checks.Insert(checks.FindIndex(c => c.RuleId == ReadinessRuleIds.VmL2Network) + 1, GuestSecurityRule.Evaluate(vm, guest));
        return checks;
    }

    /// <summary>
    /// True when no blocking rule (<see cref="ReadinessRuleIds.IsBlocking"/>) fails. Warnings and unknowns
    /// do not block: the dashboard handles the power state, and Hyper-V itself refuses what it cannot do.
    /// </summary>
    public static bool CanEnableNested(HostFacts host, VmSnapshot vm) => !BlockingFailures(EvaluateVm(host, vm)).Any();

    /// <summary>The failed checks that block enabling nested virtualization.</summary>
    public static IEnumerable<ReadinessCheck> BlockingFailures(IEnumerable<ReadinessCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        return checks.Where(c => c.Status is ReadinessStatus.Fail && ReadinessRuleIds.IsBlocking(c.RuleId));
    }
}
