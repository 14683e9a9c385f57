using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.VirtualMachines;

namespace NestedHvDashboard.Web.Power;

/// <summary>
/// The grid's bulk power actions: one run entry in the audit trail, then each VM the action applies to through
/// <see cref="VmPowerService"/> (its own audited change, lock and refusals), hosts in parallel and at most
/// <see cref="MaxPerHost"/> VMs at once on each, as the bulk nested switch spreads its work.
/// </summary>
public sealed class BulkVmPower(VmPowerService power, IAuditTrail audit, int maxPerHost = BulkNestedVirtualization.DefaultMaxPerHost)
{
    /// <summary>VMs changed at once on one host.</summary>
    public int MaxPerHost { get; } = Math.Max(1, maxPerHost);

    /// <summary>
    /// Starts <paramref name="action"/> on the VMs of <paramref name="vms"/> it applies to (by the state the grid shows; each VM
    /// is read fresh again before it changes) and returns once the run is recorded. A VM it does not apply to is listed
    /// Refused with the reason and not touched. An actor without the Operator role gets a run that has ended, every VM Denied.
    /// </summary>
    public async Task<BulkRun> StartAsync(Actor actor, IReadOnlyList<VmRow> vms, VmPowerAction action)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(vms);
        vms = [.. vms.DistinctBy(v => v.Key)];
        var title = VmPowerActions.Title(action);
        var run = new BulkRun(false, BulkRunningChoice.Skip, vms.Count) { Title = $"{VmPowerActions.Doing(action)} {(vms.Count == 1 ? "1 VM" : $"{vms.Count} VMs")}" };
        var correlation = Guid.NewGuid();
        var hostCount = vms.Select(v => v.Host).Distinct(StringComparer.OrdinalIgnoreCase).Count();
        var start = new AuditStart(
            actor, $"Bulk {title.ToLowerInvariant()}", null, null, null,
            new { action = action.ToString(), vms = vms.Select(v => new { host = v.Host, vm = v.Vm.Name, id = v.Vm.Id }).ToList() },
            $"{vms.Count} VMs on {hostCount} hosts", correlation);
        if (!actor.CanOperate)
        {
            var refusal = actor.Refusal($"{title} on {vms.Count} VMs", DashboardRoles.Operator);
            await audit.RecordAsync(start, new AuditCompletion(AuditResults.Denied, refusal));
            foreach (var vm in vms)
            {
                run.Add(Line(OperationOutcome.Denied, vm, refusal));
            }

            run.End();
            return run;
        }

        long runId;
        try
        {
            runId = await audit.BeginAsync(start);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var refusal = ChangeAudit.NotRecorded($"{title} on {vms.Count} VMs", ex);
            foreach (var vm in vms)
            {
                run.Add(Line(OperationOutcome.Refused, vm, refusal));
            }

            run.End();
            return run;
        }

        foreach (var vm in vms.Where(v => VmPowerActions.WhyNot(action, v.Vm.State) is not null))
        {
            run.Add(Line(OperationOutcome.Refused, vm, $"Not run on VM '{vm.Vm.Name}' on host '{vm.Host}': {VmPowerActions.WhyNot(action, vm.Vm.State)}"));
        }

        var applies = vms.Where(v => VmPowerActions.AppliesTo(action, v.Vm.State)).ToList();
        run.Completion = Task.Run(async () =>
        {
            try
            {
                // Hosts in parallel; on each host at most MaxPerHost VMs at once, so one host's slow shutdowns never hold up another's.
                await Task.WhenAll(applies.GroupBy(v => v.Host, StringComparer.OrdinalIgnoreCase).Select(host => Parallel.ForEachAsync(
                    host, new ParallelOptions { MaxDegreeOfParallelism = MaxPerHost }, async (vm, _) =>
                    {
                        if (run.CancellationToken.IsCancellationRequested)
                        {
                            run.Add(Line(OperationOutcome.Canceled, vm, $"Not started on VM '{vm.Vm.Name}' on host '{vm.Host}': the run was stopped."));
                            return;
                        }

                        // Stopping the run stops new VMs only: one that has begun finishes, as the host finishes it anyway.
                        var result = await power.RunAsync(actor, vm.Host, vm.Vm, action, correlationId: correlation, cancellationToken: CancellationToken.None);
                        run.Add(result with { Steps = [], FailedStep = null, FinalVm = null });
                    })));
                var results = run.Results;
                int Count(params OperationOutcome[] outcomes) => results.Count(r => outcomes.Contains(r.Outcome));
                var failed = Count(OperationOutcome.Failed, OperationOutcome.StillRunning);
                var refused = Count(OperationOutcome.Refused, OperationOutcome.Busy, OperationOutcome.Denied, OperationOutcome.Canceled);
                await audit.CompleteAsync(runId, new AuditCompletion(
                    failed > 0 ? AuditResults.Failed : refused > 0 ? AuditResults.Refused : AuditResults.Succeeded,
                    $"Bulk {title.ToLowerInvariant()} ended: {Count(OperationOutcome.Succeeded)} succeeded, {refused} refused or not run, {failed} failed."));
            }
            catch (Exception ex)
            {
                await audit.CompleteAsync(runId, new AuditCompletion(AuditResults.Failed, $"Bulk {title.ToLowerInvariant()} stopped: {ex.Message}"), CancellationToken.None);
                throw;
            }
            finally
            {
                run.End();
            }
        });
        return run;
    }

    private static OperationResult Line(OperationOutcome outcome, VmRow vm, string message) =>
        new(outcome, vm.Host, vm.Vm.Id, vm.Vm.Name, message, [], null, null, null);
}
