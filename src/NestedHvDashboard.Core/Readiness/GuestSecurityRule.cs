using NestedHvDashboard.Core.Guests;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Readiness;

/// <summary>
/// vm.guest-security: what runs inside an L1 guest that hosts nested VMs, from the last read of the guest. The hypervisor must
/// launch at boot (<c>hypervisorlaunchtype</c> Off keeps Hyper-V from running: fail). Virtualization-based security (VBS),
/// HVCI (memory integrity) or Credential Guard running in the guest warn: Microsoft's nested virtualization notes say a host
/// with VBS enabled cannot expose virtualization extensions to its own guests. Unknown until the guest is read. Never blocking:
/// it is the guest's setting, not the host's, and changing nested virtualization on the host does not depend on it.
/// </summary>
public static class GuestSecurityRule
{
    /// <summary>The check's title, as the checklist shows it.</summary>
    public const string Title = "Hypervisor and security inside the guest";

    /// <summary>The fix for hypervisorlaunchtype Off, in Microsoft's words.</summary>
    public const string LaunchTypeFix = "In the guest, from an elevated prompt, run bcdedit /set hypervisorlaunchtype auto, then restart the guest.";

    /// <summary>The fix for VBS, HVCI or Credential Guard running in the guest.</summary>
    public const string VbsFix =
        "If the guest's own VMs must nest further, or run another hypervisor, turn virtualization-based security off in the guest: " +
        "Group Policy Computer Configuration > Administrative Templates > System > Device Guard > Turn On Virtualization Based Security: Disabled " +
        "(memory integrity: Windows Security > Device security > Core isolation > Memory integrity Off), then restart the guest.";

    /// <summary>The fix when nothing is known: read the guest.</summary>
    public const string ReadFix = "Read the guest (PowerShell Direct, with an administrator account of the guest).";

    /// <summary>The check for <paramref name="vm"/> with what the last read of its guest found (null: never read).</summary>
    public static ReadinessCheck Evaluate(VmSnapshot vm, GuestFacts? guest)
    {
        ArgumentNullException.ThrowIfNull(vm);
        const string id = ReadinessRuleIds.VmGuestSecurity;
        if (!vm.ExposeVirtualizationExtensions)
        {
            return new ReadinessCheck(id, Title, ReadinessStatus.Pass, "Nested virtualization is off: the guest runs no nested VMs, so what runs inside it does not matter here.", null);
        }

        if (guest is null)
        {
            return new ReadinessCheck(id, Title, ReadinessStatus.Unknown,
                "The guest has not been read: whether Hyper-V can start in it (hypervisorlaunchtype) and whether VBS, HVCI or Credential Guard run there is not known.", ReadFix);
        }

        var security = guest.Security;
        var running = RunningFeatures(security);
        var read = $"(read {guest.ReadAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC)";
        if (security.LaunchType is HypervisorLaunchType.Off)
        {
            var also = running.Count == 0 ? "" : $" {Sentence(running)}";
            return new ReadinessCheck(id, Title, ReadinessStatus.Fail,
                $"hypervisorlaunchtype is Off in the guest's boot configuration: the hypervisor does not start, so Hyper-V cannot run in the guest and its nested VMs cannot start.{also} {read}",
                running.Count == 0 ? LaunchTypeFix : $"{LaunchTypeFix} {VbsFix}");
        }

        if (running.Count > 0)
        {
            return new ReadinessCheck(id, Title, ReadinessStatus.Warn,
                $"{Sentence(running)} A host with virtualization-based security enabled cannot expose virtualization extensions to its own guests, so VMs inside this guest cannot nest further. {read}",
                VbsFix);
        }

        var vbsKnown = security.Vbs is not GuestSecurityState.Unknown;
        if (guest.HyperV is GuestHyperVState.Installed && security.LaunchType is HypervisorLaunchType.Unknown)
        {
            return new ReadinessCheck(id, Title, ReadinessStatus.Unknown,
                $"{(vbsKnown ? "VBS, HVCI and Credential Guard are off, but t" : "T")}he guest's hypervisorlaunchtype could not be read (bcdedit needs an elevated administrator in the guest). {read}",
                "Read the guest again with a local administrator account of the guest.");
        }

        if (!vbsKnown)
        {
            return new ReadinessCheck(id, Title, ReadinessStatus.Unknown,
                $"The guest did not report its virtualization-based security (Win32_DeviceGuard needs Windows 10 / Server 2016 or later). {read}", null);
        }

        var hypervisor = (guest.HyperV, security.LaunchType) switch
        {
            (GuestHyperVState.Installed, HypervisorLaunchType.Auto) => "the hypervisor starts at boot (hypervisorlaunchtype Auto)",
            (GuestHyperVState.Installed, _) => "the hypervisor's boot setting is not set; if Hyper-V does not run, set hypervisorlaunchtype auto",
            (GuestHyperVState.RestartPending, _) => "Hyper-V waits for the guest to restart",
            _ => "Hyper-V is not installed in the guest yet (installing it sets the hypervisor to start at boot)",
        };
        return new ReadinessCheck(id, Title, ReadinessStatus.Pass, $"VBS, HVCI and Credential Guard are off; {hypervisor}. {read}", null);
    }

    /// <summary>The VBS features running in the guest, in the user's words.</summary>
    private static List<string> RunningFeatures(GuestSecurity security)
    {
        var running = new List<string>();
        if (security.Vbs is GuestSecurityState.Running)
        {
            running.Add("virtualization-based security (VBS)");
        }

        if (security.Hvci is GuestSecurityState.Running)
        {
            running.Add("HVCI (memory integrity)");
        }

        if (security.CredentialGuard is GuestSecurityState.Running)
        {
            running.Add("Credential Guard");
        }

        return running;
    }

    private static string Sentence(List<string> running) => $"The guest runs {string.Join(", ", running)}.";
}
