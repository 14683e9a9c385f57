using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>
/// Get-VMNetworkAdapter: a VM's adapters (-VMName, -VM, -VMSnapshot: the checkpoint's VM), the host's (-ManagementOS,
/// optionally of one -SwitchName) or both (-All). The simulator's adapters are all synthetic, so -IsLegacy $true finds none.
/// </summary>
[Cmdlet(VerbsCommon.Get, "VMNetworkAdapter", DefaultParameterSetName = "VMName")]
[OutputType(typeof(VMNetworkAdapter))]
public sealed class GetVMNetworkAdapterCommand : VmComponentCmdlet
{
    [Parameter(ParameterSetName = "VMName")]
    [Parameter(ParameterSetName = "VMObject")]
    public bool? IsLegacy { get; set; }

    [Parameter(ParameterSetName = "All", Mandatory = true)]
    public SwitchParameter All { get; set; }

    [Parameter(ParameterSetName = "ManagementOS", Mandatory = true)]
    public SwitchParameter ManagementOS { get; set; }

    [Parameter(ParameterSetName = "ManagementOS")]
    [ValidateNotNullOrEmpty]
    public string? SwitchName { get; set; }

    [Parameter(ParameterSetName = "VMSnapshot", Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [Alias("VMCheckpoint")]
    [ValidateNotNull]
    public VMSnapshot? VMSnapshot { get; set; }

    [Parameter(Position = 1)]
    [Alias("VMNetworkAdapterName")]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        var adapters = new List<VMNetworkAdapter>();
        if (ManagementOS || All)
        {
            adapters.AddRange(Sim.Read(h => h.Switches
                .Where(s => s.AllowManagementOS && (SwitchName is null || NameMatches(SwitchName, s.Name)))
                .Select(s => ManagementAdapter(s, h))
                .ToList()));
        }

        if (!ManagementOS)
        {
            var targets = All ? Sim.Read(h => h.Vms.Select(v => new VmRef(v.Id, v.Name)).ToList())
                : VMSnapshot is { } snapshot ? [new VmRef(snapshot.VMId, snapshot.VMName)]
                : Targets();
            adapters.AddRange(IsLegacy == true ? [] : ReadEach(targets, (vm, h) => vm.NetworkAdapters.Select(a => VMNetworkAdapter.From(a, vm, h))));
        }

        EmitAll(adapters.Where(a => Name is null || NameMatches(Name, a.Name)), TypeNames.VMNetworkAdapter);
    }

    /// <summary>The host's "vEthernet (switch)" adapter as Hyper-V shows it (VMInternalNetworkAdapter).</summary>
    internal static VMNetworkAdapter ManagementAdapter(SimulatedSwitch s, SimulatedHost h) => new()
    {
        Name = s.Name,
        Id = $@"Microsoft:{s.Id.ToString().ToUpperInvariant()}",
        VMName = "",
        SwitchName = s.Name,
        MacAddress = h.NetAdapters.Find(a => string.Equals(a.Name, $"vEthernet ({s.Name})", StringComparison.OrdinalIgnoreCase))?.MacAddress ?? "000000000000",
        MacAddressSpoofing = s.StoredSettings.TryGetValue("ManagementOS.MacAddressSpoofing", out var spoofing) && spoofing == nameof(OnOffState.On) ? OnOffState.On : OnOffState.Off,
        IsManagementOs = true,
        ComputerName = h.Name,
    };
}

/// <summary>
/// Connect-VMNetworkAdapter: connects a VM's adapters (by -VMName and -Name, or from the pipeline) to a switch named
/// or passed as an object; Hyper-V allows it while the VM runs. -UseAutomaticConnection needs an Ethernet resource pool,
/// which the simulated host has none of, so it is refused the way a host without one refuses it.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "VMNetworkAdapter", DefaultParameterSetName = "Name_SwitchName", SupportsShouldProcess = true)]
[OutputType(typeof(VMNetworkAdapter))]
public sealed class ConnectVMNetworkAdapterCommand : VmNetworkAdapterChangeCmdlet
{
    [Parameter(ParameterSetName = "Name_SwitchName", Position = 1)]
    [Parameter(ParameterSetName = "Name_SwitchObject", Position = 1)]
    [Parameter(ParameterSetName = "Name_UseAutomaticConnection", Position = 1)]
    [Alias("VMNetworkAdapterName")]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    [Parameter(ParameterSetName = "Name_SwitchName", Position = 0, Mandatory = true)]
    [Parameter(ParameterSetName = "Name_SwitchObject", Position = 0, Mandatory = true)]
    [Parameter(ParameterSetName = "Name_UseAutomaticConnection", Position = 0, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string[]? VMName { get; set; }

    [Parameter(ParameterSetName = "Object_SwitchName", Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [Parameter(ParameterSetName = "Object_SwitchObject", Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [Parameter(ParameterSetName = "Object_UseAutomaticConnection", Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public VMNetworkAdapter[]? VMNetworkAdapter { get; set; }

    [Parameter(ParameterSetName = "Name_SwitchName", Position = 2, Mandatory = true)]
    [Parameter(ParameterSetName = "Object_SwitchName", Position = 1, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? SwitchName { get; set; }

    [Parameter(ParameterSetName = "Name_SwitchObject", Position = 2, Mandatory = true, ValueFromPipeline = true)]
    [Parameter(ParameterSetName = "Object_SwitchObject", Position = 1, Mandatory = true)]
    [ValidateNotNull]
    public VMSwitch? VMSwitch { get; set; }

    [Parameter(ParameterSetName = "Name_UseAutomaticConnection", Mandatory = true)]
    [Parameter(ParameterSetName = "Object_UseAutomaticConnection", Mandatory = true)]
    public SwitchParameter UseAutomaticConnection { get; set; }

    [Parameter(ParameterSetName = "Name_SwitchName")]
    [Parameter(ParameterSetName = "Name_UseAutomaticConnection")]
    [ValidateNotNullOrEmpty]
    public string[]? ComputerName { get; set; }

    [Parameter(ParameterSetName = "Name_SwitchName")]
    [Parameter(ParameterSetName = "Name_UseAutomaticConnection")]
    public PSCredential[]? Credential { get; set; }

    [Parameter(ParameterSetName = "Name_SwitchName")]
    [Parameter(ParameterSetName = "Name_UseAutomaticConnection")]
    public object[]? CimSession { get; set; }

    protected override void ProcessRecord()
    {
        if (UseAutomaticConnection)
        {
            WriteError(Error(
                "Failed to connect the network adapter: automatic connection needs an Ethernet resource pool with a virtual switch, and this host has none.",
                "InvalidOperation,ConnectVMNetworkAdapterCommand",
                ErrorCategory.InvalidOperation,
                null));
            return;
        }

        var switchName = SwitchName ?? VMSwitch!.Name;
        Change(Selections(VMName, Name, VMNetworkAdapter), "Connect-VMNetworkAdapter", (adapter, vm, host) =>
        {
            var vmSwitch = VMSwitch is { } given ? host.Switches.Find(s => s.Id == given.Id) : host.Switches.Find(s => string.Equals(s.Name, switchName, StringComparison.OrdinalIgnoreCase));
            if (vmSwitch is null)
            {
                return Error($"Hyper-V was unable to find a virtual switch with name \"{switchName}\".", "ObjectNotFound,ConnectVMNetworkAdapterCommand", ErrorCategory.ObjectNotFound, switchName);
            }

            adapter.SwitchName = vmSwitch.Name;
            return null;
        });
    }
}

/// <summary>Disconnect-VMNetworkAdapter: leaves a VM's adapters connected to nothing (allowed while the VM runs).</summary>
[Cmdlet(VerbsCommunications.Disconnect, "VMNetworkAdapter", DefaultParameterSetName = "Name", SupportsShouldProcess = true)]
[OutputType(typeof(VMNetworkAdapter))]
public sealed class DisconnectVMNetworkAdapterCommand : VmNetworkAdapterChangeCmdlet
{
    [Parameter(ParameterSetName = "Name", Position = 0, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string[]? VMName { get; set; }

    [Parameter(ParameterSetName = "Name", Position = 1)]
    [Alias("VMNetworkAdapterName")]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    [Parameter(ParameterSetName = "Obj", Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public VMNetworkAdapter[]? VMNetworkAdapter { get; set; }

    [Parameter(ParameterSetName = "Name")]
    [ValidateNotNullOrEmpty]
    public string[]? ComputerName { get; set; }

    [Parameter(ParameterSetName = "Name")]
    public PSCredential[]? Credential { get; set; }

    [Parameter(ParameterSetName = "Name")]
    public object[]? CimSession { get; set; }

    protected override void ProcessRecord() =>
        Change(Selections(VMName, Name, VMNetworkAdapter), "Disconnect-VMNetworkAdapter", (adapter, _, _) =>
        {
            adapter.SwitchName = null;
            return null;
        });
}

/// <summary>Shared by the cmdlets that change chosen adapters of VMs: picks them and applies one change per VM under the host's lock.</summary>
public abstract class VmNetworkAdapterChangeCmdlet : SimulatorCmdlet
{
    [Parameter]
    public SwitchParameter Passthru { get; set; }

    /// <summary>(VM, adapter id or null for every adapter matching <paramref name="names"/>) per target.</summary>
    internal List<(VmRef Vm, string? AdapterId)> Selections(string[]? vmNames, string[]? names, VMNetworkAdapter[]? adapters)
    {
        AdapterNames = names;
        return adapters is not null
            ? adapters.Select(a => (new VmRef(a.VMId, a.VMName), (string?)a.Id)).ToList()
            : ResolveVms(vmNames, null).Select(v => (v, (string?)null)).ToList();
    }

    /// <summary>The adapter names (wildcards allowed) a selection of whole VMs is narrowed to, or null for every adapter.</summary>
    internal string[]? AdapterNames { get; set; }

    /// <summary>Applies <paramref name="change"/> to each chosen adapter; a change returns an error to refuse (nothing is changed then).</summary>
    internal void Change(List<(VmRef Vm, string? AdapterId)> selections, string action, Func<SimulatedVmNetworkAdapter, SimulatedVm, SimulatedHost, ErrorRecord?> change)
    {
        foreach (var (vmRef, adapterId) in selections)
        {
            if (!ShouldProcess(vmRef.Name, action))
            {
                continue;
            }

            var outcome = ChangeVm(vmRef, (vm, host, _) =>
            {
                var chosen = vm.NetworkAdapters
                    .Where(a => adapterId is null ? AdapterNames is null || AdapterNames.Any(n => NameMatches(n, a.Name)) : VMNetworkAdapter.From(a, vm, host).Id == adapterId)
                    .ToList();
                if (chosen.Count == 0)
                {
                    return VmOutcome<List<VMNetworkAdapter>>.Fail(Error(
                        $"Hyper-V was unable to find a network adapter{(AdapterNames is null ? "" : $" named \"{string.Join(", ", AdapterNames)}\"")} on virtual machine \"{vm.Name}\".",
                        "ObjectNotFound," + GetType().Name,
                        ErrorCategory.ObjectNotFound,
                        vm.Name));
                }

                // Validate every adapter on a copy first, so a refusal leaves the VM as it was.
                foreach (var adapter in chosen)
                {
                    if (change(adapter.Clone(), vm, host) is { } refused)
                    {
                        return VmOutcome<List<VMNetworkAdapter>>.Fail(refused);
                    }
                }

                chosen.ForEach(a => change(a, vm, host));
                return VmOutcome<List<VMNetworkAdapter>>.Ok(chosen.Select(a => VMNetworkAdapter.From(a, vm, host)).ToList());
            });
            if (Passthru && outcome.Value is { } changed)
            {
                EmitAll(changed, TypeNames.VMNetworkAdapter);
            }
        }
    }
}
