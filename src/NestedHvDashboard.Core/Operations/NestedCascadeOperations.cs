using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Operations;

/// <summary>How a cascade ended: the L1's result (every step of the tree, in order) and the L2 VMs as last seen.</summary>
/// <param name="Result">The outcome, the message saying each level's state, and every step.</param>
/// <param name="NestedVms">The guest's VMs as the cascade last saw them (empty when the guest was never read).</param>
public sealed record NestedCascadeResult(OperationResult Result, IReadOnlyList<GuestVm> NestedVms);

/// <summary>
/// A nested virtualization change on a running L1 together with the L2 VMs running inside it (<see cref="NestedCascadePlan"/>),
/// under the L1's per-VM lock from the first step to the last: read the guest fresh → shut the running L2 VMs down in order →
/// the L1's own plan (shut down, change, start; started again on failure) → start the L2 VMs again when the L1 still runs
/// Hyper-V. A failure leaves every level as safe as possible: L2 VMs already shut down are started again while the L1 was
/// not touched or runs again with nested virtualization on; otherwise they are left off, and the message says each level's state.
/// </summary>
public sealed partial class NestedCascadeOperations(NestedVirtualizationOperations operations)
{
    /// <summary>How long an L2 start waits for the L1's guest to answer PowerShell Direct after the L1 started.</summary>
    public TimeSpan GuestAnswerTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the guest is tried again while it boots.</summary>
    public TimeSpan GuestAnswerInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Runs the cascade for <paramref name="request"/> on <paramref name="host"/>, reporting every step as its status changes.</summary>
    /// <param name="host">The L1's Hyper-V host.</param>
    /// <param name="guest">The same host's way into the L1's guest (PowerShell Direct).</param>
    /// <param name="credential">An account inside the L1's guest.</param>
    /// <param name="request">The L1's change; its power action is taken as Shut down.</param>
    /// <param name="progress">Every step, as its status changes.</param>
    /// <param name="cancellationToken">The user's "Stop waiting": the cascade stops before its next step and restores what it can.</param>
    public async Task<NestedCascadeResult> RunAsync(
        IHyperVHost host, IGuestVms guest, GuestCredential credential, NestedVirtualizationRequest request, IProgress<OperationStep>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(guest);
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(request);
        return await RunCascadeAsync(
            host, guest, credential, request, (vm, facts, running) => NestedCascadePlan.For(host.Name, request, vm, facts, running),
            (h, inner, token) => NestedVirtualizationOperations.RunHeldAsync(h, request with { PowerAction = PowerAction.ShutDown }, inner, token),
            progress, cancellationToken);
    }

    // The shape every cascade has: the lock, a fresh read of the L1 and its guest, the plan, then the run.
    private async Task<NestedCascadeResult> RunCascadeAsync(
        IHyperVHost host, IGuestVms guest, GuestCredential credential, NestedVirtualizationRequest request,
        Func<VmSnapshot, HostFacts?, IReadOnlyList<GuestVm>, NestedCascadePlan> planFor, Func<IHyperVHost, IProgress<OperationStep>, CancellationToken, Task<OperationResult>> l1Part,
        IProgress<OperationStep>? progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!string.Equals(host.Name, request.HostName, StringComparison.OrdinalIgnoreCase))
        {
            return Ended(OperationOutcome.Refused, request, null, $"The request names host '{request.HostName}' but was sent to host '{host.Name}'; nothing was changed.");
        }

        using var held = operations.TryLock(request.HostName, request.VmId, null, out var busy);
        if (held is null)
        {
            return Ended(OperationOutcome.Busy, request, null, busy!);
        }

        VmSnapshot vm;
        HostFacts? facts = null;
        GuestVmsReading reading;
        try
        {
            vm = await host.GetVmAsync(request.VmId, cancellationToken);
            if (request.Enable && !vm.ExposeVirtualizationExtensions)
            {
                facts = await host.GetHostFactsAsync(cancellationToken);
            }

            reading = vm.State is VmState.Running ? await guest.GetGuestVmsAsync(vm.Id, credential, cancellationToken) : new GuestVmsReading(false, []);
        }
        catch (HostOperationException ex)
        {
            return Ended(OperationOutcome.Failed, request, null, $"{ex.Message} Nothing was changed on the L1 or its L2 VMs.", ex.HostMessage);
        }

        var plan = planFor(vm, facts, reading.Running);
        if (plan.Verdict is not PlanVerdict.Run)
        {
            var outcome = plan.Verdict is PlanVerdict.NoChange ? OperationOutcome.NoChange : OperationOutcome.Refused;
            return new NestedCascadeResult(new OperationResult(outcome, host.Name, vm.Id, vm.Name, plan.Message, [], null, null, vm), reading.Vms);
        }

        var run = new CascadeRun(this, host, guest, credential, request, vm, plan, reading, l1Part, progress);
        return await run.RunAsync(cancellationToken);
    }

    private static NestedCascadeResult Ended(OperationOutcome outcome, NestedVirtualizationRequest request, string? vmName, string message, string? hostMessage = null) =>
        new(new OperationResult(outcome, request.HostName, request.VmId, vmName, message, [], null, hostMessage, null), []);
}
