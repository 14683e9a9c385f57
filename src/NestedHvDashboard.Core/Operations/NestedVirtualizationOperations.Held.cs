using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.Core.Operations;

/// <summary>The L1 part of a cascade, run while the cascade holds the VM's lock.</summary>
public sealed partial class NestedVirtualizationOperations
{
    /// <summary>
    /// Runs <paramref name="request"/> like <see cref="RunAsync"/> for a caller that already holds the VM's lock
    /// (<see cref="TryLock"/>): the cascade, which keeps the lock from its first L2 step to its last.
    /// </summary>
    internal static Task<OperationResult> RunHeldAsync(IHyperVHost host, NestedVirtualizationRequest request, IProgress<OperationStep>? progress, CancellationToken cancellationToken) =>
        RunLockedAsync(host, request, new VmLock(), progress, cancellationToken);
}
