using System.Globalization;
using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>
/// New-VM: an Off VM with one network adapter (connected to -SwitchName, or to nothing). Like Hyper-V it
/// allows two VMs with the same name; it refuses a version the host does not support, an unknown switch
/// and startup memory Hyper-V would not accept, and a generation 1 boot device (Floppy, IDE, LegacyNetworkAdapter) on
/// generation 2. The disk and file settings (-Path, -NewVHDPath, -NewVHDSizeBytes, -VHDPath, -BootDevice, -Prerelease, -Force) are
/// kept in the VM's StoredSettings ("NewVM.Path", ...): the simulator has no disks. -AsJob returns a finished job. A -VHDPath that
/// is a differencing disk of an OS image (New-VHD -ParentPath, <see cref="SimulatedImages"/>) gives the VM that image's Windows as
/// its guest, so PowerShell Direct, installing Hyper-V and VMs of its own work inside it.
/// </summary>
[Cmdlet(VerbsCommon.New, "VM", DefaultParameterSetName = "No VHD", SupportsShouldProcess = true)]
[OutputType(typeof(VirtualMachine))]
public sealed class NewVMCommand : SimulatorCmdlet
{
    private const long MB = 1024L * 1024;

    [Parameter(Position = 0)]
    [Alias("VMName")]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "New Virtual Machine";

    [Parameter(Position = 1)]
    public long? MemoryStartupBytes { get; set; }

    [Parameter(Position = 2)]
    [ValidateRange(1, 2)]
    public short Generation { get; set; } = 1;

    [Parameter]
    [ValidateNotNull]
    public Version? Version { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SwitchName { get; set; }

    [Parameter(ParameterSetName = "No VHD")]
    public SwitchParameter NoVHD { get; set; }

    [Parameter(ParameterSetName = "New VHD", Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? NewVHDPath { get; set; }

    [Parameter(ParameterSetName = "New VHD", Mandatory = true)]
    public ulong NewVHDSizeBytes { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter(ParameterSetName = "Existing VHD", Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? VHDPath { get; set; }

    [Parameter]
    public BootDevice? BootDevice { get; set; }

    [Parameter]
    public SwitchParameter Prerelease { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

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
        var memory = MemoryStartupBytes ?? 1024 * MB;
        if (memory < 32 * MB || memory % (2 * MB) != 0)
        {
            ThrowTerminatingError(Error(
                $"Failed to modify device 'Memory'. Invalid startup memory amount assigned for '{Name}'. The startup memory must be at least 32 MB and a multiple of 2 MB (asked for {memory / (double)MB:0.##} MB).",
                "InvalidParameter,NewVMCommand",
                ErrorCategory.InvalidArgument,
                Name));
        }

        if (Generation == 2 && BootDevice is HyperV.BootDevice.Floppy or HyperV.BootDevice.IDE or HyperV.BootDevice.LegacyNetworkAdapter)
        {
            ThrowTerminatingError(Error(
                $"Failed to create a new virtual machine. Generation 2 virtual machines do not support the boot device '{BootDevice}' (only CD, NetworkAdapter and VHD).",
                "InvalidParameter,NewVMCommand",
                ErrorCategory.InvalidArgument,
                BootDevice));
        }

        if (!ShouldProcess(Name, "New-VM"))
        {
            return;
        }

        var (created, error) = Sim.Update<(VirtualMachine?, ErrorRecord?)>(h =>
        {
            var version = Version is null ? h.Profile.DefaultVersion : Version.ToString(2);
            if (!h.Profile.SupportedVersions.Contains(version))
            {
                return (null, Error(
                    $"Failed to create a new virtual machine. The virtual machine configuration version '{version}' is not supported on host '{h.Name}'. Get-VMHostSupportedVersion lists the supported versions ({string.Join(", ", h.Profile.SupportedVersions)}).",
                    "InvalidParameter,NewVMCommand",
                    ErrorCategory.InvalidArgument,
                    version));
            }

            var vmSwitch = SwitchName is null ? null : h.Switches.Find(s => string.Equals(s.Name, SwitchName, StringComparison.OrdinalIgnoreCase));
            if (SwitchName is not null && vmSwitch is null)
            {
                return (null, Error($"Hyper-V was unable to find a virtual switch with name \"{SwitchName}\".", "ObjectNotFound,NewVMCommand", ErrorCategory.ObjectNotFound, SwitchName));
            }

            var vm = new SimulatedVm
            {
                Name = Name,
                Id = Guid.NewGuid(),
                Generation = Generation,
                Version = version,
                ProcessorCount = 1,
                MemoryStartupBytes = memory,
                MemoryMinimumBytes = memory,
                MemoryMaximumBytes = memory,
                CreationTime = Now,
                Notes = "",
            };
            StoreBound(vm.StoredSettings, "NewVM.", "Path", "NewVHDPath", "NewVHDSizeBytes", "VHDPath", "BootDevice", "Prerelease", "Force");
            vm.NetworkAdapters.Add(new SimulatedVmNetworkAdapter { Id = Guid.NewGuid(), SwitchName = vmSwitch?.Name, MacAddress = h.NextMacAddress() });
            if (SimulatedImages.RootOf(h, VHDPath) is { } image)
            {
                // A disk made from an OS image boots its Windows: a guest with the lab's administrator account.
                vm.GuestOsName = image.OsName;
                vm.GuestOsVersion = image.OsVersion;
                vm.Guest = Scenarios.LabScenarios.CreateGuest(h, vm);
            }

            h.Vms.Add(vm);
            return (VirtualMachine.From(vm, h, Now), null);
        });
        if (error is not null)
        {
            ThrowTerminatingError(error);
        }

        WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"New-VM created '{Name}' ({created!.Id})."));
        Emit(created, TypeNames.VirtualMachine);
    }
}
