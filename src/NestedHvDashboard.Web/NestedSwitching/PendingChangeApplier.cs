using System.Threading.Channels;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Cluster;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.NestedSwitching;

/// <summary>
/// Applies "apply at next shutdown" changes: watches the feed and, when a VM with a pending change is seen Off,
/// runs <see cref="NestedVirtualizationOperations.ApplyPendingAsync"/> for it (which removes the change on success).
/// It loads the pending changes from their store when the app starts.
/// </summary>
/// <remarks>
/// In cluster mode (<paramref name="ownership"/> given) only the host's owner applies a change, and claims it in the shared
/// database first, so it is applied once; the list is looked at again when another instance changed it or a host was taken over.
/// </remarks>
public sealed partial class PendingChangeApplier(
    IInventoryFeed feed,
    IHostLookup hosts,
    NestedVirtualizationOperations operations,
    PendingNestedChanges pending,
    IAuditTrail audit,
    ILogger<PendingChangeApplier> logger,
    IHostOwnershipView? ownership = null) : BackgroundService
{
    /// <summary>Loads the pending changes before the applier's loop starts, so pages and the loop see them from the start.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await pending.LoadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var subscription = feed.Subscribe();
        var live = new LiveInventory(subscription.Snapshot);
        using var gate = new SemaphoreSlim(1, 1);
        var recheck = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        void Ask() => recheck.Writer.TryWrite(true);
        void Acquired(string host, long fence) => Ask();
        pending.Changed += Ask;
        if (ownership is not null)
        {
            ownership.Acquired += Acquired;
        }

        try
        {
            await Task.WhenAll(FollowFeedAsync(), RecheckAsync());
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The app is stopping.
        }
        finally
        {
            pending.Changed -= Ask;
            if (ownership is not null)
            {
                ownership.Acquired -= Acquired;
            }
        }

        async Task FollowFeedAsync()
        {
            await InAsync(() => ApplyAsync(live.Hosts, stoppingToken));
            await foreach (var batch in subscription.ReadBatchesAsync(stoppingToken))
            {
                await InAsync(() =>
                {
                    var touched = live.Apply(batch);
                    return ApplyAsync([.. touched.Select(live.Find).OfType<HostInventoryState>()], stoppingToken);
                });
            }
        }

        // Another instance's change (or a host taken over) may concern a VM that is Off already: no batch would come for it.
        async Task RecheckAsync()
        {
            await foreach (var _ in recheck.Reader.ReadAllAsync(stoppingToken))
            {
                await InAsync(() => ApplyAsync(live.Hosts, stoppingToken));
            }
        }

        async Task InAsync(Func<Task> work)
        {
            await gate.WaitAsync(stoppingToken);
            try
            {
                await work();
            }
            finally
            {
                gate.Release();
            }
        }
    }

    /// <summary>Applies every pending change whose VM these hosts show Off.</summary>
    private async Task ApplyAsync(IReadOnlyList<HostInventoryState> states, CancellationToken cancellationToken)
    {
        foreach (var state in states)
        {
            foreach (var vm in state.Vms)
            {
                if (vm.State is not VmState.Off || pending.Find(state.Name, vm.Id) is not { } change || hosts.Find(state.Name) is not { } host
                    || (ownership is not null && !ownership.Owns(state.Name, out _)))
                {
                    continue;
                }

                long id;
                try
                {
                    // The app applies what someone asked for earlier; that request has its own "Deferred" entry.
                    id = await audit.BeginAsync(
                        new AuditStart(
                            Actor.System, (change.Enable ? "Enable nested" : "Disable nested") + " (applied at next shutdown)", state.Name, vm.Name, vm.Id,
                            new { change.Enable, change.EnableMacAddressSpoofing, change.DisableDynamicMemory, requestedAt = change.RequestedAt },
                            ChangeAudit.StateOf(vm)),
                        cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogNotRecorded(logger, ex, state.Name, vm.Name);
                    continue;
                }

                try
                {
                    var result = await operations.ApplyPendingAsync(host, pending, vm, cancellationToken: cancellationToken);
                    await audit.CompleteAsync(
                        id,
                        result is null
                            ? new AuditCompletion(AuditResults.Refused, $"VM '{vm.Name}' on host '{state.Name}' had no pending change any more; nothing was changed.")
                            : ChangeAudit.CompletionOf(result),
                        CancellationToken.None);
                    if (result is not null)
                    {
                        LogApplied(logger, state.Name, vm.Name, result.Outcome, result.Message);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    await audit.CompleteAsync(id, new AuditCompletion(AuditResults.Failed, $"Applying the pending change on VM '{vm.Name}' on host '{state.Name}' failed: {ex.Message}"), CancellationToken.None);
                    LogFailed(logger, ex, state.Name, vm.Name);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The pending nested change on {Host}/{Vm} was not applied: the audit trail could not record it")]
    private static partial void LogNotRecorded(ILogger logger, Exception error, string host, string vm);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pending nested change on {Host}/{Vm}: {Outcome} — {Message}")]
    private static partial void LogApplied(ILogger logger, string host, string vm, OperationOutcome outcome, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Applying the pending nested change on {Host}/{Vm} failed")]
    private static partial void LogFailed(ILogger logger, Exception error, string host, string vm);
}
