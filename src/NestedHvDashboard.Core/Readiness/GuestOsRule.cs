using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Readiness;

/// <summary>
/// vm.guest-os: nested Hyper-V runs in a Windows guest (Windows Server 2016 or later, Windows 10 or later). Another
/// hypervisor inside a Hyper-V VM (KVM, VMware, VirtualBox) is not supported. Read from what the guest reports over KVP.
/// </summary>
public static class GuestOsRule
{
    /// <summary>The releases Microsoft's guide names for a guest that runs Hyper-V.</summary>
    public const string SupportedText = "Windows Server 2016 or later, or Windows 10 or later";

    /// <summary>
    /// Pass for a supported Windows guest or one that does not report its OS; warn for an older Windows or a non-Windows
    /// guest; unknown for a Windows guest whose release cannot be told.
    /// </summary>
    public static ReadinessCheck Evaluate(VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        const string id = ReadinessRuleIds.VmGuestOs;
        const string title = "Guest OS can run Hyper-V (nested)";
        var name = vm.GuestOsName?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            // Not reported is not a problem found: an Off VM never reports its OS. The issue's requirement is "a supported
            // Windows OS, or unknown", so this passes and says what it will check once the guest reports.
            var why = vm.State is VmState.Running ? "its integration services do not report it" : $"the VM is {vm.State}";
            return new ReadinessCheck(id, title, ReadinessStatus.Pass,
                $"The guest's OS is not reported ({why}); nested Hyper-V needs {SupportedText}, checked once the guest reports it.", null);
        }

        var reported = string.IsNullOrWhiteSpace(vm.GuestOsVersion) ? name : $"{name} ({vm.GuestOsVersion.Trim()})";
        if (IsNotWindows(vm))
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Warn,
                $"The guest runs {reported}: nested virtualization runs Hyper-V inside a Windows guest; other hypervisors (KVM, VMware, VirtualBox) inside a Hyper-V VM are not supported.",
                $"Host nested VMs in a guest running {SupportedText}.");
        }

        return WindowsRelease.FromGuest(vm.GuestOsName, vm.GuestOsVersion) switch
        {
            WindowsProduct.Older => new ReadinessCheck(id, title, ReadinessStatus.Warn,
                $"The guest runs {reported}, older than Windows Server 2016 / Windows 10: it cannot run Hyper-V as a nested host.",
                $"Upgrade the guest to {SupportedText} before hosting nested VMs in it."),
            WindowsProduct.Unknown => new ReadinessCheck(id, title, ReadinessStatus.Unknown,
                $"The guest runs {reported}, but its Windows release cannot be told from that; nested Hyper-V needs {SupportedText}.",
                "Start the VM with integration services running so the guest reports its OS version."),
            var product => new ReadinessCheck(id, title, ReadinessStatus.Pass,
                $"The guest runs {reported} ({product.DisplayName()}), which runs Hyper-V nested.", null),
        };
    }

    /// <summary>True when the guest reports an OS that is not Windows (a Linux distribution, for example).</summary>
    public static bool IsNotWindows(VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        return !string.IsNullOrWhiteSpace(vm.GuestOsName) && !vm.GuestOsName.Contains("Windows", StringComparison.OrdinalIgnoreCase);
    }
}
