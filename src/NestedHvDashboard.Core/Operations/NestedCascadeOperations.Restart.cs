using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Operations;

/// <summary>The restart cascade: a running L1 restarted with the L2 VMs running inside it shut down first and started again after.</summary>
public sealed partial class NestedCascadeOperations
{
    /// <summary>
    /// Restarts running L1 <paramref name="vmId"/> gracefully (shut down, start) as a cascade: its running L2 VMs are shut down
    /// inside the guest first and started again, in the same order, once the L1 runs again (<see cref="NestedCascadePlan.ForRestart"/>).
    /// </summary>
    public Task<NestedCascadeResult> RestartAsync(
        IHyperVHost host, IGuestVms guest, GuestCredential credential, string hostName, Guid vmId, IProgress<OperationStep>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(guest);
        ArgumentNullException.ThrowIfNull(credential);

        // The request only names the L1 (nothing about nested virtualization changes); Enable false asks for no host facts.
        var request = new NestedVirtualizationRequest(hostName, vmId, false, PowerAction.ShutDown);
        return RunCascadeAsync(
            host, guest, credential, request, (vm, _, running) => NestedCascadePlan.ForRestart(hostName, vm, running),
            (h, inner, token) => RestartL1Async(h, hostName, vmId, inner, token), progress, cancellationToken);
    }

    /// <summary>Shut down, then start; a start is tried even after "Stop waiting", so an L1 this stopped runs again.</summary>
    private static async Task<OperationResult> RestartL1Async(IHyperVHost host, string hostName, Guid vmId, IProgress<OperationStep> progress, CancellationToken cancellationToken)
    {
        var vm = await host.GetVmAsync(vmId, cancellationToken);
        var target = $"VM '{vm.Name}' on host '{hostName}'";
        OperationStep Step(int index, OperationStepKind kind, string title, OperationStepStatus status, string? said = null)
        {
            var step = new OperationStep(hostName, vmId, vm.Name, index, kind, title, status, said);
            progress.Report(step);
            return step;
        }

        var down = Step(0, OperationStepKind.ShutDown, "Shut down", OperationStepStatus.Pending);
        var up = Step(1, OperationStepKind.Start, "Start", OperationStepStatus.Pending);
        Step(0, down.Kind, down.Title, OperationStepStatus.Running);
        try
        {
            vm = await host.StopVmAsync(vmId, StopMode.ShutDown, cancellationToken);
            down = Step(0, down.Kind, down.Title, OperationStepStatus.Done);
        }
        catch (Exception ex) when (ex is HostOperationException or OperationCanceledException)
        {
            var said = ex is HostOperationException hostError ? hostError.HostMessage : "Canceled while the host was shutting the VM down.";
            var failed = Step(0, down.Kind, down.Title, OperationStepStatus.Failed, said);
            Step(1, up.Kind, up.Title, OperationStepStatus.Skipped);
            vm = await ReadOrKeepAsync(host, vm);
            return new OperationResult(OperationOutcome.Failed, hostName, vmId, vm.Name, $"'Shut down' failed on {target}: {said} The VM is {vm.State}.", [failed, up], failed, said, vm);
        }

        Step(1, up.Kind, up.Title, OperationStepStatus.Running);
        try
        {
            vm = await host.StartVmAsync(vmId, CancellationToken.None);
            up = Step(1, up.Kind, up.Title, OperationStepStatus.Done);
            return new OperationResult(OperationOutcome.Succeeded, hostName, vmId, vm.Name, $"{target} was restarted (shut down, then started); the VM is {vm.State}.", [down, up], null, null, vm);
        }
        catch (HostOperationException ex)
        {
            var failed = Step(1, up.Kind, up.Title, OperationStepStatus.Failed, ex.HostMessage);
            vm = await ReadOrKeepAsync(host, vm);
            return new OperationResult(OperationOutcome.Failed, hostName, vmId, vm.Name, $"'Start' failed on {target}: {ex.HostMessage} The VM is {vm.State}.", [down, failed], failed, ex.HostMessage, vm);
        }
    }

    private static async Task<VmSnapshot> ReadOrKeepAsync(IHyperVHost host, VmSnapshot last)
    {
        try
        {
            return await host.GetVmAsync(last.Id, CancellationToken.None);
        }
        catch (HostOperationException)
        {
            return last;
        }
    }
}
