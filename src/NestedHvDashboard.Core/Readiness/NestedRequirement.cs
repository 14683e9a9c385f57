using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.Core.Readiness;

/// <summary>
/// What Microsoft's guide requires of a host and a VM for one processor family.
/// </summary>
/// <param name="Vendor">Intel or AMD.</param>
/// <param name="ProcessorText">The processor as the guide names it.</param>
/// <param name="MinimumServerBuild">The first server build that supports nested virtualization.</param>
/// <param name="MinimumClientBuild">The first client build that supports nested virtualization.</param>
/// <param name="HostOsText">The host OS requirement in the guide's words.</param>
/// <param name="MinimumConfigVersion">The lowest VM configuration version.</param>
public sealed record NestedRequirement(
    ProcessorVendor Vendor,
    string ProcessorText,
    int MinimumServerBuild,
    int MinimumClientBuild,
    string HostOsText,
    Version MinimumConfigVersion)
{
    public static NestedRequirement Intel { get; } = new(
        ProcessorVendor.Intel,
        "Intel with VT-x and EPT",
        WindowsRelease.WindowsServer2016Build,
        WindowsRelease.Windows10Build,
        "Windows Server 2016 or later, or Windows 10 or later",
        new Version(8, 0));

    public static NestedRequirement Amd { get; } = new(
        ProcessorVendor.Amd,
        "AMD EPYC / Ryzen",
        WindowsRelease.WindowsServer2022Build,
        WindowsRelease.Windows11Build,
        "Windows Server 2022 or later, or Windows 11 or later",
        new Version(9, 3));

    /// <summary>Both families, least demanding first.</summary>
    public static IReadOnlyList<NestedRequirement> All { get; } = [Intel, Amd];

    /// <summary>The requirement for a vendor; null for Other and Unknown.</summary>
    public static NestedRequirement? For(ProcessorVendor vendor) => vendor switch
    {
        ProcessorVendor.Intel => Intel,
        ProcessorVendor.Amd => Amd,
        _ => null,
    };

    /// <summary>True when the host's OS (6.x counts as older) meets this requirement.</summary>
    public bool IsMetByOs(HostFacts host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return WindowsRelease.From(host) is not (WindowsProduct.Older or WindowsProduct.Unknown)
            && WindowsRelease.BuildOf(host) >= (host.IsServer ? MinimumServerBuild : MinimumClientBuild);
    }

    /// <summary>True when the configuration version meets this requirement.</summary>
    public bool IsMetByConfigVersion(Version configVersion) => ConfigVersion.IsAtLeast(configVersion, MinimumConfigVersion);
}
