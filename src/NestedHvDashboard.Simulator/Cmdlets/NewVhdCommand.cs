using System.Management.Automation;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>New-VHD's output (Microsoft.Vhd.PowerShell.VirtualHardDisk), the properties a script reads.</summary>
public sealed class VirtualHardDisk
{
    public string Path { get; init; } = "";

    public string? ParentPath { get; init; }

    /// <summary>VHDX or VHD, from the file name's extension.</summary>
    public string VhdFormat { get; init; } = "VHDX";

    /// <summary>Dynamic, Fixed or Differencing.</summary>
    public string VhdType { get; init; } = "Dynamic";

    public ulong Size { get; init; }

    public string ComputerName { get; init; } = "";
}

/// <summary>
/// New-VHD: records a virtual hard disk on the host (the simulator has no files). A differencing disk needs its parent — one of
/// the host's OS images (<see cref="SimulatedImages"/>) or a disk New-VHD made — and, like Hyper-V, a path no disk has yet; a
/// VM given it with New-VM -VHDPath boots the image's Windows. Every documented parameter set is accepted.
/// </summary>
[Cmdlet(VerbsCommon.New, "VHD", DefaultParameterSetName = DynamicWithoutSource, SupportsShouldProcess = true)]
[OutputType(typeof(VirtualHardDisk))]
public sealed class NewVhdCommand : SimulatorCmdlet
{
    private const string DynamicWithoutSource = "DynamicWithoutSource";
    private const string DifferencingSet = "Differencing";
    private const string FixedWithoutSource = "FixedWithoutSource";
    private const string FixedWithSource = "FixedWithSource";
    private const string DynamicWithSource = "DynamicWithSource";
    private const string TypeName = "Microsoft.Vhd.PowerShell.VirtualHardDisk";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(ParameterSetName = DifferencingSet, Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? ParentPath { get; set; }

    [Parameter(ParameterSetName = DynamicWithoutSource, Mandatory = true, Position = 1)]
    [Parameter(ParameterSetName = FixedWithoutSource, Mandatory = true, Position = 1)]
    [Parameter(ParameterSetName = DifferencingSet, Position = 2)]
    public ulong SizeBytes { get; set; }

    [Parameter(ParameterSetName = DifferencingSet)]
    public SwitchParameter Differencing { get; set; }

    [Parameter(ParameterSetName = DynamicWithoutSource)]
    [Parameter(ParameterSetName = DynamicWithSource, Mandatory = true)]
    public SwitchParameter Dynamic { get; set; }

    [Parameter(ParameterSetName = FixedWithoutSource, Mandatory = true)]
    [Parameter(ParameterSetName = FixedWithSource, Mandatory = true)]
    public SwitchParameter Fixed { get; set; }

    [Parameter(ParameterSetName = FixedWithSource, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = DynamicWithSource, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Number")]
    public uint SourceDisk { get; set; }

    [Parameter]
    public uint BlockSizeBytes { get; set; }

    [Parameter(ParameterSetName = DynamicWithoutSource)]
    [Parameter(ParameterSetName = FixedWithoutSource)]
    [ValidateSet("512", "4096")]
    public uint LogicalSectorSizeBytes { get; set; }

    [Parameter(ParameterSetName = DynamicWithoutSource)]
    [Parameter(ParameterSetName = DifferencingSet)]
    [Parameter(ParameterSetName = FixedWithoutSource)]
    [ValidateSet("512", "4096")]
    public uint PhysicalSectorSizeBytes { get; set; }

    [Parameter]
    public SwitchParameter AsJob { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ComputerName { get; set; }

    [Parameter]
    public PSCredential[]? Credential { get; set; }

    /// <summary>A CIM session (or a computer name): like -ComputerName, it may only name this host.</summary>
    [Parameter]
    public object[]? CimSession { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var path in Path)
        {
            if (!ShouldProcess(path, "New-VHD"))
            {
                continue;
            }

            var (disk, error) = Sim.Update<(VirtualHardDisk?, ErrorRecord?)>(h => Create(h, path.Trim()));
            if (error is not null)
            {
                WriteError(error);
                continue;
            }

            Emit(disk!, TypeName);
        }
    }

    private (VirtualHardDisk?, ErrorRecord?) Create(SimulatedHost host, string path)
    {
        if (!path.EndsWith(".vhdx", StringComparison.OrdinalIgnoreCase) && !path.EndsWith(".vhd", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Error(
                $"Failed to create the virtual hard disk. The format of the virtual hard disk '{path}' is not supported: the file name must end in .vhdx or .vhd.",
                "InvalidParameter,Microsoft.Vhd.PowerShell.Cmdlets.NewVhd", ErrorCategory.InvalidArgument, path));
        }

        if (SimulatedImages.Exists(host, path))
        {
            return (null, Error(
                $"Failed to create the virtual hard disk. The system failed to create '{path}': The file exists. (0x80070050)",
                "InvalidParameter,Microsoft.Vhd.PowerShell.Cmdlets.NewVhd", ErrorCategory.InvalidArgument, path));
        }

        ulong size;
        if (ParameterSetName == DifferencingSet)
        {
            var parent = ParentPath!.Trim();
            if (!SimulatedImages.Exists(host, parent))
            {
                return (null, Error(
                    $"Failed to create the virtual hard disk. The system failed to create '{path}': The system cannot find the file specified. (0x80070002) The parent '{parent}' does not exist.",
                    "ObjectNotFound,Microsoft.Vhd.PowerShell.Cmdlets.NewVhd", ErrorCategory.ObjectNotFound, parent));
            }

            size = SimulatedImages.Find(parent) is not null
                ? SimulatedImages.ImageSizeBytes
                : host.Disks.Find(d => string.Equals(d.Path, parent, StringComparison.OrdinalIgnoreCase))!.SizeBytes;
            host.Disks.Add(new SimulatedDisk { Path = path, ParentPath = parent, SizeBytes = size });
        }
        else
        {
            size = Bound(nameof(SizeBytes)) ? SizeBytes : 127UL * 1024 * 1024 * 1024;
            host.Disks.Add(new SimulatedDisk { Path = path, SizeBytes = size });
        }

        var type = ParameterSetName switch
        {
            DifferencingSet => "Differencing",
            FixedWithoutSource or FixedWithSource => "Fixed",
            _ => "Dynamic",
        };
        return (new VirtualHardDisk
        {
            Path = path,
            ParentPath = ParameterSetName == DifferencingSet ? ParentPath!.Trim() : null,
            VhdFormat = path.EndsWith(".vhd", StringComparison.OrdinalIgnoreCase) ? "VHD" : "VHDX",
            VhdType = type,
            Size = size,
            ComputerName = host.Name,
        }, null);
    }
}
