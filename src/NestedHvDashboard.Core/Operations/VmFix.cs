using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Operations;

/// <summary>A readiness fix that is a change to the VM's configuration, made with one click from the readiness list.</summary>
public enum VmFix
{
    /// <summary>vm.config-version: Update-VMVersion to the host's default version (cannot be undone).</summary>
    UpdateVersion,

    /// <summary>vm.startup-memory: Set-VMMemory -StartupBytes 4GB (the maximum raised with it under dynamic memory).</summary>
    StartupMemory,

    /// <summary>vm.dynamic-memory: Set-VMMemory -DynamicMemoryEnabled $false.</summary>
    StaticMemory,

    /// <summary>vm.l1-vcpus: Set-VMProcessor -Count 225.</summary>
    ProcessorCount,
}

/// <summary>
/// Which readiness rule each <see cref="VmFix"/> answers, what it is called, the command it runs and whether it would help
/// this VM now. Every fix needs the VM Off: a running VM is shut down (or turned off) first and started again after.
/// </summary>
public static class VmFixes
{
    /// <summary>The startup memory the fix sets: Microsoft's Enable-NestedVm check wants at least 4 GB.</summary>
    public const long StartupBytes = VmRules.MinimumStartupBytes;

    /// <summary>The vCPU count the fix sets: the most a Windows Server 2019-or-earlier L1 guest should have.</summary>
    public const int ProcessorCount = VmRules.MaxVcpusForServer2019L1;

    /// <summary>Every fix, in the order of the rules they answer.</summary>
    public static IReadOnlyList<VmFix> All { get; } = Enum.GetValues<VmFix>();

    /// <summary>The readiness rule the fix answers.</summary>
    public static string RuleId(VmFix fix) => fix switch
    {
        VmFix.UpdateVersion => ReadinessRuleIds.VmConfigVersion,
        VmFix.StartupMemory => ReadinessRuleIds.VmStartupMemory,
        VmFix.StaticMemory => ReadinessRuleIds.VmDynamicMemory,
        VmFix.ProcessorCount => ReadinessRuleIds.VmL1Vcpus,
        _ => throw new ArgumentOutOfRangeException(nameof(fix), fix, null),
    };

    /// <summary>The fix for <paramref name="ruleId"/>, or null when its fix is not a configuration change the dashboard makes.</summary>
    public static VmFix? ForRule(string? ruleId) => All.Cast<VmFix?>().FirstOrDefault(f => string.Equals(RuleId(f!.Value), ruleId, StringComparison.Ordinal));

    /// <summary>The fix's name for a button and the audit trail ("Set startup memory to 4 GB").</summary>
    public static string Title(VmFix fix) => fix switch
    {
        VmFix.UpdateVersion => "Upgrade configuration version",
        VmFix.StartupMemory => "Set startup memory to 4 GB",
        VmFix.StaticMemory => "Turn dynamic memory off",
        VmFix.ProcessorCount => $"Reduce to {ProcessorCount} vCPUs",
        _ => throw new ArgumentOutOfRangeException(nameof(fix), fix, null),
    };

    /// <summary>
    /// The version Update-VMVersion would bring the VM to on this host (its default, else the highest it supports), or null
    /// when the host reports none.
    /// </summary>
    public static Version? TargetVersion(HostFacts? facts)
    {
        if (facts is null)
        {
            return null;
        }

        return facts.DefaultConfigVersion is { } d ? ConfigVersion.Normalize(d) : facts.SupportedConfigVersions.Select(ConfigVersion.Normalize).Order().LastOrDefault();
    }

    /// <summary>The command the fix runs on the host for <paramref name="vm"/>, as the user would type it.</summary>
    public static string Command(VmFix fix, VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var name = PlannedCommand.Quote(vm.Name);
        return fix switch
        {
            VmFix.UpdateVersion => $"Update-VMVersion -VMName {name} -Force",
            VmFix.StartupMemory => vm.DynamicMemoryEnabled
                ? $"Set-VMMemory -VMName {name} -StartupBytes 4GB (and -MaximumBytes 4GB where the maximum is lower)"
                : $"Set-VMMemory -VMName {name} -StartupBytes 4GB",
            VmFix.StaticMemory => $"Set-VMMemory -VMName {name} -DynamicMemoryEnabled $false",
            VmFix.ProcessorCount => $"Set-VMProcessor -VMName {name} -Count {ProcessorCount}",
            _ => throw new ArgumentOutOfRangeException(nameof(fix), fix, null),
        };
    }

    /// <summary>The title of the step that makes the change ("Set startup memory to 4 GB (Set-VMMemory -StartupBytes 4GB)").</summary>
    public static string StepTitle(VmFix fix, HostFacts? facts) => fix switch
    {
        VmFix.UpdateVersion => TargetVersion(facts) is { } v
            ? $"Upgrade the configuration version to {ConfigVersion.Format(v)} (Update-VMVersion -Force)"
            : "Upgrade the configuration version (Update-VMVersion -Force)",
        VmFix.StartupMemory => "Set startup memory to 4 GB (Set-VMMemory -StartupBytes 4GB)",
        VmFix.StaticMemory => "Turn dynamic memory off (Set-VMMemory -DynamicMemoryEnabled $false)",
        VmFix.ProcessorCount => $"Set {ProcessorCount} vCPUs (Set-VMProcessor -Count {ProcessorCount})",
        _ => throw new ArgumentOutOfRangeException(nameof(fix), fix, null),
    };

    /// <summary>The step kind of the change.</summary>
    public static OperationStepKind StepKind(VmFix fix) => fix switch
    {
        VmFix.UpdateVersion => OperationStepKind.UpdateVersion,
        VmFix.StartupMemory => OperationStepKind.SetStartupMemory,
        VmFix.StaticMemory => OperationStepKind.SetDynamicMemory,
        VmFix.ProcessorCount => OperationStepKind.SetProcessorCount,
        _ => throw new ArgumentOutOfRangeException(nameof(fix), fix, null),
    };

    /// <summary>The warning the confirmation shows before the change, or null (only the version upgrade cannot be undone).</summary>
    public static string? Warning(VmFix fix, HostFacts? facts) => fix is VmFix.UpdateVersion
        ? TargetVersion(facts) is { } v
            ? $"This cannot be undone: once at configuration version {ConfigVersion.Format(v)}, the VM no longer runs on older hosts that do not support "
                + $"version {ConfigVersion.Format(v)}; it cannot be moved, imported or restored there."
            : "This cannot be undone: an upgraded VM no longer runs on hosts that do not support its new configuration version."
        : null;

    /// <summary>
    /// Why the fix is not needed on <paramref name="vm"/> as it is now ("Startup memory is already 4 GB."), or null when it
    /// would change something.
    /// </summary>
    public static string? AlreadyDone(VmFix fix, VmSnapshot vm, HostFacts? facts)
    {
        ArgumentNullException.ThrowIfNull(vm);
        return fix switch
        {
            VmFix.UpdateVersion => TargetVersion(facts) is { } v && ConfigVersion.IsAtLeast(vm.ConfigVersion, v)
                ? $"The configuration version is already {ConfigVersion.Format(vm.ConfigVersion)}, the host's default."
                : null,
            VmFix.StartupMemory => vm.MemoryStartupBytes >= StartupBytes ? "Startup memory is already 4 GB or more." : null,
            VmFix.StaticMemory => vm.DynamicMemoryEnabled ? null : "Dynamic memory is already off.",
            VmFix.ProcessorCount => vm.ProcessorCount <= ProcessorCount ? $"The VM already has {ProcessorCount} vCPUs or fewer." : null,
            _ => throw new ArgumentOutOfRangeException(nameof(fix), fix, null),
        };
    }

    /// <summary>
    /// The fix the readiness list offers as a button for <paramref name="check"/>, or null: the check does not pass, its rule
    /// has a fix here, the fix would change the VM, and (for the version) the host's default version makes the check pass, so
    /// Update-VMVersion helps; when only recreating the VM or upgrading the host would, there is no button.
    /// </summary>
    public static VmFix? Offered(ReadinessCheck check, VmSnapshot vm, HostFacts? facts)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(vm);
        if (check.Status is ReadinessStatus.Pass || ForRule(check.RuleId) is not { } fix || AlreadyDone(fix, vm, facts) is not null)
        {
            return null;
        }

        if (fix is VmFix.UpdateVersion)
        {
            // The rule itself judges the VM as it would be after the upgrade: a button only where the upgrade makes it pass.
            return facts is not null && TargetVersion(facts) is { } target
                && ConfigVersionRule.Evaluate(facts, vm with { ConfigVersion = target }).Status is ReadinessStatus.Pass
                ? fix
                : null;
        }

        return fix;
    }

    /// <summary>Why the VM's state does not allow the fix even with a shutdown first, or null (Off, or Running with a stop first).</summary>
    public static string? WhyNot(VmState state, bool stopFirst) => state switch
    {
        VmState.Off => null,
        VmState.Running when stopFirst => null,
        VmState.Running => "The VM is Running and the change needs it Off: shut it down (or turn it off) first, or let the dashboard do it and start it again after.",
        VmState.Saved or VmState.SavedCritical or VmState.FastSaved or VmState.FastSavedCritical or VmState.Hibernated =>
            $"The VM is {state} and the change needs it Off: start it and shut it down, or delete its saved state, first.",
        VmState.Paused or VmState.PausedCritical => $"The VM is {state} and the change needs it Off: resume it and shut it down (or turn it off) first.",
        _ => $"The VM is {state} and the change needs it Off; try again once it is Off or Running.",
    };
}
