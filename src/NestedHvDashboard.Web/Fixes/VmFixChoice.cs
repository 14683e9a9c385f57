using System.Globalization;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Fixes;

/// <summary>What the user chose in a fix's confirmation.</summary>
public enum VmFixChoice
{
    /// <summary>The VM is Off: change it.</summary>
    AsItIs,

    /// <summary>Shut the running VM down gracefully, change it, start it again.</summary>
    ShutDown,

    /// <summary>Turn the running VM off, change it, start it again.</summary>
    TurnOff,
}

/// <summary>The words the fix's button and confirmation use.</summary>
public static class VmFixText
{
    /// <summary>How the VM is stopped for <paramref name="choice"/>, or null for an Off VM.</summary>
    public static StopMode? StopOf(VmFixChoice choice) => choice switch
    {
        VmFixChoice.ShutDown => StopMode.ShutDown,
        VmFixChoice.TurnOff => StopMode.TurnOff,
        _ => null,
    };

    /// <summary>The fix's name in test ids ("startup-memory").</summary>
    public static string Slug(VmFix fix) => fix switch
    {
        VmFix.UpdateVersion => "update-version",
        VmFix.StartupMemory => "startup-memory",
        VmFix.StaticMemory => "static-memory",
        VmFix.ProcessorCount => "processor-count",
        _ => throw new ArgumentOutOfRangeException(nameof(fix), fix, null),
    };

    /// <summary>The change from what the VM has to what it gets ("Startup memory: 2 GB → 4 GB.").</summary>
    public static string Change(VmFix fix, VmSnapshot vm, HostFacts? facts)
    {
        ArgumentNullException.ThrowIfNull(vm);
        return fix switch
        {
            VmFix.UpdateVersion => VmFixes.TargetVersion(facts) is { } v
                ? $"Configuration version: {ConfigVersion.Format(vm.ConfigVersion)} → {ConfigVersion.Format(v)}, this host's default version (the one Update-VMVersion upgrades to)."
                : $"Configuration version: {ConfigVersion.Format(vm.ConfigVersion)} → the host's default.",
            VmFix.StartupMemory => $"Startup memory: {Gb(vm.MemoryStartupBytes)} → 4 GB."
                + (vm.DynamicMemoryEnabled ? " Dynamic memory is on: a maximum below 4 GB is raised to 4 GB with it, as Hyper-V needs startup ≤ maximum." : ""),
            VmFix.StaticMemory => $"Dynamic memory: on → off; the VM then always has its {Gb(vm.MemoryStartupBytes)} startup memory.",
            VmFix.ProcessorCount => $"Virtual processors: {vm.ProcessorCount.ToString(CultureInfo.InvariantCulture)} → {VmFixes.ProcessorCount.ToString(CultureInfo.InvariantCulture)}. "
                + "Microsoft's limit is for L1 guests running Windows Server 2019 or earlier; a newer guest needs no reduction.",
            _ => throw new ArgumentOutOfRangeException(nameof(fix), fix, null),
        };
    }

    private static string Gb(long bytes) => bytes % (1024L * 1024 * 1024) == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024L * 1024 * 1024)} GB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024)} MB");
}
