using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.Core.Readiness;

/// <summary>The answer to "can this host run nested virtualization at all?".</summary>
public enum HostVerdictKind
{
    /// <summary>Every host prerequisite passes.</summary>
    CanNest,

    /// <summary>A host prerequisite fails: no VM on this host can run nested virtualization.</summary>
    Cannot,

    /// <summary>The host has not answered, or a prerequisite cannot be checked.</summary>
    Unknown,
}

/// <summary>
/// A host's readiness in a few words for a tile: "Can run nested (Intel, WS2019)", "Cannot: Trusted Launch Azure VM",
/// "Cannot: AMD needs Windows Server 2022+", "Cannot: AMD Opteron", "Unknown: host unreachable". Derived from the host rules
/// (<see cref="HostRules"/>), so the words never disagree with the host's checklist.
/// </summary>
/// <param name="Kind">Can nest, cannot, or unknown.</param>
/// <param name="Text">The verdict in words.</param>
/// <param name="Reason">The failing or unknown check's reason, for a tooltip or the host page; null when the host can nest.</param>
public sealed record HostVerdict(HostVerdictKind Kind, string Text, string? Reason)
{
    /// <summary>The verdict without its "Cannot: " or "Unknown: " lead ("AMD needs Windows Server 2022+"); the whole text when it can nest.</summary>
    public string Cause => Kind is HostVerdictKind.CanNest || Text.IndexOf(": ", StringComparison.Ordinal) is not (var at and >= 0) ? Text : Text[(at + 2)..];

    /// <summary>The verdict for a host the dashboard cannot reach (or that refused the credentials).</summary>
    public static HostVerdict Unreachable { get; } = new(HostVerdictKind.Unknown, "Unknown: host unreachable", null);

    /// <summary>The verdict before the host's first answer.</summary>
    public static HostVerdict NotYetRead { get; } = new(HostVerdictKind.Unknown, "Unknown: waiting for the host's first answer", null);

    /// <summary>
    /// The verdict for a host: <see cref="Unreachable"/> when it is down, <see cref="NotYetRead"/> without facts, else from
    /// its rules — the first failing check decides ("Cannot: …"), then the first unknown ("Unknown: …").
    /// </summary>
    public static HostVerdict For(HostFacts? facts, bool reachable = true)
    {
        if (!reachable)
        {
            return Unreachable;
        }

        if (facts is null)
        {
            return NotYetRead;
        }

        // The hardest cause first: a processor or an Azure security type cannot be fixed on this host, an OS or Hyper-V can.
        var checks = ReadinessEvaluator.EvaluateHost(facts).OrderBy(c => Array.IndexOf(Priority, c.RuleId)).ToList();
        if (checks.FirstOrDefault(c => c.Status is ReadinessStatus.Fail) is { } failed)
        {
            return new HostVerdict(HostVerdictKind.Cannot, "Cannot: " + CannotText(facts, failed.RuleId), failed.Reason);
        }

        if (checks.FirstOrDefault(c => c.Status is ReadinessStatus.Unknown) is { } unknown)
        {
            return new HostVerdict(HostVerdictKind.Unknown, "Unknown: " + UnknownText(unknown.RuleId), unknown.Reason);
        }

        var os = ShortOsName(WindowsRelease.From(facts));
        return new HostVerdict(HostVerdictKind.CanNest, $"Can run nested ({HostRules.VendorName(facts.ProcessorVendor)}, {os})", null);
    }

    private static readonly string[] Priority =
        [ReadinessRuleIds.HostProcessor, ReadinessRuleIds.HostProcessorFamily, ReadinessRuleIds.HostAzureSecurityType,
         ReadinessRuleIds.HostVirtualizationExtensions, ReadinessRuleIds.HostOs, ReadinessRuleIds.HostHyperV];

    private static string CannotText(HostFacts facts, string ruleId) => ruleId switch
    {
        ReadinessRuleIds.HostProcessor => "processor is neither Intel nor AMD",
        ReadinessRuleIds.HostProcessorFamily => HostHardwareRules.PreZenFamilyOf(facts.ProcessorModel) ?? "AMD processor older than EPYC / Ryzen",
        ReadinessRuleIds.HostVirtualizationExtensions when facts.VirtualizationFirmwareEnabled is false =>
            $"{(facts.ProcessorVendor is ProcessorVendor.Amd ? "AMD-V" : "VT-x")} off in firmware",
        ReadinessRuleIds.HostVirtualizationExtensions => $"processor has no {(facts.ProcessorVendor is ProcessorVendor.Amd ? "RVI" : "EPT")}",
        ReadinessRuleIds.HostOs when NestedRequirement.For(facts.ProcessorVendor) is { } requirement =>
            $"{HostRules.VendorName(facts.ProcessorVendor)} needs {(facts.IsServer ? ShortMinimum(requirement.MinimumServerBuild, true) : ShortMinimum(requirement.MinimumClientBuild, false))}",
        ReadinessRuleIds.HostOs => "host OS too old for nested virtualization",
        ReadinessRuleIds.HostHyperV => "Hyper-V not installed",
        ReadinessRuleIds.HostAzureSecurityType => $"{AzureTypeName(facts.AzureSecurityType)} Azure VM",
        _ => "a host prerequisite fails",
    };

    private static string UnknownText(string ruleId) => ruleId switch
    {
        ReadinessRuleIds.HostProcessor => "processor maker not reported",
        ReadinessRuleIds.HostProcessorFamily => "AMD processor family not recognised",
        ReadinessRuleIds.HostVirtualizationExtensions => "virtualization extensions not reported",
        ReadinessRuleIds.HostOs => "host OS not known for this processor",
        ReadinessRuleIds.HostAzureSecurityType => "Azure security type not known",
        _ => "a host prerequisite cannot be checked",
    };

    // "Windows Server 2022+" / "Windows 11+": the first release that meets the requirement, as the issue's words put it.
    private static string ShortMinimum(int build, bool server) =>
        (WindowsRelease.From(build, server) is var product && product is not WindowsProduct.Unknown ? product.DisplayName() : $"build {build}") + "+";

    private static string AzureTypeName(string? type) => type?.Trim() switch
    {
        var t when string.Equals(t, "TrustedLaunch", StringComparison.OrdinalIgnoreCase) => "Trusted Launch",
        var t when string.Equals(t, "ConfidentialVM", StringComparison.OrdinalIgnoreCase) => "Confidential",
        var t => t ?? "non-Standard",
    };

    private static string ShortOsName(WindowsProduct product) => product switch
    {
        WindowsProduct.WindowsServer2016 => "WS2016",
        WindowsProduct.WindowsServer2019 => "WS2019",
        WindowsProduct.WindowsServer2022 => "WS2022",
        WindowsProduct.WindowsServer2025 => "WS2025",
        WindowsProduct.Windows10 => "Windows 10",
        WindowsProduct.Windows11 => "Windows 11",
        _ => product.DisplayName(),
    };
}
