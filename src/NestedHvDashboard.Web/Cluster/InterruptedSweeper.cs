using System.Threading.Channels;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Blueprints;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>
/// Cluster mode: marks Interrupted the changes an instance that died left "Started", instead of its next start. An entry is
/// marked by the instance that owns its host now (it took the host over), an entry without a host (or of a host no longer in
/// the dashboard) and a blueprint run by the live instance whose id sorts first. Nothing is judged while the membership is not
/// known, and a live instance's entries are never touched. The changes are not run again.
/// </summary>
public sealed partial class InterruptedSweeper(
    DbAuditTrail audit,
    IClusterMembership membership,
    IHostOwnershipView ownership,
    IHostLookup hosts,
    ClusterSettings settings,
    ILogger<InterruptedSweeper> logger,
    BlueprintRunner? runner = null,
    IBlueprintStore? blueprints = null) : BackgroundService
{
    private readonly Channel<bool> _asked = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>
    /// Marks the dead instances' Started entries (and blueprint runs) this instance is the one to mark; returns how many.
    /// 0 while <see cref="IClusterMembership.LiveMembers"/> is not known.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        if (membership.LiveMembers is not { Count: > 0 } live)
        {
            return 0;
        }

        var first = live.Min(StringComparer.Ordinal) == settings.InstanceId;
        var marked = 0;
        foreach (var entry in await audit.StartedOutsideAsync(live, cancellationToken).ConfigureAwait(false))
        {
            var mine = entry.Host is { Length: > 0 } host && hosts.Find(host) is not null ? ownership.Owns(host, out _) : first;
            if (mine && await audit.InterruptAsync(entry.Id, DbAuditTrail.InterruptedMessage(entry.Message, entry.Instance, settings.InstanceId), cancellationToken).ConfigureAwait(false))
            {
                LogMarked(logger, entry.Id, entry.Instance ?? "-", entry.Action, entry.Host ?? "-");
                marked++;
            }
        }

        if (first && runner is not null && blueprints is not null)
        {
            foreach (var stored in await blueprints.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await blueprints.LastRunAsync(stored.Blueprint.Name, cancellationToken).ConfigureAwait(false) is { State: BlueprintRunState.Running, Instance: { } ranBy } run
                    && !live.Contains(ranBy)
                    && await runner.InterruptAsync(run, $"Dashboard instance '{ranBy}' stopped during this step; instance '{settings.InstanceId}' took over. Apply again to resume (the step is checked again first).", cancellationToken).ConfigureAwait(false))
                {
                    marked++;
                }
            }
        }

        return marked;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A host taken over is swept at once; the periodic sweep catches host-less entries and a membership that became known.
        void Acquired(string host, long fence) => _asked.Writer.TryWrite(true);
        ownership.Acquired += Acquired;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await SweepAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, ex);
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(settings.RenewInterval);
                try
                {
                    await _asked.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                    _asked.Reader.TryRead(out _);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // A renew interval without a takeover: sweep anyway.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The app is stopping.
        }
        finally
        {
            ownership.Acquired -= Acquired;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit {AuditId} ({Action} on host {Host}) was left Started by instance {Instance}, which is gone: marked Interrupted")]
    private static partial void LogMarked(ILogger logger, long auditId, string instance, string action, string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sweep of the changes dead instances left Started failed; it is tried again")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
