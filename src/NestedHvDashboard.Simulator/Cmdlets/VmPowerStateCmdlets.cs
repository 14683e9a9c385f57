using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>Suspend-VM: a running VM is paused in memory (its uptime keeps counting, as Hyper-V reports it).</summary>
[Cmdlet(VerbsLifecycle.Suspend, "VM", DefaultParameterSetName = "Name", SupportsShouldProcess = true)]
[OutputType(typeof(VirtualMachine))]
public sealed class SuspendVMCommand : VmTargetCmdlet
{
    protected override void ProcessRecord() => ChangePower("Suspend-VM", (vm, _, now) =>
    {
        var state = vm.StateAt(now);
        switch (state)
        {
            case VMState.Paused:
                return AlreadyThere();
            case VMState.Running:
                vm.SettleIn(VMState.Paused);
                return VmOutcome<bool>.Ok(true);
            default:
                return VmStateError<bool>(vm, "pause", state);
        }
    });
}

/// <summary>Resume-VM: a paused VM runs again; any other state is refused.</summary>
[Cmdlet(VerbsLifecycle.Resume, "VM", DefaultParameterSetName = "Name", SupportsShouldProcess = true)]
[OutputType(typeof(VirtualMachine))]
public sealed class ResumeVMCommand : VmTargetCmdlet
{
    protected override void ProcessRecord() => ChangePower("Resume-VM", (vm, _, now) =>
    {
        var state = vm.StateAt(now);
        switch (state)
        {
            case VMState.Running:
                return AlreadyThere();
            case VMState.Paused:
                vm.SettleIn(VMState.Running);
                return VmOutcome<bool>.Ok(true);
            default:
                return VmStateError<bool>(vm, "resume", state);
        }
    });
}

/// <summary>
/// Restart-VM: a hard reset of a running VM (Hyper-V's restart is not a guest shutdown). Without -Force it asks for
/// confirmation, as Hyper-V does; a host that cannot prompt (a remote session) fails it. The prompt is its own (ShouldContinue,
/// which -Force skips), so ShouldProcess keeps the default impact and -WhatIf still works.
/// </summary>
[Cmdlet(VerbsLifecycle.Restart, "VM", DefaultParameterSetName = "Name", SupportsShouldProcess = true)]
[OutputType(typeof(VirtualMachine))]
public sealed class RestartVMCommand : VmTargetCmdlet
{
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        if (!Force)
        {
            foreach (var target in Targets())
            {
                if (!ShouldContinue($"Are you sure you want to restart virtual machine \"{target.Name}\"?", "Confirm"))
                {
                    return;
                }
            }
        }

        ChangePower("Restart-VM", (vm, host, now) =>
        {
            var state = vm.StateAt(now);
            if (state != VMState.Running)
            {
                return VmStateError<bool>(vm, "restart", state);
            }

            // A reset skips the guest's shutdown: the stop is as quick as turning off.
            vm.BeginRestart(now, host.Timing.StopDuration / 4, host.Timing.StartDuration);
            NestedLevels.PoweredOff(vm, now);
            return VmOutcome<bool>.Ok(true, vm.TransitionEndsAt);
        });
    }
}

/// <summary>Remove-VMSavedState: a saved VM's memory state is discarded and the VM is Off; any other state is refused.</summary>
[Cmdlet(VerbsCommon.Remove, "VMSavedState", DefaultParameterSetName = "VMName", SupportsShouldProcess = true)]
public sealed class RemoveVMSavedStateCommand : VmPipelineCmdlet
{
    [Parameter(ParameterSetName = "VMName", Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string[]? VMName { get; set; }

    /// <summary>A checkpoint: the saved memory it holds is discarded (a standard checkpoint of a running VM keeps one).</summary>
    [Parameter(ParameterSetName = "VMSnapshot", Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [Alias("VMCheckpoint")]
    [ValidateNotNull]
    public VMSnapshot? VMSnapshot { get; set; }

    protected override void ProcessRecord()
    {
        if (VMSnapshot is { } snapshot)
        {
            if (ShouldProcess($"{snapshot.VMName} ({snapshot.Name})", "Remove-VMSavedState"))
            {
                ChangeVm(new VmRef(snapshot.VMId, snapshot.VMName), (vm, _, _) =>
                {
                    if (vm.Checkpoints.Find(c => c.Id == snapshot.Id) is { } checkpoint)
                    {
                        checkpoint.HoldsMemory = false;
                    }

                    return VmOutcome<bool>.Ok(true);
                });
            }

            return;
        }

        foreach (var target in ResolveVms(VMName, VM))
        {
            if (!ShouldProcess(target.Name, "Remove-VMSavedState"))
            {
                continue;
            }

            ChangeVm(target, (vm, _, now) =>
            {
                var state = vm.StateAt(now);
                if (state != VMState.Saved)
                {
                    return VmStateError<bool>(vm, "delete the saved state", state);
                }

                vm.SettleIn(VMState.Off);
                vm.RunningSince = null;
                return VmOutcome<bool>.Ok(true);
            });
        }
    }
}
