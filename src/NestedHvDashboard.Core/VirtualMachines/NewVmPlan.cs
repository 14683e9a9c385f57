using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.Readiness;

namespace NestedHvDashboard.Core.VirtualMachines;

/// <summary>A VM to create for nesting (an L1 guest): its name, static memory, processors and switch.</summary>
/// <param name="Name">The VM's name.</param>
/// <param name="MemoryStartupBytes">Static memory, at least <see cref="NewVmPlan.MinimumMemoryBytes"/> (Microsoft's guide: nested needs static memory, 4 GB is the floor the readiness rules use).</param>
/// <param name="ProcessorCount">Virtual processors, 2 up to the host's logical processors.</param>
/// <param name="SwitchName">The host switch the VM's adapter connects to.</param>
/// <param name="OsImagePath">
/// An OS image on the host (a .vhdx or .vhd path) the VM boots from, through a differencing disk named after the VM in the host's
/// virtual hard disk folder (New-VHD -ParentPath -Differencing, New-VM -VHDPath); null creates the VM without a disk.
/// </param>
/// <param name="ConfigurationVersion">The configuration version New-VM is given; null takes the highest the host supports that nesting accepts.</param>
public sealed record NewVmRequest(string Name, long MemoryStartupBytes, int ProcessorCount, string SwitchName, string? OsImagePath = null, Version? ConfigurationVersion = null);

/// <summary>Names of the request fields a <see cref="NewVmProblem"/> can point at; "Host" when the host itself cannot run nested VMs.</summary>
public static class NewVmField
{
    public const string Name = nameof(NewVmRequest.Name);
    public const string MemoryStartupBytes = nameof(NewVmRequest.MemoryStartupBytes);
    public const string ProcessorCount = nameof(NewVmRequest.ProcessorCount);
    public const string SwitchName = nameof(NewVmRequest.SwitchName);
    public const string OsImagePath = nameof(NewVmRequest.OsImagePath);
    public const string ConfigurationVersion = nameof(NewVmRequest.ConfigurationVersion);
    public const string Host = "Host";
}

/// <summary>Why a new VM cannot be created: the field at fault and what is wrong.</summary>
public sealed record NewVmProblem(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>
/// A validated new VM: generation 2, the highest configuration version the host supports that meets the
/// nested requirement for its processor, static memory, nested virtualization and MAC spoofing on.
/// </summary>
public sealed class NewVmPlan
{
    /// <summary>4 GB: below it the readiness rules warn that a nested host is starved.</summary>
    public const long MinimumMemoryBytes = 4L * 1024 * 1024 * 1024;

    /// <summary>Hyper-V takes memory in multiples of 2 MB.</summary>
    public const long MemoryGranularityBytes = 2L * 1024 * 1024;

    /// <summary>Longest VM name accepted (Hyper-V allows 100 characters).</summary>
    public const int MaxNameLength = 100;

    private NewVmPlan(NewVmRequest request, Version configVersion)
    {
        Name = request.Name.Trim();
        MemoryStartupBytes = request.MemoryStartupBytes;
        ProcessorCount = request.ProcessorCount;
        SwitchName = request.SwitchName.Trim();
        OsImagePath = string.IsNullOrWhiteSpace(request.OsImagePath) ? null : request.OsImagePath.Trim();
        ConfigVersion = configVersion;
    }

    public string Name { get; }

    public long MemoryStartupBytes { get; }

    public int ProcessorCount { get; }

    public string SwitchName { get; }

    /// <summary>The OS image the VM's differencing disk is made from, or null for a VM without a disk.</summary>
    public string? OsImagePath { get; }

    /// <summary>The differencing disk's file name in the host's virtual hard disk folder (the VM's name), or null without an image.</summary>
    public string? DiskFileName => OsImagePath is null ? null : DiskFileNameFor(Name);

    /// <summary>The configuration version New-VM is given.</summary>
    public Version ConfigVersion { get; }

    /// <summary>
    /// The steps creating the VM runs on the host, in order, titled as the host's script names them (NewVm.ps1 reports each as it
    /// begins, and names the one that failed with the same words): New-VM, then the settings that make it ready for nesting.
    /// </summary>
    public static IReadOnlyList<PlannedStep> Steps { get; } =
    [
        new(OperationStepKind.CreateVm, "New-VM -Generation 2"),
        new(OperationStepKind.SetDynamicMemory, "Set-VMMemory -DynamicMemoryEnabled $false"),
        new(OperationStepKind.SetNestedVirtualization, "Set-VMProcessor -Count -ExposeVirtualizationExtensions $true"),
        new(OperationStepKind.SetMacAddressSpoofing, "Set-VMNetworkAdapter -MacAddressSpoofing On"),
    ];

    /// <summary>Validates <paramref name="request"/> against the host's facts and switches, or says every reason it cannot.</summary>
    public static NewVmPlanResult Create(NewVmRequest request, HostFacts host, IReadOnlyCollection<string> hostSwitchNames)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(hostSwitchNames);
        var problems = new List<NewVmProblem>();

        var name = request.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            problems.Add(new(NewVmField.Name, "The VM name is required."));
        }
        else if (name.Length > MaxNameLength)
        {
            problems.Add(new(NewVmField.Name, $"The VM name is {name.Length} characters long; Hyper-V allows {MaxNameLength}."));
        }
        else if (name.Any(char.IsControl))
        {
            problems.Add(new(NewVmField.Name, "The VM name contains control characters."));
        }

        if (request.MemoryStartupBytes < MinimumMemoryBytes)
        {
            problems.Add(new(NewVmField.MemoryStartupBytes, $"The memory is {Gb(request.MemoryStartupBytes)}; a VM that runs Hyper-V needs at least {Gb(MinimumMemoryBytes)} of static memory."));
        }
        else if (request.MemoryStartupBytes % MemoryGranularityBytes != 0)
        {
            problems.Add(new(NewVmField.MemoryStartupBytes, "The memory must be a multiple of 2 MB, as Hyper-V requires."));
        }
        else if (host.MemoryBytes > 0 && request.MemoryStartupBytes > host.MemoryBytes)
        {
            problems.Add(new(NewVmField.MemoryStartupBytes, $"The memory ({Gb(request.MemoryStartupBytes)}) is more than the host has ({Gb(host.MemoryBytes)})."));
        }

        var ceiling = Math.Max(host.LogicalProcessors, 0);
        if (request.ProcessorCount < 2 || request.ProcessorCount > ceiling)
        {
            problems.Add(new(NewVmField.ProcessorCount, ceiling < 2
                ? $"The host has {ceiling} logical processor(s); a nested host needs at least 2 virtual processors."
                : $"The VM needs 2 to {ceiling} virtual processors (the host's logical processors); {request.ProcessorCount} was asked for."));
        }

        var switchName = request.SwitchName?.Trim() ?? "";
        if (switchName.Length == 0)
        {
            problems.Add(new(NewVmField.SwitchName, "Choose the switch the VM connects to."));
        }
        else if (!hostSwitchNames.Contains(switchName, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add(new(NewVmField.SwitchName, hostSwitchNames.Count == 0
                ? $"The host has no virtual switch, so there is no '{switchName}'; create one first."
                : $"The host has no switch named '{switchName}' (it has {string.Join(", ", hostSwitchNames.Select(s => $"'{s}'"))})."));
        }

        CheckImage(request, name, problems);
        var version = ChooseVersion(host, request.ConfigurationVersion, problems);
        return problems.Count > 0 || version is null
            ? new NewVmPlanResult(null, problems)
            : new NewVmPlanResult(new NewVmPlan(request, version), []);
    }

    /// <summary>The differencing disk's file name for VM <paramref name="vmName"/>: "&lt;name&gt;.vhdx".</summary>
    public static string DiskFileNameFor(string vmName) => $"{vmName.Trim()}.vhdx";

    /// <summary>An image path must be a full Windows path to a .vhdx or .vhd, and the VM's name must make a file name for its disk.</summary>
    private static void CheckImage(NewVmRequest request, string name, List<NewVmProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(request.OsImagePath))
        {
            return;
        }

        var image = request.OsImagePath.Trim();
        var rooted = (image.Length > 3 && char.IsAsciiLetter(image[0]) && image[1] == ':' && image[2] == '\\') || image.StartsWith(@"\\", StringComparison.Ordinal);
        if (!rooted || image.Any(char.IsControl))
        {
            problems.Add(new(NewVmField.OsImagePath, $"The OS image '{image}' is not a full path on the host (for example C:\\Images\\WindowsServer2022.vhdx)."));
        }
        else if (!image.EndsWith(".vhdx", StringComparison.OrdinalIgnoreCase) && !image.EndsWith(".vhd", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(new(NewVmField.OsImagePath, $"The OS image '{image}' is not a virtual hard disk (.vhdx or .vhd)."));
        }

        if (name.IndexOfAny(['\\', '/', ':', '*', '?', '"', '<', '>', '|']) >= 0)
        {
            problems.Add(new(NewVmField.Name, "The VM's differencing disk is named after the VM, and a file name cannot hold \\ / : * ? \" < > |."));
        }
    }

    /// <summary>
    /// The requested version when the host supports it and it meets the processor family's minimum; without a request the highest
    /// supported version that does, when the host can nest at all.
    /// </summary>
    private static Version? ChooseVersion(HostFacts host, Version? requested, List<NewVmProblem> problems)
    {
        if (NestedRequirement.For(host.ProcessorVendor) is not { } requirement)
        {
            problems.Add(new(NewVmField.Host, $"The host's processor ({host.ProcessorManufacturer}) is neither Intel nor AMD; nested virtualization needs Intel VT-x with EPT or AMD EPYC/Ryzen."));
            return null;
        }

        if (!requirement.IsMetByOs(host))
        {
            problems.Add(new(NewVmField.Host, $"The host runs {host.OsCaption} (build {host.OsBuild}); nested virtualization on {requirement.ProcessorText} needs {requirement.HostOsText}."));
            return null;
        }

        if (host.IsAzureVm && !string.IsNullOrEmpty(host.AzureSecurityType) && !string.Equals(host.AzureSecurityType, "Standard", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(new(NewVmField.Host, $"The host is an Azure VM with security type {host.AzureSecurityType}; nested virtualization needs security type Standard."));
            return null;
        }

        if (requested is not null)
        {
            var wanted = Readiness.ConfigVersion.Normalize(requested);
            if (!host.SupportedConfigVersions.Any(v => Readiness.ConfigVersion.Normalize(v) == wanted))
            {
                problems.Add(new(NewVmField.ConfigurationVersion, $"The host does not support configuration version {Readiness.ConfigVersion.Format(wanted)} (it supports {Readiness.ConfigVersion.FormatList(host.SupportedConfigVersions)})."));
                return null;
            }

            if (!requirement.IsMetByConfigVersion(wanted))
            {
                problems.Add(new(NewVmField.ConfigurationVersion, $"Configuration version {Readiness.ConfigVersion.Format(wanted)} is below what nested virtualization on {requirement.ProcessorText} needs ({Readiness.ConfigVersion.Format(requirement.MinimumConfigVersion)} or later)."));
                return null;
            }

            return wanted;
        }

        var version = host.SupportedConfigVersions.Where(requirement.IsMetByConfigVersion).OrderDescending().FirstOrDefault();
        if (version is null)
        {
            problems.Add(new(NewVmField.Host, host.SupportedConfigVersions.Count == 0
                ? "The host reported no supported VM configuration versions (is Hyper-V installed?)."
                : $"The host supports configuration versions {Readiness.ConfigVersion.FormatList(host.SupportedConfigVersions)}; nested virtualization on {requirement.ProcessorText} needs {Readiness.ConfigVersion.Format(requirement.MinimumConfigVersion)} or later."));
        }

        return version is null ? null : Readiness.ConfigVersion.Normalize(version);
    }

    private static string Gb(long bytes) => $"{bytes / (1024d * 1024 * 1024):0.##} GB";
}

/// <summary>A plan, or the problems that stopped it.</summary>
public sealed record NewVmPlanResult(NewVmPlan? Plan, IReadOnlyList<NewVmProblem> Problems)
{
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Plan))]
    public bool IsValid => Plan is not null;
}
