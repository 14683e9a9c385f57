using System.Globalization;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Readiness;

/// <summary>The per-VM rules other than the configuration version (see <see cref="ConfigVersionRule"/>).</summary>
public static class VmRules
{
    /// <summary>Microsoft's guide: a Windows Server 2019 (or earlier) L1 guest should have 225 vCPUs or fewer.</summary>
    public const int MaxVcpusForServer2019L1 = 225;

    /// <summary>Microsoft's Enable-NestedVm check asks for at least 4 GB of startup memory.</summary>
    public const long MinimumStartupBytes = 4L * 1024 * 1024 * 1024;

    /// <summary>vm.host-support: the host rules, summarised for the VM's checklist.</summary>
    public static ReadinessCheck HostSupport(HostFacts host, IReadOnlyList<ReadinessCheck> hostChecks)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(hostChecks);
        const string id = ReadinessRuleIds.VmHostSupport;
        var title = $"Host {host.Name} supports nested virtualization";
        var failed = hostChecks.Where(c => c.Status is ReadinessStatus.Fail).ToList();
        if (failed.Count > 0)
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Fail,
                $"The host fails: {string.Join("; ", failed.Select(c => c.Title))}.",
                JoinFixes(failed));
        }

        var unknown = hostChecks.Where(c => c.Status is ReadinessStatus.Unknown).ToList();
        if (unknown.Count > 0)
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Unknown,
                $"Not known for the host: {string.Join("; ", unknown.Select(c => c.Title))}.",
                JoinFixes(unknown));
        }

        return new ReadinessCheck(id, title, ReadinessStatus.Pass, "Every host check passes.", null);
    }

    /// <summary>
    /// vm.l1-vcpus: more than 225 vCPUs on a Windows Server 2019-or-earlier guest warns. Microsoft's guide says the count
    /// "should" be 225 or less, a recommendation, so it does not block.
    /// </summary>
    public static ReadinessCheck L1Vcpus(VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        const string id = ReadinessRuleIds.VmL1Vcpus;
        const string title = "vCPU count suits the guest OS";
        var count = vm.ProcessorCount.ToString(CultureInfo.InvariantCulture);
        if (vm.ProcessorCount <= MaxVcpusForServer2019L1)
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Pass, $"{count} vCPUs (225 or fewer).", null);
        }

        var reducing = $"Turn the VM Off and reduce it to {MaxVcpusForServer2019L1} vCPUs (Set-VMProcessor -VMName {Networking.PlannedCommand.Quote(vm.Name)} -Count {MaxVcpusForServer2019L1})";
        if (GuestOsRule.IsNotWindows(vm))
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Pass,
                $"{count} vCPUs; the 225-vCPU limit applies to Windows Server 2019 or earlier guests and this guest runs {vm.GuestOsName!.Trim()}.", null);
        }

        var guest = WindowsRelease.FromGuest(vm.GuestOsName, vm.GuestOsVersion);
        return guest switch
        {
            WindowsProduct.WindowsServer2016 or WindowsProduct.WindowsServer2019 or WindowsProduct.Older => new ReadinessCheck(
                id, title, ReadinessStatus.Warn,
                $"{count} vCPUs on {guest.DisplayName()}: Microsoft's guide says a Windows Server 2019 (or earlier) nested (L1) host should have 225 vCPUs or fewer.",
                $"{reducing}, or upgrade the guest to Windows Server 2022 or later."),
            WindowsProduct.Unknown => new ReadinessCheck(
                id, title, ReadinessStatus.Unknown,
                $"{count} vCPUs, and the guest does not report its OS (edition and build), so the 225-vCPU limit for Windows Server 2019 or earlier cannot be checked.",
                $"Start the VM with integration services running so it reports its OS; if it runs Windows Server 2019 or earlier, {char.ToLowerInvariant(reducing[0])}{reducing[1..]}."),
            _ => new ReadinessCheck(id, title, ReadinessStatus.Pass,
                $"{count} vCPUs on {guest.DisplayName()}; the 225-vCPU limit applies only to Windows Server 2019 or earlier.", null),
        };
    }

    /// <summary>vm.generation: Microsoft's guide works with generation 1 and 2 VMs; nothing to require.</summary>
    public static ReadinessCheck Generation(VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        const string id = ReadinessRuleIds.VmGeneration;
        const string title = "VM generation";
        return vm.Generation is 1 or 2
            ? new ReadinessCheck(id, title, ReadinessStatus.Pass,
                $"Generation {vm.Generation.ToString(CultureInfo.InvariantCulture)}: nested virtualization works on generation 1 and 2 VMs.", null)
            : new ReadinessCheck(id, title, ReadinessStatus.Unknown,
                $"The host reported generation {vm.Generation.ToString(CultureInfo.InvariantCulture)}, which Hyper-V does not have.", null);
    }

    /// <summary>vm.power-state: ExposeVirtualizationExtensions can change only while the VM is Off.</summary>
    public static ReadinessCheck PowerState(VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        const string id = ReadinessRuleIds.VmPowerState;
        const string title = "Power state: nested virtualization changes only while the VM is Off";
        if (vm.State is VmState.Off)
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Pass, "The VM is Off.", null);
        }

        if (vm.ExposeVirtualizationExtensions)
        {
            // Readiness is readiness to run nested: with the setting already on, nothing needs the VM Off, saved or not.
            return new ReadinessCheck(id, title, ReadinessStatus.Pass,
                $"The VM is {vm.State} and nested virtualization is already on: it need not stop for it.", null);
        }

        if (IsSaved(vm.State))
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Warn,
                $"The VM is {vm.State} and has saved state; Microsoft's nested check flags saved VMs, and the setting changes only while the VM is Off.",
                $"Start the VM and shut it down, or discard its saved state (Remove-VMSavedState -VMName {Networking.PlannedCommand.Quote(vm.Name)}), before changing nested virtualization.");
        }

        return new ReadinessCheck(id, title, ReadinessStatus.Warn,
            $"The VM is {vm.State}; nested virtualization can be changed only while it is Off.",
            "The dashboard stops the VM (shut down or turn off, your choice), changes the setting and starts it again.");
    }

    /// <summary>
    /// vm.dynamic-memory: Microsoft allows dynamic memory with nested virtualization, but while Hyper-V runs in the guest
    /// the memory does not fluctuate: the guest keeps what it has. An informational warning, since the guest may be
    /// left with its startup memory.
    /// </summary>
    public static ReadinessCheck DynamicMemory(VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        const string id = ReadinessRuleIds.VmDynamicMemory;
        const string title = "Dynamic memory";
        return vm.DynamicMemoryEnabled
            ? new ReadinessCheck(id, title, ReadinessStatus.Warn,
                $"Dynamic memory is on. Microsoft allows it with nested virtualization, but while Hyper-V runs in the guest its memory does not grow or shrink: it keeps what it has (startup {FormatBytes(vm.MemoryStartupBytes)}).",
                $"Nothing is required. For a known amount, turn the VM Off and give it static memory: Set-VMMemory -VMName {Networking.PlannedCommand.Quote(vm.Name)} -DynamicMemoryEnabled $false.")
            : new ReadinessCheck(id, title, ReadinessStatus.Pass, "Dynamic memory is off: the guest has the memory you set.", null);
    }

    /// <summary>
    /// vm.memory-resize: while Hyper-V runs in the guest, its memory can change only while the VM is Off (runtime resize
    /// fails, dynamic memory stops). Warns for a nested VM with dynamic memory; says so to anyone about to resize a nested VM.
    /// </summary>
    public static ReadinessCheck MemoryResize(VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        const string id = ReadinessRuleIds.VmMemoryResize;
        const string title = "Memory resize while nested";
        if (!vm.ExposeVirtualizationExtensions)
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Pass,
                "Nested virtualization is off: memory can be resized while the VM runs. Once Hyper-V runs in the guest, it can change only while the VM is Off.", null);
        }

        var resize = $"turn the VM Off and set it (Set-VMMemory -VMName {Networking.PlannedCommand.Quote(vm.Name)} -StartupBytes <size>)";
        return vm.DynamicMemoryEnabled
            ? new ReadinessCheck(id, title, ReadinessStatus.Warn,
                "Nested virtualization is on with dynamic memory: while Hyper-V runs in the guest, runtime memory resize does not work, so dynamic memory does not grow or shrink the guest's memory.",
                $"To give the guest more memory, {resize}.")
            : new ReadinessCheck(id, title, ReadinessStatus.Pass,
                $"Static memory. Nested virtualization is on: while Hyper-V runs in the guest, resizing its memory at runtime fails; to change it, {resize}.", null);
    }

    /// <summary>vm.startup-memory: Microsoft's Enable-NestedVm check wants at least 4 GB.</summary>
    public static ReadinessCheck StartupMemory(VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        const string id = ReadinessRuleIds.VmStartupMemory;
        const string title = "Startup memory is at least 4 GB";
        var amount = FormatBytes(vm.MemoryStartupBytes);
        return vm.MemoryStartupBytes < MinimumStartupBytes
            ? new ReadinessCheck(id, title, ReadinessStatus.Warn,
                $"Startup memory is {amount}; a VM that hosts nested VMs should start with at least 4 GB.",
                $"Turn the VM Off and run Set-VMMemory -VMName {Networking.PlannedCommand.Quote(vm.Name)} -StartupBytes 4GB.")
            : new ReadinessCheck(id, title, ReadinessStatus.Pass, $"Startup memory is {amount}.", null);
    }

    /// <summary>vm.checkpoints: Microsoft's nested check flags VMs with checkpoints.</summary>
    public static ReadinessCheck Checkpoints(VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        const string id = ReadinessRuleIds.VmCheckpoints;
        const string title = "No checkpoints";
        return vm.HasCheckpoints
            ? new ReadinessCheck(id, title, ReadinessStatus.Warn,
                "The VM has checkpoints; Microsoft's nested check flags them, as applying a checkpoint or saved state of a VM with nested virtualization is not supported on older hosts.",
                $"Delete or merge the checkpoints you no longer need (Get-VMCheckpoint -VMName {Networking.PlannedCommand.Quote(vm.Name)} lists them; Remove-VMCheckpoint -VMName {Networking.PlannedCommand.Quote(vm.Name)} -Name deletes one) and avoid applying checkpoints while nested virtualization is on.")
            : new ReadinessCheck(id, title, ReadinessStatus.Pass, "The VM has no checkpoints.", null);
    }

    private static string? JoinFixes(IEnumerable<ReadinessCheck> checks)
    {
        var fixes = string.Join(" ", checks.Select(c => c.Fix).OfType<string>());
        return fixes.Length == 0 ? null : fixes;
    }

    private static bool IsSaved(VmState state) =>
        state is VmState.Saved or VmState.SavedCritical or VmState.FastSaved or VmState.FastSavedCritical or VmState.Hibernated;

    private static string FormatBytes(long bytes)
    {
        const double gb = 1024d * 1024 * 1024;
        const double mb = 1024d * 1024;
        return bytes >= gb
            ? (bytes / gb).ToString("0.##", CultureInfo.InvariantCulture) + " GB"
            : (bytes / mb).ToString("0.##", CultureInfo.InvariantCulture) + " MB";
    }
}
