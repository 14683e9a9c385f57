using System.Management.Automation;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>
/// New-VHD: records a new virtual hard disk (the simulator keeps no files). A differencing disk records its parent, taken on
/// trust (an OS image copied into the guest is a file the simulator does not know). As Hyper-V, it refuses a path that already
/// holds a disk and a file name that is not .vhd or .vhdx. -SourceDisk, the sector and block sizes and -AsJob are accepted
/// and change nothing.
/// </summary>
[Cmdlet(VerbsCommon.New, "VHD", DefaultParameterSetName = "DynamicWithoutSource", SupportsShouldProcess = true)]
public sealed class NewVHDCommand : SimulatorCmdlet
{
    [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    [Parameter(ParameterSetName = "Differencing", Position = 1, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? ParentPath { get; set; }

    [Parameter(ParameterSetName = "DynamicWithoutSource", Position = 1, Mandatory = true)]
    [Parameter(ParameterSetName = "FixedWithoutSource", Position = 1, Mandatory = true)]
    [Parameter(ParameterSetName = "Differencing", Position = 2)]
    public ulong SizeBytes { get; set; }

    [Parameter(ParameterSetName = "Differencing")]
    public SwitchParameter Differencing { get; set; }

    [Parameter(ParameterSetName = "DynamicWithoutSource")]
    [Parameter(ParameterSetName = "DynamicWithSource", Mandatory = true)]
    public SwitchParameter Dynamic { get; set; }

    [Parameter(ParameterSetName = "FixedWithoutSource", Mandatory = true)]
    [Parameter(ParameterSetName = "FixedWithSource", Mandatory = true)]
    public SwitchParameter Fixed { get; set; }

    [Parameter(ParameterSetName = "FixedWithSource", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = "DynamicWithSource", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Number")]
    public uint SourceDisk { get; set; }

    [Parameter]
    public uint BlockSizeBytes { get; set; }

    [Parameter(ParameterSetName = "DynamicWithoutSource")]
    [Parameter(ParameterSetName = "FixedWithoutSource")]
    public uint LogicalSectorSizeBytes { get; set; }

    [Parameter(ParameterSetName = "DynamicWithoutSource")]
    [Parameter(ParameterSetName = "Differencing")]
    [Parameter(ParameterSetName = "FixedWithoutSource")]
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
        foreach (var path in Path!)
        {
            if (!path.EndsWith(".vhdx", StringComparison.OrdinalIgnoreCase) && !path.EndsWith(".vhd", StringComparison.OrdinalIgnoreCase))
            {
                WriteError(Error($"Failed to create the virtual hard disk. The file name '{path}' does not have a .vhd or .vhdx extension.", "InvalidParameter,Microsoft.Vhd.PowerShell.Cmdlets.NewVhd", ErrorCategory.InvalidArgument, path));
                continue;
            }

            if (!ShouldProcess(path, "New-VHD"))
            {
                continue;
            }

            var (disk, error) = Sim.Update<(SimulatedVirtualDisk?, ErrorRecord?)>(h =>
            {
                if (h.VirtualDisks.Exists(d => string.Equals(d.Path, path, StringComparison.OrdinalIgnoreCase)))
                {
                    return (null, Error($"Failed to create the virtual hard disk. The system failed to create '{path}': The file exists. (0x80070050).", "InvalidOperation,Microsoft.Vhd.PowerShell.Cmdlets.NewVhd", ErrorCategory.ResourceExists, path));
                }

                var parent = ParameterSetName == "Differencing" ? h.VirtualDisks.Find(d => string.Equals(d.Path, ParentPath, StringComparison.OrdinalIgnoreCase)) : null;
                var created = new SimulatedVirtualDisk
                {
                    Path = path,
                    VhdType = ParameterSetName == "Differencing" ? "Differencing" : Fixed ? "Fixed" : "Dynamic",
                    ParentPath = ParameterSetName == "Differencing" ? ParentPath : null,
                    Size = SizeBytes != 0 ? SizeBytes : parent?.Size ?? 0,
                };
                h.VirtualDisks.Add(created);
                return (created, null);
            });
            if (error is not null)
            {
                WriteError(error);
                continue;
            }

            var shown = new PSObject();
            shown.Properties.Add(new PSNoteProperty("Path", disk!.Path));
            shown.Properties.Add(new PSNoteProperty("VhdType", disk.VhdType));
            shown.Properties.Add(new PSNoteProperty("VhdFormat", disk.Path.EndsWith(".vhdx", StringComparison.OrdinalIgnoreCase) ? "VHDX" : "VHD"));
            shown.Properties.Add(new PSNoteProperty("ParentPath", disk.ParentPath ?? ""));
            shown.Properties.Add(new PSNoteProperty("Size", disk.Size));
            shown.Properties.Add(new PSNoteProperty("ComputerName", Sim.Read(h => h.Name)));
            shown.TypeNames.Insert(0, "Microsoft.Vhd.PowerShell.VirtualHardDisk");
            WriteObject(shown);
        }
    }
}
