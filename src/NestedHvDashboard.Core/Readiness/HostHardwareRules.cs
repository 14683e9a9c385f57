using System.Text.RegularExpressions;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.Core.Readiness;

/// <summary>
/// The processor rules beyond the maker: AMD's family (Microsoft's guide names "AMD EPYC / Ryzen processor or later") and
/// the virtualization extensions the processor reports (VT-x with EPT, AMD-V with RVI).
/// </summary>
public static partial class HostHardwareRules
{
    /// <summary>host.processor-family: an AMD host needs EPYC / Ryzen or later; Opteron and the other pre-Zen families fail.</summary>
    public static ReadinessCheck ProcessorFamily(HostFacts host)
    {
        ArgumentNullException.ThrowIfNull(host);
        const string id = ReadinessRuleIds.HostProcessorFamily;
        const string title = "AMD processor is EPYC / Ryzen or later";
        if (host.ProcessorVendor is not ProcessorVendor.Amd)
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Pass,
                $"Applies to AMD processors only; this host has {HostRules.VendorName(host.ProcessorVendor)}.", null);
        }

        var model = string.IsNullOrWhiteSpace(host.ProcessorModel) ? "not reported" : host.ProcessorModel.Trim();
        if (ZenFamily().IsMatch(model))
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Pass,
                $"{model}: an EPYC / Ryzen processor, as Microsoft's guide asks for AMD.", null);
        }

        if (PreZenFamilyOf(model) is { } family)
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Fail,
                $"{model} is an {family} processor: nested virtualization on AMD needs an EPYC / Ryzen processor or later.",
                "Run the VM on a host with an AMD EPYC / Ryzen (or later) or an Intel VT-x with EPT processor.");
        }

        return new ReadinessCheck(id, title, ReadinessStatus.Unknown,
            $"The AMD processor ({model}) is not one we can place: nested virtualization on AMD needs EPYC / Ryzen or later.",
            "Check that the host's processor is an AMD EPYC or Ryzen (Zen) processor or later.");
    }

    /// <summary>
    /// host.virtualization-extensions: VT-x with EPT (Intel) or AMD-V with RVI, as Win32_Processor reports them. Windows
    /// reports both as False while a hypervisor runs, so with Hyper-V running the running hypervisor is the answer.
    /// </summary>
    public static ReadinessCheck VirtualizationExtensions(HostFacts host)
    {
        ArgumentNullException.ThrowIfNull(host);
        const string id = ReadinessRuleIds.HostVirtualizationExtensions;
        var (extensions, translation) = host.ProcessorVendor switch
        {
            ProcessorVendor.Intel => ("VT-x", "EPT"),
            ProcessorVendor.Amd => ("AMD-V", "RVI"),
            _ => ("hardware virtualization", "second-level address translation"),
        };
        var title = host.ProcessorVendor is ProcessorVendor.Intel or ProcessorVendor.Amd
            ? $"{(host.ProcessorVendor is ProcessorVendor.Intel ? "Intel " : "")}{extensions} with {translation} is on"
            : "Hardware virtualization with second-level address translation is on";
        if (host.ProcessorVendor is not (ProcessorVendor.Intel or ProcessorVendor.Amd))
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Pass,
                $"Applies to Intel and AMD processors; this host has {HostRules.VendorName(host.ProcessorVendor)} (see the processor check).", null);
        }

        if (host.HyperVPresent)
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Pass,
                $"The Hyper-V hypervisor runs on this host, and it runs only with {extensions} and {translation}. (While it runs, Windows reports both as off in Win32_Processor, so those values are not read.)",
                null);
        }

        var firmwareFix = $"Turn on {(host.ProcessorVendor is ProcessorVendor.Intel ? "Intel Virtualization Technology (VT-x)" : "SVM Mode (AMD-V)")} in the host's firmware (BIOS/UEFI) setup and restart the host.";
        if (host.VirtualizationFirmwareEnabled is false)
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Fail,
                $"{extensions} is off in the host's firmware (Win32_Processor.VirtualizationFirmwareEnabled is False); Hyper-V and nested virtualization need it.",
                firmwareFix);
        }

        if (host.SecondLevelAddressTranslation is false)
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Fail,
                $"The processor reports no {translation} (Win32_Processor.SecondLevelAddressTranslationExtensions is False); Hyper-V and nested virtualization need second-level address translation.",
                $"Run the VM on a host whose processor has {extensions} with {translation}.");
        }

        if (host.VirtualizationFirmwareEnabled is true && host.SecondLevelAddressTranslation is true)
        {
            return new ReadinessCheck(id, title, ReadinessStatus.Pass,
                $"{extensions} is on in the firmware and the processor has {translation} (Win32_Processor).", null);
        }

        return new ReadinessCheck(id, title, ReadinessStatus.Unknown,
            $"The host did not report whether {extensions} is on and the processor has {translation} (Win32_Processor).",
            $"Check the host's firmware (BIOS/UEFI) setup: {char.ToLowerInvariant(firmwareFix[0])}{firmwareFix[1..]}");
    }

    /// <summary>The family of a pre-Zen AMD processor name ("AMD Opteron"), or null when the name is not one.</summary>
    internal static string? PreZenFamilyOf(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return null;
        }

        var match = PreZenFamily().Match(model);
        if (!match.Success)
        {
            return null;
        }

        return match.Groups["apu"].Success ? "AMD A-series" : "AMD " + match.Groups["family"].Value;
    }

    // EPYC and Ryzen (with Threadripper) are Zen and later, the families Microsoft's guide names.
    [GeneratedRegex(@"\b(EPYC|Ryzen|Threadripper)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ZenFamily();

    // Families that predate Zen. Plain "Athlon" is left out: Athlon 200GE / 3000G are Zen.
    [GeneratedRegex(@"\b(?<family>Opteron|Phenom|Sempron|Turion|FX|Athlon(?:\(tm\))? (?:II|64))\b|\b(?<apu>A(?:4|6|8|9|10|12)-\d{4})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PreZenFamily();
}
