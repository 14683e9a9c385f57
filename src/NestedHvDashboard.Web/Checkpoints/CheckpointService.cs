using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.Checkpoints;

/// <summary>
/// A VM's checkpoints: the list (a read, for anyone who may view), and taking, applying and deleting them, each one audited change
/// that needs the Operator role (checked here), holds the VM's lock (no nested change or other checkpoint change runs beside it),
/// reports its steps live and ends with the host's own words when it fails. The VM the host reports afterwards goes into the
/// <see cref="InventoryStore"/>, so the readiness checklist and every page see it at once.
/// </summary>
public sealed class CheckpointService(IHostLookup hosts, IAuditTrail audit, NestedVirtualizationOperations locks, InventoryStore? inventory = null)
{
    /// <summary>The VM's checkpoints as the host reports them now.</summary>
    /// <exception cref="HostOperationException">The host could not be asked or refused.</exception>
    public Task<VmCheckpoints> ListAsync(string hostName, Guid vmId, CancellationToken cancellationToken = default) =>
        (hosts.Find(hostName) ?? throw NoHost(hostName, "Get-VMSnapshot", null)).GetCheckpointsAsync(vmId, cancellationToken);

    /// <summary>Takes a checkpoint named <paramref name="name"/>; its type follows the VM's CheckpointType setting.</summary>
    public Task<CheckpointResult> CreateAsync(Actor actor, string hostName, VmSnapshot vm, string name, IProgress<OperationStep>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vm);
        name = name?.Trim() ?? "";
        var plan = new CheckpointPlan(hostName, vm).Create(name);
        return RunAsync(actor, plan, "Create checkpoint", new { name }, $"Creating checkpoint '{name}' of VM '{vm.Name}' on host '{hostName}'",
            CheckpointNames.Problem(name), $"Checkpoint '{name}' of VM '{vm.Name}' on host '{hostName}' was created.", progress, cancellationToken);
    }

    /// <summary>
    /// Applies <paramref name="checkpoint"/>: optionally a checkpoint of the current state first, then Restore-VMSnapshot (Hyper-V stops a
    /// running VM, discarding its state; the VM ends Saved or Off as the checkpoint left it), then optionally Start-VM.
    /// </summary>
    public Task<CheckpointResult> ApplyAsync(
        Actor actor, string hostName, VmSnapshot vm, VmCheckpoint checkpoint, ApplyCheckpointOptions options, IProgress<OperationStep>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(options);
        var first = options.CheckpointFirst?.Trim();
        var plan = new CheckpointPlan(hostName, vm);
        if (first is not null)
        {
            plan.Create(first);
        }

        plan.Apply(checkpoint);
        if (options.StartAfterwards)
        {
            plan.Start();
        }

        return RunAsync(actor, plan, "Apply checkpoint", new { checkpoint = checkpoint.Name, checkpointId = checkpoint.Id, checkpointFirst = first, startAfterwards = options.StartAfterwards },
            $"Applying checkpoint '{checkpoint.Name}' to VM '{vm.Name}' on host '{hostName}'",
            first is null ? null : CheckpointNames.Problem(first) is { } problem ? $"The checkpoint to take first: {problem}" : null,
            $"Checkpoint '{checkpoint.Name}' was applied to VM '{vm.Name}' on host '{hostName}'{(first is null ? "" : $" (the state before it was kept as checkpoint '{first}')")}.",
            progress, cancellationToken);
    }

    /// <summary>Deletes <paramref name="checkpoint"/> (merged into its children), or with <paramref name="includeChildren"/> every checkpoint under it too.</summary>
    public Task<CheckpointResult> RemoveAsync(
        Actor actor, string hostName, VmSnapshot vm, VmCheckpoint checkpoint, bool includeChildren, IProgress<OperationStep>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var plan = new CheckpointPlan(hostName, vm).Remove(checkpoint, includeChildren);
        var under = includeChildren ? " and every checkpoint under it" : "";
        return RunAsync(actor, plan, includeChildren ? "Delete checkpoint subtree" : "Delete checkpoint",
            new { checkpoint = checkpoint.Name, checkpointId = checkpoint.Id, includeChildren },
            $"Deleting checkpoint '{checkpoint.Name}' of VM '{vm.Name}' on host '{hostName}'{under}", null,
            $"Deleted checkpoint '{checkpoint.Name}' of VM '{vm.Name}' on host '{hostName}'{under}.", progress, cancellationToken);
    }

    private async Task<CheckpointResult> RunAsync(
        Actor actor, CheckpointPlan plan, string action, object parameters, string what, string? invalid, string done, IProgress<OperationStep>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var (hostName, vm) = (plan.HostName, plan.Vm);
        var change = new AuditedChange<CheckpointResult>(
            new AuditStart(actor, action, hostName, vm.Name, vm.Id, parameters, ChangeAudit.StateOf(vm)),
            what,
            refusal => new(OperationOutcome.Refused, refusal, null, null, []),
            result => new AuditCompletion(ChangeAudit.ResultOf(result.Outcome), result.Message, result.Vm is null ? null : ChangeAudit.StateOf(result.Vm), result.HostMessage))
        {
            NeededRole = DashboardRoles.Operator,
            Denied = refusal => new(OperationOutcome.Denied, refusal, null, null, []),
            Invalid = invalid,
            Escaped = ex => ex is OperationCanceledException
                ? new AuditCompletion(AuditResults.Canceled, $"{what}: canceled before the host answered; read the checkpoints again.")
                : null,
        };
        var result = await audit.ChangeAsync(change, async id =>
        {
            if (hosts.Find(hostName) is not { } host)
            {
                return new CheckpointResult(OperationOutcome.Refused, $"The dashboard has no host named '{hostName}'; nothing was changed.", null, null, []);
            }

            using var held = locks.TryLock(hostName, vm.Id, vm.Name, out var busy);
            if (held is null)
            {
                return new CheckpointResult(OperationOutcome.Busy, busy!, null, null, []);
            }

            return await plan.RunAsync(host, new AuditProgress(audit, id, progress), what, done, cancellationToken);
        }, CancellationToken.None);
        if (result.Vm is { } after)
        {
            inventory?.ApplyVm(hostName, after);
        }

        return result;
    }

    private static HostOperationException NoHost(string hostName, string operation, string? vmName) =>
        new(HostErrorKind.Unreachable, hostName, operation, $"The dashboard has no host named '{hostName}'.", vmName);
}
