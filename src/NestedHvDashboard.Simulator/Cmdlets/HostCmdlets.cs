using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>Get-VMHost.</summary>
[Cmdlet(VerbsCommon.Get, "VMHost", DefaultParameterSetName = "ComputerName")]
[OutputType(typeof(VMHost))]
public sealed class GetVMHostCommand : SimulatorCmdlet
{
    [Parameter(ParameterSetName = "ComputerName", Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string[]? ComputerName { get; set; }

    [Parameter(ParameterSetName = "ComputerName", Position = 1)]
    public PSCredential[]? Credential { get; set; }

    /// <summary>A CIM session (or a computer name): it may only name this host.</summary>
    [Parameter(ParameterSetName = "CimSession", Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public object[]? CimSession { get; set; }

    protected override void ProcessRecord() => Emit(Sim.Read(VMHost.From), TypeNames.VMHost);
}

/// <summary>Get-VMHostSupportedVersion: the configuration versions this host can run.</summary>
[Cmdlet(VerbsCommon.Get, "VMHostSupportedVersion", DefaultParameterSetName = "ComputerName")]
[OutputType(typeof(VMHostSupportedVersion))]
public sealed class GetVMHostSupportedVersionCommand : SimulatorCmdlet
{
    [Parameter(ParameterSetName = "ComputerName", Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string[]? ComputerName { get; set; }

    [Parameter(ParameterSetName = "ComputerName", Position = 1)]
    public PSCredential[]? Credential { get; set; }

    /// <summary>A CIM session (or a computer name): it may only name this host.</summary>
    [Parameter(ParameterSetName = "CimSession", Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public object[]? CimSession { get; set; }

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

    [Parameter(ParameterSetName = "Id", Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("SwitchId")]
    public Guid[]? Id { get; set; }

    /// <summary>Switches of these Ethernet resource pools; the simulated host has no pools, so only "Primordial" (every switch) matches.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string[]? ResourcePoolName { get; set; }

    [Parameter]
    public VMSwitchType[]? SwitchType { get; set; }

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
        var (switches, missing) = Sim.Read(h =>
        {
            var all = h.Switches.Where(s => SwitchType is null || SwitchType.Contains(s.SwitchType)).ToList();
            var notFound = (Name ?? []).Where(n => !IsWildcard(n) && !all.Exists(s => NameMatches(n, s.Name))).ToList();
            var inPools = ResourcePoolName is null || ResourcePoolName.Any(p => NameMatches(p, "Primordial"));
            var chosen = all.Where(s => inPools && (Id is null || Id.Contains(s.Id)) && (Name is null || Name.Any(n => NameMatches(n, s.Name))));
            return (chosen.Select(s => VMSwitch.From(s, h)).ToList(), notFound);
        });
        foreach (var name in missing)
        {
            WriteError(Error($"Hyper-V was unable to find a virtual switch with name \"{name}\".", "ObjectNotFound,GetVMSwitchCommand", ErrorCategory.ObjectNotFound, name));
        }

        EmitAll(switches, TypeNames.VMSwitch);
    }
}

/// <summary>
/// New-VMSwitch: internal/private by -SwitchType, external by -NetAdapterName or -NetAdapterInterfaceDescription (bound to
/// the first adapter named; more than one needs -EnableEmbeddedTeaming, as Hyper-V's Switch Embedded Teaming); internal gets a
/// "vEthernet (name)" adapter, and an external one shared with the management OS takes its adapter's addresses. -Notes, -MinimumBandwidthMode, -EnableIov, -EnablePacketDirect and -EnableEmbeddedTeaming are
/// kept in the switch's StoredSettings.
/// </summary>
[Cmdlet(VerbsCommon.New, "VMSwitch", DefaultParameterSetName = "NetAdapterName", SupportsShouldProcess = true)]
[OutputType(typeof(VMSwitch))]
public sealed class NewVMSwitchCommand : SimulatorCmdlet
{
    [Parameter(Position = 0, Mandatory = true)]
    [Alias("SwitchName")]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter(ParameterSetName = "NetAdapterName", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("InterfaceAlias")]
    [ValidateNotNullOrEmpty]
    public string[]? NetAdapterName { get; set; }

    [Parameter(ParameterSetName = "NetAdapterInterfaceDescription", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("InterfaceDescription")]
    [ValidateNotNullOrEmpty]
    public string[]? NetAdapterInterfaceDescription { get; set; }

    [Parameter(ParameterSetName = "NetAdapterName")]
    [Parameter(ParameterSetName = "NetAdapterInterfaceDescription")]
    public bool? AllowManagementOS { get; set; }

    [Parameter(ParameterSetName = "SwitchType", Mandatory = true)]
    public VMSwitchType SwitchType { get; set; }

    [Parameter]
    public string? Notes { get; set; }

    [Parameter]
    public VMSwitchBandwidthMode? MinimumBandwidthMode { get; set; }

    [Parameter]
    public bool? EnableIov { get; set; }

    [Parameter]
    public bool? EnablePacketDirect { get; set; }

    [Parameter]
    public bool? EnableEmbeddedTeaming { get; set; }

    [Parameter]
    [Alias("PSComputerName")]
    [ValidateNotNullOrEmpty]
    public string[]? ComputerName { get; set; }

    [Parameter]
    public PSCredential[]? Credential { get; set; }

    /// <summary>A CIM session (or a computer name): like -ComputerName, it may only name this host.</summary>
    [Parameter]
    public object[]? CimSession { get; set; }

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

            var named = NetAdapterName ?? NetAdapterInterfaceDescription;
            if (named is not null)
            {
                var byDescription = NetAdapterInterfaceDescription is not null;
                var bound = new List<State.SimulatedNetAdapter>();
                foreach (var adapterName in named)
                {
                    var physical = h.NetAdapters.Find(a => string.Equals(byDescription ? a.InterfaceDescription : a.Name, adapterName, StringComparison.OrdinalIgnoreCase));
                    if (physical is null)
                    {
                        return (null, Error($"Hyper-V was unable to find a network adapter {(byDescription ? "with interface description" : "named")} \"{adapterName}\".", "ObjectNotFound,NewVMSwitchCommand", ErrorCategory.ObjectNotFound, adapterName));
                    }

                    if (h.Switches.Exists(s => string.Equals(s.NetAdapterName, physical.Name, StringComparison.OrdinalIgnoreCase) ||
                        (s.StoredSettings.TryGetValue("TeamedNetAdapterNames", out var teamed) && teamed.Split(',').Contains(physical.Name, StringComparer.OrdinalIgnoreCase))))
                    {
                        return (null, Error($"Failed while adding virtual Ethernet switch connections. The network adapter \"{physical.Name}\" is already bound to an external virtual switch.", "InvalidOperation,NewVMSwitchCommand", ErrorCategory.InvalidOperation, adapterName));
                    }

                    if (physical.InterfaceDescription.StartsWith("Hyper-V Virtual Ethernet Adapter", StringComparison.Ordinal))
                    {
                        return (null, Error($"Failed while adding virtual Ethernet switch connections. The network adapter \"{physical.Name}\" is a virtual switch's host adapter and cannot be bound to an external virtual switch.", "InvalidOperation,NewVMSwitchCommand", ErrorCategory.InvalidOperation, adapterName));
                    }

                    bound.Add(physical);
                }

                if (bound.Count > 1 && EnableEmbeddedTeaming == false)
                {
                    return (null, Error("Failed while adding virtual Ethernet switch connections. Binding more than one network adapter needs Switch Embedded Teaming: leave -EnableEmbeddedTeaming $true.", "InvalidParameter,NewVMSwitchCommand", ErrorCategory.InvalidArgument, Name));
                }

                var external = h.AddSwitchUnlocked(Name, VMSwitchType.External, bound[0].Name, AllowManagementOS ?? true);
                State.ManagementAddresses.MoveToSwitch(h, external, bound[0]);
                if (bound.Count > 1)
                {
                    external.StoredSettings["TeamedNetAdapterNames"] = string.Join(",", bound.Select(a => a.Name));
                }

                StoreSettings(external);
                return (VMSwitch.From(external, h), (ErrorRecord?)null);
            }

            var created = h.AddSwitchUnlocked(Name, SwitchType, null, true);
            StoreSettings(created);
            return (VMSwitch.From(created, h), null);
        });
        if (error is not null)
        {
            WriteError(error);
            return;
        }

        Emit(created!, TypeNames.VMSwitch);
    }

    private void StoreSettings(State.SimulatedSwitch created) =>
        StoreBound(created.StoredSettings, "", "Notes", "MinimumBandwidthMode", "EnableIov", "EnablePacketDirect", "EnableEmbeddedTeaming");
}

/// <summary>
/// Remove-VMSwitch: removes the switch, its host adapter and that adapter's addresses (an external switch's management addresses
/// go back to the adapter it was bound to, as on Hyper-V); disconnects VMs.
/// </summary>
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

    /// <summary>The Ethernet resource pools to remove the switch from; the simulated host has none, so it is accepted and changes nothing.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string[]? ResourcePoolName { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter(ParameterSetName = "Name")]
    [ValidateNotNullOrEmpty]
    public string[]? ComputerName { get; set; }

    [Parameter(ParameterSetName = "Name")]
    public PSCredential[]? Credential { get; set; }

    /// <summary>A CIM session (or a computer name): like -ComputerName, it may only name this host.</summary>
    [Parameter(ParameterSetName = "Name")]
    public object[]? CimSession { get; set; }

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

                State.ManagementAddresses.MoveBack(h, vmSwitch);
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
