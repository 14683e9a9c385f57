using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>Get-VM: the VMs on the host, by name (wildcards) or id.</summary>
[Cmdlet(VerbsCommon.Get, "VM", DefaultParameterSetName = "Name")]
[OutputType(typeof(VirtualMachine))]
public sealed class GetVMCommand : SimulatorCmdlet
{
    [Parameter(ParameterSetName = "Name", Position = 0, ValueFromPipeline = true)]
    [Alias("VMName")]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    [Parameter(ParameterSetName = "Id", Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("VMId")]
    public Guid? Id { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ComputerName { get; set; }

    [Parameter]
    public PSCredential[]? Credential { get; set; }

    /// <summary>A CIM session (or a computer name): like -ComputerName, it may only name this host.</summary>
    [Parameter]
    public object[]? CimSession { get; set; }

    /// <summary>A failover cluster's group or resource of a VM (from Get-ClusterGroup): the VM it names.</summary>
    [Parameter(ParameterSetName = "ClusterObject", Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public PSObject? ClusterObject { get; set; }

    protected override void ProcessRecord()
    {
        if (ClusterObject is not null)
        {
            Name = [ClusterVmName(ClusterObject)];
        }

        List<VirtualMachine> found;
        if (ParameterSetName == "Id")
        {
            found = Sim.Read(h => h.Vms.Where(v => v.Id == Id).Select(v => VirtualMachine.From(v, h, Now)).ToList());
            if (found.Count == 0)
            {
                WriteError(Error($"Hyper-V was unable to find a virtual machine with id \"{Id}\".", "InvalidParameter,GetVMCommand", ErrorCategory.ObjectNotFound, Id));
            }
        }
        else if (Name is null)
        {
            found = Sim.Read(h => h.Vms.Select(v => VirtualMachine.From(v, h, Now)).ToList());
        }
        else
        {
            var refs = ResolveVms(Name, null);
            found = Sim.Read(h => refs.Select(r => h.Vms.Find(v => v.Id == r.Id)).OfType<SimulatedVm>().Select(v => VirtualMachine.From(v, h, Now)).ToList());
        }

        BoundHost?.Cost?.ChargeVmObjects(found.Count);
        EmitAll(found, TypeNames.VirtualMachine);
    }

    /// <summary>The VM a cluster group or resource names ("Virtual Machine X" for a resource, X for a group).</summary>
    private static string ClusterVmName(PSObject cluster)
    {
        var name = cluster.Properties["Name"]?.Value?.ToString() ?? cluster.ToString();
        return name.StartsWith("Virtual Machine ", StringComparison.Ordinal) ? name["Virtual Machine ".Length..] : name;
    }
}

/// <summary>
/// Parameters every cmdlet that acts on given VMs has, whatever names them (-VMName, or -Name for the power cmdlets): -VM from
/// the pipeline, and -ComputerName and -Credential (accepted, the bound host answers).
/// </summary>
public abstract class VmPipelineCmdlet : SimulatorCmdlet
{
    [Parameter(ParameterSetName = "VMObject", Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public VirtualMachine[]? VM { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ComputerName { get; set; }

    [Parameter]
    public PSCredential[]? Credential { get; set; }

    /// <summary>A CIM session (or a computer name): like -ComputerName, it may only name this host.</summary>
    [Parameter]
    public object[]? CimSession { get; set; }
}

/// <summary>Shared parameters of the VM power cmdlets: -Name (alias -VMName) or -VM from the pipeline (<see cref="VmPipelineCmdlet"/>).</summary>
public abstract class VmTargetCmdlet : VmPipelineCmdlet
{
    [Parameter(ParameterSetName = "Name", Position = 0, Mandatory = true)]
    [Alias("VMName")]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    [Parameter]
    public SwitchParameter Passthru { get; set; }

    /// <summary>Runs the change, then returns a finished job holding what -Passthru writes.</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    internal List<VmRef> Targets() => ResolveVms(Name, VM);

    /// <summary>Applies a power change to each target, waits for its transition, and passes the VM through.</summary>
    internal void ChangePower(string action, Func<SimulatedVm, SimulatedHost, DateTimeOffset, VmOutcome<bool>> change)
    {
        foreach (var target in Targets())
        {
            if (!ShouldProcess(target.Name, action))
            {
                continue;
            }

            var outcome = ChangeVm(target, change);
            if (outcome.Error is not null)
            {
                continue;
            }

            if (outcome.WaitUntil is { } until)
            {
                WaitUntil(until);
            }

            if (Passthru)
            {
                var vm = Sim.Read(h => h.Vms.Find(v => v.Id == target.Id) is { } v ? VirtualMachine.From(v, h, Now) : null);
                if (vm is not null)
                {
                    Emit(vm, TypeNames.VirtualMachine);
                }
            }
        }
    }

    internal static VmOutcome<bool> AlreadyThere() => new(false, Warning: "The virtual machine is already in the specified state.");
}

/// <summary>Start-VM: Starting, then Running; blocks until Running.</summary>
[Cmdlet(VerbsLifecycle.Start, "VM", DefaultParameterSetName = "Name", SupportsShouldProcess = true)]
[OutputType(typeof(VirtualMachine))]
public sealed class StartVMCommand : VmTargetCmdlet
{
    protected override void ProcessRecord() => ChangePower("Start-VM", (vm, host, now) =>
    {
        var state = vm.StateAt(now);
        switch (state)
        {
            case VMState.Running:
                return AlreadyThere();
            case VMState.Off or VMState.Saved:
                if (state == VMState.Off && vm.Guest is { } guest)
                {
                    // A cold boot finishes what the guest installed without restarting.
                    vm.GuestIsHyperVHost = guest.CompletePendingFeatures();
                }

                if (host.HypervisorStopped)
                {
                    return VmOutcome<bool>.Fail(Error(NestedLevels.HypervisorNotRunning(vm.Name), "OperationFailed,StartVMCommand", ErrorCategory.InvalidOperation, vm.Name));
                }

                NestedLevels.Booting(vm, state);

                vm.BeginTransition(VMState.Starting, VMState.Running, now, host.Timing.StartDuration);
                return VmOutcome<bool>.Ok(true, vm.TransitionEndsAt);
            case VMState.Paused:
                vm.SettleIn(VMState.Running);
                return VmOutcome<bool>.Ok(true);
            default:
                return VmStateError<bool>(vm, "start", state);
        }
    });
}

/// <summary>Stop-VM: shut down (graceful), -TurnOff, or -Save; Stopping, then Off.</summary>
[Cmdlet(VerbsLifecycle.Stop, "VM", DefaultParameterSetName = "Name", SupportsShouldProcess = true)]
[OutputType(typeof(VirtualMachine))]
public sealed class StopVMCommand : VmTargetCmdlet
{
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter TurnOff { get; set; }

    [Parameter]
    public SwitchParameter Save { get; set; }

    protected override void ProcessRecord()
    {
        if (Save)
        {
            ChangePower("Stop-VM", (vm, host, now) => SaveVMCommand.SaveOne(this, vm, host, now));
            return;
        }

        ChangePower("Stop-VM", (vm, host, now) =>
        {
            var state = vm.StateAt(now);
            switch (state)
            {
                case VMState.Off:
                    return AlreadyThere();
                case VMState.Saved or VMState.Paused:
                    // Turning off a saved or paused VM discards its memory state.
                    vm.BeginTransition(VMState.Stopping, VMState.Off, now, host.Timing.StopDuration / 4);
                    return VmOutcome<bool>.Ok(true, vm.TransitionEndsAt);
                case VMState.Running:
                    if (!TurnOff && !vm.GuestShutdownIntegration)
                    {
                        return VmOutcome<bool>.Fail(Error(
                            $"'{vm.Name}' failed to shut down. The guest operating system does not run the shutdown integration service. (Virtual machine ID {vm.Id.ToString().ToUpperInvariant()}) Use -TurnOff to power it off.",
                            "ShutdownIntegrationUnavailable,StopVMCommand",
                            ErrorCategory.NotEnabled,
                            vm.Name));
                    }

                    vm.BeginTransition(VMState.Stopping, VMState.Off, now, TurnOff ? host.Timing.StopDuration / 4 : host.Timing.StopDuration);
                    NestedLevels.PoweredOff(vm, now);
                    return VmOutcome<bool>.Ok(true, vm.TransitionEndsAt);
                default:
                    return VmStateError<bool>(vm, "shut down", state);
            }
        });
    }
}

/// <summary>Save-VM: Saving, then Saved.</summary>
[Cmdlet(VerbsData.Save, "VM", DefaultParameterSetName = "Name", SupportsShouldProcess = true)]
[OutputType(typeof(VirtualMachine))]
public sealed class SaveVMCommand : VmTargetCmdlet
{
    protected override void ProcessRecord() => ChangePower("Save-VM", (vm, host, now) => SaveOne(this, vm, host, now));

    internal static VmOutcome<bool> SaveOne(VmTargetCmdlet cmdlet, SimulatedVm vm, SimulatedHost host, DateTimeOffset now)
    {
        var state = vm.StateAt(now);
        switch (state)
        {
            case VMState.Saved:
                return VmTargetCmdlet.AlreadyThere();
            case VMState.Running or VMState.Paused:
                vm.BeginTransition(VMState.Saving, VMState.Saved, now, host.Timing.SaveDuration);
                return VmOutcome<bool>.Ok(true, vm.TransitionEndsAt);
            default:
                return cmdlet.VmStateError<bool>(vm, "save", state);
        }
    }
}

/// <summary>Update-VMVersion: raises an Off VM's configuration version to the host's default.</summary>
[Cmdlet(VerbsData.Update, "VMVersion", DefaultParameterSetName = "Name", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(VirtualMachine))]
public sealed class UpdateVMVersionCommand : VmTargetCmdlet
{
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord() => ChangePower("Update-VMVersion", (vm, host, now) =>
    {
        var state = vm.StateAt(now);
        if (state != VMState.Off)
        {
            return VmStateError<bool>(vm, "update the configuration version", state);
        }

        var target = host.Profile.DefaultVersion;
        if (!host.Profile.SupportedVersions.Contains(vm.Version) && Version.Parse(vm.Version) > Version.Parse(target))
        {
            return VmOutcome<bool>.Fail(Error(
                $"'{vm.Name}' failed to update the configuration version. Configuration version {vm.Version} is not supported on this host; the highest supported version is {target}.",
                "UnsupportedVersion,UpdateVMVersionCommand",
                ErrorCategory.InvalidOperation,
                vm.Name));
        }

        if (Version.Parse(vm.Version) >= Version.Parse(target))
        {
            return new VmOutcome<bool>(false, Warning: $"The virtual machine '{vm.Name}' is already at configuration version {vm.Version}.");
        }

        vm.Version = target;
        return VmOutcome<bool>.Ok(true);
    });
}
