using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.Core.Readiness;

/// <summary>The host prerequisites of Microsoft's nested virtualization guide, one function per rule.</summary>
public static class HostRules
{
    private const string SupportedProcessors = "Intel VT-x with EPT, or AMD EPYC / Ryzen";

    /// <summary>host.processor: Intel (VT-x + EPT) or AMD (EPYC / Ryzen).</summary>
    public static ReadinessCheck Processor(HostFacts host)
    {
        ArgumentNullException.ThrowIfNull(host);
        const string id = ReadinessRuleIds.HostProcessor;
        const string title = "Processor supports nested virtualization";
        var reported = Describe(host);
        return host.ProcessorVendor switch
        {
            ProcessorVendor.Intel => new ReadinessCheck(
                id, title, ReadinessStatus.Pass,
                $"{NestedRequirement.For(host.ProcessorVendor)!.ProcessorText} processor ({reported}).", null),

            // Which AMD family (EPYC / Ryzen or an older Opteron) is host.processor-family's answer, not this one's.
            ProcessorVendor.Amd => new ReadinessCheck(
                id, title, ReadinessStatus.Pass,
                $"AMD processor ({reported}); whether it is an EPYC / Ryzen or later is the processor family check.", null),
            ProcessorVendor.Other => new ReadinessCheck(
                id, title, ReadinessStatus.Fail,
                $"The processor ({reported}) is neither Intel nor AMD; nested virtualization needs {SupportedProcessors}.",
                $"Run the VM on a host with {SupportedProcessors}."),
            _ => new ReadinessCheck(
                id, title, ReadinessStatus.Unknown,
                $"The host did not report a processor maker we recognise ({reported}).",
                $"Check that the host's processor is {SupportedProcessors}."),
        };
    }

    /// <summary>host.os: Intel needs WS2016+ / Windows 10+; AMD needs WS2022+ / Windows 11+.</summary>
    public static ReadinessCheck OperatingSystem(HostFacts host)
    {
        ArgumentNullException.ThrowIfNull(host);
        const string id = ReadinessRuleIds.HostOs;
        const string title = "Host operating system supports nested virtualization";
        var build = WindowsRelease.BuildOf(host);
        var detected = $"{Caption(host)} (build {(build > 0 ? build.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown")})";
        var product = WindowsRelease.From(host);
        if (product is WindowsProduct.Unknown)
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Unknown,
                $"The host did not report its Windows build: {detected}.",
                $"Intel hosts need {NestedRequirement.Intel.HostOsText}; AMD hosts need {NestedRequirement.Amd.HostOsText}.");
        }

        if (NestedRequirement.For(host.ProcessorVendor) is { } requirement)
        {
            return requirement.IsMetByOs(host)
                ? new ReadinessCheck(id, title, ReadinessStatus.Pass,
                    $"{detected} meets the {VendorName(host.ProcessorVendor)} requirement ({requirement.HostOsText}).", null)
                : new ReadinessCheck(id, title, ReadinessStatus.Fail,
                    $"{detected} is too old for nested virtualization on {VendorName(host.ProcessorVendor)}.",
                    $"Upgrade the host to {requirement.HostOsText}.");
        }

        if (host.ProcessorVendor is ProcessorVendor.Other)
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Unknown,
                $"{detected}: Microsoft names no host OS that supports nested virtualization on this processor.",
                $"See the processor check: nested virtualization needs {SupportedProcessors}.");
        }

        // Vendor unknown: the answer is still certain when the OS meets both requirements or neither.
        var metBy = NestedRequirement.All.Where(r => r.IsMetByOs(host)).ToList();
        return metBy.Count switch
        {
            0 => new ReadinessCheck(id, title, ReadinessStatus.Fail,
                $"{detected} is too old for nested virtualization on any processor.",
                $"Upgrade the host to {NestedRequirement.Intel.HostOsText} (Intel) or {NestedRequirement.Amd.HostOsText} (AMD)."),
            var n when n == NestedRequirement.All.Count => new ReadinessCheck(id, title, ReadinessStatus.Pass,
                $"{detected} meets the requirement for both Intel and AMD processors.", null),
            _ => new ReadinessCheck(id, title, ReadinessStatus.Unknown,
                $"{detected} is enough for Intel but not for AMD, and the processor maker is unknown.",
                $"On AMD, upgrade the host to {NestedRequirement.Amd.HostOsText}."),
        };
    }

    /// <summary>host.hyperv: the Hyper-V role must be installed and the hypervisor running.</summary>
    public static ReadinessCheck HyperV(HostFacts host)
    {
        ArgumentNullException.ThrowIfNull(host);
        const string id = ReadinessRuleIds.HostHyperV;
        const string title = "Hyper-V is installed and running";
        if (host.HyperVPresent)
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Pass, "The hypervisor is running and the Hyper-V module answers.", null);
        }

        var install = host.IsServer
            ? "Install-WindowsFeature -Name Hyper-V -IncludeManagementTools -Restart"
            : "Enable-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V -All";
        return new ReadinessCheck(id, title, ReadinessStatus.Fail,
            "Hyper-V is not running on this host.",
            $"Install the Hyper-V role ({install}) and restart the host.");
    }

    /// <summary>host.azure-security-type: a host that is itself an Azure VM needs security type Standard.</summary>
    public static ReadinessCheck AzureSecurityType(HostFacts host)
    {
        ArgumentNullException.ThrowIfNull(host);
        const string id = ReadinessRuleIds.HostAzureSecurityType;
        const string title = "Azure security type is Standard";
        if (!host.IsAzureVm)
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Pass, "Not an Azure VM.", null);
        }

        var type = host.AzureSecurityType?.Trim();
        if (string.IsNullOrEmpty(type) || type.Equals("Standard", StringComparison.OrdinalIgnoreCase))
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Pass, "Azure VM with security type Standard.", null);
        }

        if (type.Equals(HostFacts.AzureSecurityTypeUnknown, StringComparison.OrdinalIgnoreCase))
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Unknown,
                "This host is an Azure VM, but its instance metadata did not answer, so its security type is not known.",
                "Check the VM's Security type in the Azure portal (Overview > Security type); it must be Standard.");
        }

        var fix = type.Equals("ConfidentialVM", StringComparison.OrdinalIgnoreCase)
            ? "Create the Azure VM with Security type Standard: a confidential VM cannot be changed to Standard."
            : "Create the Azure VM with Security type Standard, or deallocate this VM and change its security type to Standard (az vm update --security-type Standard).";
        return new ReadinessCheck(id, title, ReadinessStatus.Fail,
            $"This host is an Azure VM with security type {type}; nested virtualization in Azure needs security type Standard.",
            fix);
    }

    internal static string VendorName(ProcessorVendor vendor) => vendor switch
    {
        ProcessorVendor.Intel => "Intel",
        ProcessorVendor.Amd => "AMD",
        ProcessorVendor.Other => "a processor that is neither Intel nor AMD",
        _ => "an unknown processor",
    };

    private static string Caption(HostFacts host) =>
        string.IsNullOrWhiteSpace(host.OsCaption) ? "Windows" : host.OsCaption.Trim();

    private static string Describe(HostFacts host)
    {
        var parts = new[] { host.ProcessorManufacturer, host.ProcessorModel }
            .Where(p => !string.IsNullOrWhiteSpace(p))
            .Select(p => p.Trim())
            .ToList();
        return parts.Count == 0 ? "not reported" : string.Join(", ", parts);
    }
}
