using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>Get-VMHost.</summary>
[Cmdlet(VerbsCommon.Get, "VMHost")]
[OutputType(typeof(VMHost))]
public sealed class GetVMHostCommand : SimulatorCmdlet
{
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[]? ComputerName { get; set; }

    [Parameter]
    public PSCredential[]? Credential { get; set; }

    protected override void ProcessRecord() => Emit(Sim.Read(VMHost.From), TypeNames.VMHost);
}

/// <summary>Get-VMHostSupportedVersion: the configuration versions this host can run.</summary>
[Cmdlet(VerbsCommon.Get, "VMHostSupportedVersion")]
[OutputType(typeof(VMHostSupportedVersion))]
public sealed class GetVMHostSupportedVersionCommand : SimulatorCmdlet
{
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[]? ComputerName { get; set; }

    [Parameter(Position = 1)]
    public PSCredential[]? Credential { get; set; }

    [Parameter]
    public SwitchParameter Default { get; set; }

    protected override void ProcessRecord()
    {
        var versions = Sim.Read(h => h.Profile.SupportedVersions
            .Select(v => new VMHostSupportedVersion { Name = ConfigVersions.DisplayName(v), Version = Version.Parse(v), IsDefault = v == h.Profile.DefaultVersion })
            .Where(v => !Default || v.IsDefault)
            .ToList());
        EmitAll(versions, TypeNames.VMHostSupportedVersion);
    }
}

/// <summary>Get-VMSwitch.</summary>
[Cmdlet(VerbsCommon.Get, "VMSwitch", DefaultParameterSetName = "Name")]
[OutputType(typeof(VMSwitch))]
public sealed class GetVMSwitchCommand : SimulatorCmdlet
{
    [Parameter(ParameterSetName = "Name", Position = 0)]
    [Alias("SwitchName")]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    [Parameter(ParameterSetName = "Id", Position = 0, Mandatory = true)]
    public Guid? Id { get; set; }

    [Parameter]
    public VMSwitchType[]? SwitchType { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ComputerName { get; set; }

    protected override void ProcessRecord()
    {
        var (switches, missing) = Sim.Read(h =>
        {
            var all = h.Switches.Where(s => SwitchType is null || SwitchType.Contains(s.SwitchType)).ToList();
            var notFound = (Name ?? []).Where(n => !IsWildcard(n) && !all.Exists(s => NameMatches(n, s.Name))).ToList();
            var chosen = all.Where(s => (Id is null || s.Id == Id) && (Name is null || Name.Any(n => NameMatches(n, s.Name))));
            return (chosen.Select(s => VMSwitch.From(s, h)).ToList(), notFound);
        });
        foreach (var name in missing)
        {
            WriteError(Error($"Hyper-V was unable to find a virtual switch with name \"{name}\".", "ObjectNotFound,GetVMSwitchCommand", ErrorCategory.ObjectNotFound, name));
        }

        EmitAll(switches, TypeNames.VMSwitch);
    }
}

/// <summary>New-VMSwitch: internal/private by -SwitchType, external by -NetAdapterName; internal gets a "vEthernet (name)" adapter.</summary>
[Cmdlet(VerbsCommon.New, "VMSwitch", DefaultParameterSetName = "NetAdapterName", SupportsShouldProcess = true)]
[OutputType(typeof(VMSwitch))]
public sealed class NewVMSwitchCommand : SimulatorCmdlet
{
    [Parameter(Position = 0, Mandatory = true)]
    [Alias("SwitchName")]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter(ParameterSetName = "NetAdapterName", Mandatory = true)]
    [Alias("InterfaceAlias")]
    [ValidateNotNullOrEmpty]
    public string? NetAdapterName { get; set; }

    [Parameter(ParameterSetName = "NetAdapterName")]
    public bool? AllowManagementOS { get; set; }

    [Parameter(ParameterSetName = "SwitchType", Mandatory = true)]
    public VMSwitchType SwitchType { get; set; }

    [Parameter]
    public string? Notes { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ComputerName { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "SwitchType" && SwitchType == VMSwitchType.External)
        {
            ThrowTerminatingError(Error("An external virtual switch needs a network adapter: use -NetAdapterName.", "InvalidParameter,NewVMSwitchCommand", ErrorCategory.InvalidArgument, Name));
        }

        if (!ShouldProcess(Name, "New-VMSwitch"))
        {
            return;
        }

        var (created, error) = Sim.Update<(VMSwitch?, ErrorRecord?)>(h =>
        {
            if (h.Switches.Exists(s => string.Equals(s.Name, Name, StringComparison.OrdinalIgnoreCase)))
            {
                return (null, Error($"Failed while adding virtual Ethernet switch connections. A virtual switch named \"{Name}\" already exists.", "ResourceExists,NewVMSwitchCommand", ErrorCategory.ResourceExists, Name));
            }

            if (NetAdapterName is not null)
            {
                var physical = h.NetAdapters.Find(a => string.Equals(a.Name, NetAdapterName, StringComparison.OrdinalIgnoreCase));
                if (physical is null)
                {
                    return (null, Error($"Hyper-V was unable to find a network adapter named \"{NetAdapterName}\".", "ObjectNotFound,NewVMSwitchCommand", ErrorCategory.ObjectNotFound, NetAdapterName));
                }

                if (h.Switches.Exists(s => string.Equals(s.NetAdapterName, NetAdapterName, StringComparison.OrdinalIgnoreCase)))
                {
                    return (null, Error($"Failed while adding virtual Ethernet switch connections. The network adapter \"{NetAdapterName}\" is already bound to an external virtual switch.", "InvalidOperation,NewVMSwitchCommand", ErrorCategory.InvalidOperation, NetAdapterName));
                }

                var external = h.AddSwitchUnlocked(Name, VMSwitchType.External, physical.Name, AllowManagementOS ?? true);
                return (VMSwitch.From(external, h), (ErrorRecord?)null);
            }

            return (VMSwitch.From(h.AddSwitchUnlocked(Name, SwitchType, null, true), h), null);
        });
        if (error is not null)
        {
            WriteError(error);
            return;
        }

        Emit(created!, TypeNames.VMSwitch);
    }
}

/// <summary>Remove-VMSwitch: removes the switch, its host adapter and that adapter's addresses; disconnects VMs.</summary>
[Cmdlet(VerbsCommon.Remove, "VMSwitch", DefaultParameterSetName = "Name", SupportsShouldProcess = true)]
public sealed class RemoveVMSwitchCommand : SimulatorCmdlet
{
    [Parameter(ParameterSetName = "Name", Position = 0, Mandatory = true)]
    [Alias("SwitchName")]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    [Parameter(ParameterSetName = "SwitchObject", Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public VMSwitch[]? VMSwitch { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ComputerName { get; set; }

    protected override void ProcessRecord()
    {
        var targets = Sim.Read(h => VMSwitch is not null
            ? VMSwitch.Select(s => (s.Name, (Guid?)s.Id)).ToList()
            : Name!.SelectMany(n => h.Switches.Where(s => NameMatches(n, s.Name)).Select(s => (s.Name, (Guid?)s.Id)).DefaultIfEmpty((n, null))).ToList());
        foreach (var (name, id) in targets)
        {
            if (id is null)
            {
                if (!IsWildcard(name))
                {
                    WriteError(Error($"Hyper-V was unable to find a virtual switch with name \"{name}\".", "ObjectNotFound,RemoveVMSwitchCommand", ErrorCategory.ObjectNotFound, name));
                }

                continue;
            }

            if (!ShouldProcess(name, "Remove-VMSwitch"))
            {
                continue;
            }

            Sim.Update(h =>
            {
                var vmSwitch = h.Switches.Find(s => s.Id == id);
                if (vmSwitch is null)
                {
                    return 0;
                }

                h.Switches.Remove(vmSwitch);
                var hostAdapter = h.NetAdapters.Find(a => string.Equals(a.Name, $"vEthernet ({vmSwitch.Name})", StringComparison.OrdinalIgnoreCase));
                if (hostAdapter is not null)
                {
                    h.NetAdapters.Remove(hostAdapter);
                    h.IPAddresses.RemoveAll(ip => ip.InterfaceIndex == hostAdapter.InterfaceIndex);
                }

                foreach (var adapter in h.Vms.SelectMany(v => v.NetworkAdapters).Where(a => string.Equals(a.SwitchName, vmSwitch.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    adapter.SwitchName = null;
                }

                return 0;
            });
        }
    }
}
