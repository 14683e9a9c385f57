using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>
/// Remove-VM: deletes the VM's configuration (its virtual disks stay, as on Hyper-V). A VM that is not Off
/// is turned off first, as Hyper-V does after its confirmation.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "VM", DefaultParameterSetName = "Name", SupportsShouldProcess = true)]
[OutputType(typeof(VirtualMachine))]
public sealed class RemoveVMCommand : VmTargetCmdlet
{
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var target in Targets())
        {
            if (!ShouldProcess(target.Name, "Remove-VM") || !(Force || ShouldContinue($"Remove the virtual machine '{target.Name}'?", "Remove-VM")))
            {
                continue;
            }

            var removed = Sim.Update(h =>
            {
                var vm = h.Vms.Find(v => v.Id == target.Id);
                if (vm is null)
                {
                    return null;
                }

                var shown = VirtualMachine.From(vm, h, Now);
                h.Vms.Remove(vm);
                return shown;
            });
            if (removed is null)
            {
                WriteError(VmNotFound(target.Name));
            }
            else if (Passthru)
            {
                Emit(removed, TypeNames.VirtualMachine);
            }
        }
    }
}
