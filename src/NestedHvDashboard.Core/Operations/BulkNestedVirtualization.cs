using System.Collections.Concurrent;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.Core.Operations;

/// <summary>One VM a bulk change is asked to touch.</summary>
/// <param name="HostName">The host the VM lives on.</param>
/// <param name="VmId">Hyper-V's VM id.</param>
/// <param name="VmName">The VM's name as the page showed it, for results of VMs that were never read; null when unknown.</param>
public sealed record BulkTarget(string HostName, Guid VmId, string? VmName = null);

/// <summary>One confirmation for many VMs: the same change, the same power action and the same consent for each.</summary>
/// <param name="Targets">The VMs, on any number of hosts; a VM named twice runs once.</param>
/// <param name="Enable">True to turn nested virtualization on, false to turn it off.</param>
/// <param name="PowerAction">What may be done to a running VM; <see cref="PowerAction.None"/> skips running VMs (the planner refuses them).</param>
/// <param name="EnableMacAddressSpoofing">MAC spoofing consent, used only when enabling.</param>
/// <param name="DisableDynamicMemory">Consent to turn dynamic memory off (needs the VM Off, like the nested change), used only when enabling.</param>
public sealed record BulkNestedRequest(
    IReadOnlyList<BulkTarget> Targets,
    bool Enable,
    PowerAction PowerAction = PowerAction.None,
    bool EnableMacAddressSpoofing = false,
    bool DisableDynamicMemory = false);

/// <summary>How many VMs ended each way.</summary>
/// <param name="Total">Every VM with a result.</param>
/// <param name="Succeeded">Changed.</param>
/// <param name="NoChange">Already as asked.</param>
/// <param name="Refused">Refused before anything changed (state, readiness, unknown host).</param>
/// <param name="Busy">Another change was running on the VM.</param>
/// <param name="Failed">A step failed.</param>
/// <param name="Canceled">Canceled, or never started because the run was canceled.</param>
public sealed record BulkCounts(int Total, int Succeeded, int NoChange, int Refused, int Busy, int Failed, int Canceled)
{
    /// <summary>Counts of these results.</summary>
    public static BulkCounts Of(IReadOnlyCollection<OperationResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        int Count(OperationOutcome outcome) => results.Count(r => r.Outcome == outcome);
        return new BulkCounts(
            results.Count,
            Count(OperationOutcome.Succeeded),
            Count(OperationOutcome.NoChange),
            Count(OperationOutcome.Refused),
            Count(OperationOutcome.Busy),
            Count(OperationOutcome.Failed),
            Count(OperationOutcome.Canceled));
    }
}

/// <summary>The end of a bulk change: every VM's result in the order they ended, the counts, and the counts per host.</summary>
/// <param name="Results">Every VM's result, in the order they ended.</param>
/// <param name="Counts">The counts over every host.</param>
/// <param name="Hosts">The counts per host, in the order the hosts were first named.</param>
public sealed record BulkSummary(
    IReadOnlyList<OperationResult> Results,
    BulkCounts Counts,
    IReadOnlyList<KeyValuePair<string, BulkCounts>> Hosts);

/// <summary>
/// Changes nested virtualization on many VMs across hosts: every host at once, at most
/// <see cref="MaxPerHost"/> VMs at once on one host, each VM through
/// <see cref="NestedVirtualizationOperations.RunAsync"/> (so the per-VM lock, the plan and the compensation apply).
/// </summary>
/// <remarks>
/// Cancellation stops VMs from starting (they end <see cref="OperationOutcome.Canceled"/>); a VM whose change has
/// started finishes, because stopping halfway would leave it off. A host the dashboard does not know ends its VMs
/// Refused and the other hosts go on.
/// </remarks>
public sealed class BulkNestedVirtualization
{
    /// <summary>The default number of VMs changed at once on one host.</summary>
    public const int DefaultMaxPerHost = 2;

    private readonly NestedVirtualizationOperations _operations;
    private readonly Func<string, IHyperVHost?> _findHost;

    /// <param name="operations">The one-VM change.</param>
    /// <param name="findHost">The host for a name (case-insensitive), or null when there is none.</param>
    /// <param name="maxPerHost">VMs changed at once on one host (default <see cref="DefaultMaxPerHost"/>); a host shuts down and boots VMs, so few at a time.</param>
    public BulkNestedVirtualization(NestedVirtualizationOperations operations, Func<string, IHyperVHost?> findHost, int maxPerHost = DefaultMaxPerHost)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(findHost);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerHost, 1);
        _operations = operations;
        _findHost = findHost;
        MaxPerHost = maxPerHost;
    }

    /// <summary>VMs changed at once on one host.</summary>
    public int MaxPerHost { get; }

    /// <summary>
    /// Runs the change on every target; <paramref name="progress"/> hears each VM's result as it ends, from any thread
    /// (reports for different VMs may come at the same time). <paramref name="stepsOf"/>, when given, hears each VM's steps as
    /// they begin and end (the one-VM change's step progress, e.g. to note them in the VM's audit entry).
    /// </summary>
    public async Task<BulkSummary> RunAsync(
        BulkNestedRequest request, IProgress<OperationResult>? progress = null, Func<BulkTarget, IProgress<OperationStep>?>? stepsOf = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var results = new ConcurrentQueue<OperationResult>();
        void Report(OperationResult result)
        {
            results.Enqueue(result);
            progress?.Report(result);
        }

        var hosts = request.Targets
            .DistinctBy(t => (t.HostName.ToUpperInvariant(), t.VmId))
            .GroupBy(t => t.HostName, StringComparer.OrdinalIgnoreCase)
            .ToList();
        await Task.WhenAll(hosts.Select(h => Task.Run(() => RunHostAsync(h.Key, [.. h], request, Report, stepsOf, cancellationToken), CancellationToken.None)));

        var ended = results.ToArray();
        return new BulkSummary(
            ended,
            BulkCounts.Of(ended),
            [.. hosts.Select(h => KeyValuePair.Create(h.Key, BulkCounts.Of([.. ended.Where(r => string.Equals(r.HostName, h.Key, StringComparison.OrdinalIgnoreCase))])))]);
    }

    private async Task RunHostAsync(
        string hostName, IReadOnlyList<BulkTarget> targets, BulkNestedRequest request, Action<OperationResult> report, Func<BulkTarget, IProgress<OperationStep>?>? stepsOf, CancellationToken cancellationToken)
    {
        IHyperVHost? host;
        try
        {
            host = _findHost(hostName);
        }
        catch (Exception ex)
        {
            foreach (var target in targets)
            {
                report(Ended(OperationOutcome.Refused, target, $"The dashboard could not reach its entry for host '{hostName}': {ex.Message} Nothing was changed on VM {NameOf(target)}."));
            }

            return;
        }

        if (host is null)
        {
            foreach (var target in targets)
            {
                report(Ended(OperationOutcome.Refused, target, $"The dashboard has no host named '{hostName}'; nothing was changed on VM {NameOf(target)}."));
            }

            return;
        }

        var queue = new ConcurrentQueue<BulkTarget>(targets);
        var workers = Enumerable.Range(0, Math.Min(MaxPerHost, targets.Count)).Select(async _ =>
        {
            while (queue.TryDequeue(out var target))
            {
                report(cancellationToken.IsCancellationRequested
                    ? Ended(OperationOutcome.Canceled, target, $"Not started on VM {NameOf(target)} on host '{target.HostName}': the bulk change was canceled; nothing was changed.")
                    : await RunOneAsync(host, target, request, stepsOf?.Invoke(target)));
            }
        });
        await Task.WhenAll(workers);
    }

    private async Task<OperationResult> RunOneAsync(IHyperVHost host, BulkTarget target, BulkNestedRequest request, IProgress<OperationStep>? steps)
    {
        var one = new NestedVirtualizationRequest(
            target.HostName, target.VmId, request.Enable, request.PowerAction, request.Enable && request.EnableMacAddressSpoofing,
            request.Enable && request.DisableDynamicMemory);
        try
        {
            // Not the caller's token: a VM whose change has started finishes and is restored as the one-VM change does.
            return await _operations.RunAsync(host, one, steps, CancellationToken.None);
        }
        catch (Exception ex)
        {
            return Ended(OperationOutcome.Failed, target, $"Changing nested virtualization on VM {NameOf(target)} on host '{target.HostName}' failed: {ex.Message}", ex.Message);
        }
    }

    private static string NameOf(BulkTarget target) => target.VmName is null ? target.VmId.ToString() : $"'{target.VmName}'";

    private static OperationResult Ended(OperationOutcome outcome, BulkTarget target, string message, string? hostMessage = null) =>
        new(outcome, target.HostName, target.VmId, target.VmName, message, [], null, hostMessage, null);
}
