using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Readiness;

/// <summary>vm.config-version: Intel needs configuration version 8.0 or higher, AMD 9.3 or higher.</summary>
public static class ConfigVersionRule
{
    private const string Title = "VM configuration version is high enough";

    public static ReadinessCheck Evaluate(HostFacts host, VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(vm);
        var version = ConfigVersion.Format(vm.ConfigVersion);

        if (NestedRequirement.For(host.ProcessorVendor) is { } requirement)
        {
            var minimum = ConfigVersion.Format(requirement.MinimumConfigVersion);
            return requirement.IsMetByConfigVersion(vm.ConfigVersion)
                ? Check(ReadinessStatus.Pass, $"Version {version} meets the {HostRules.VendorName(host.ProcessorVendor)} minimum of {minimum}.", null)
                : Check(ReadinessStatus.Fail,
                    $"Version {version} is below the {HostRules.VendorName(host.ProcessorVendor)} minimum of {minimum}.",
                    UpgradeFix(host, vm, requirement));
        }

        if (host.ProcessorVendor is ProcessorVendor.Other)
        {
            return Check(ReadinessStatus.Unknown,
                $"Version {version}: Microsoft names no configuration version for nested virtualization on this processor.",
                "See the processor check: nested virtualization needs Intel VT-x with EPT, or AMD EPYC / Ryzen.");
        }

        // Vendor unknown: below 8.0 fails for both families, 9.3 or higher passes for both.
        var metBy = NestedRequirement.All.Count(r => r.IsMetByConfigVersion(vm.ConfigVersion));
        if (metBy == 0)
        {
            return Check(ReadinessStatus.Fail,
                $"Version {version} is below the minimum for any processor (8.0 on Intel, 9.3 on AMD).",
                UpgradeFix(host, vm, NestedRequirement.Intel));
        }

        return metBy == NestedRequirement.All.Count
            ? Check(ReadinessStatus.Pass, $"Version {version} meets the minimum for both Intel (8.0) and AMD (9.3).", null)
            : Check(ReadinessStatus.Unknown,
                $"Version {version} is enough on Intel (8.0) but not on AMD (9.3), and the processor maker is unknown.",
                UpgradeFix(host, vm, NestedRequirement.Amd));
    }

    /// <summary>
    /// Update-VMVersion upgrades to the host's default (current) version, so that is the version the fix names;
    /// when only a non-default supported version would pass, the VM must be recreated at that version.
    /// </summary>
    private static string UpgradeFix(HostFacts host, VmSnapshot vm, NestedRequirement requirement)
    {
        var update = $"Update-VMVersion -VMName {Networking.PlannedCommand.Quote(vm.Name)}";
        var minimum = ConfigVersion.Format(requirement.MinimumConfigVersion);
        var supported = host.SupportedConfigVersions.Select(ConfigVersion.Normalize).Distinct().Order().ToList();
        var target = host.DefaultConfigVersion is { } d ? ConfigVersion.Normalize(d) : supported.LastOrDefault();

        if (target is not null && requirement.IsMetByConfigVersion(target))
        {
            var v = ConfigVersion.Format(target);
            return $"The configuration version can be upgraded: this host supports {v}. Turn the VM Off and run {update} to upgrade it to {v}. "
                + $"This cannot be undone: an upgraded VM no longer runs on older hosts that do not support version {v}.";
        }

        var passing = supported.Where(requirement.IsMetByConfigVersion).ToList();
        if (passing.Count > 0)
        {
            var v = ConfigVersion.Format(passing[^1]);
            return $"This host supports version {v}, but Update-VMVersion only upgrades to the host's default ({ConfigVersion.Format(target!)}). "
                + $"Create a new VM with New-VM -Version {v} and attach this VM's disks. An upgrade cannot be undone: a version {v} VM does not run on older hosts.";
        }

        var offered = supported.Count == 0 ? "none reported" : ConfigVersion.FormatList(supported);
        return $"The host must be upgraded: none of the configuration versions it supports ({offered}) reaches {minimum}. "
            + $"Upgrade the host to a Windows release that supports version {minimum} (the guide asks for {requirement.HostOsText}), "
            + $"or move the VM to such a host, then run {update}.";
    }

    private static ReadinessCheck Check(ReadinessStatus status, string reason, string? fix) =>
        new(ReadinessRuleIds.VmConfigVersion, Title, status, reason, fix);
}
