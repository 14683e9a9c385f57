using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;

namespace NestedHvDashboard.Web.Operations;

/// <summary>
/// One change as <see cref="AuditedChanges.ChangeAsync{TResult}"/> runs it: what is written before it runs, who may make it,
/// and how its result reads as a refusal and as the entry's completion.
/// </summary>
/// <typeparam name="TResult">The feature's result.</typeparam>
/// <param name="Start">The entry written before the change runs (also the one a denial or a refusal records).</param>
/// <param name="What">The change in the user's words ("Adding host 'h1'"): a denial and an unrecorded change name it.</param>
/// <param name="Refused">The result for a change that did not run, given why (denied, invalid, not recorded).</param>
/// <param name="Completion">How the change's result completes its entry.</param>
public sealed record AuditedChange<TResult>(AuditStart Start, string What, Func<string, TResult> Refused, Func<TResult, AuditCompletion> Completion)
{
    /// <summary>The role the actor needs (a <see cref="DashboardRoles"/> name); without it the change is denied with <see cref="Actor.Refusal"/>.</summary>
    public string? NeededRole { get; init; }

    /// <summary>Why the actor may not make the change, when the caller decides it (recorded Denied, nothing runs); null when they may.</summary>
    public string? Denial { get; init; }

    /// <summary>The result for a denied change, given why, when it differs from <see cref="Refused"/>'s.</summary>
    public Func<string, TResult>? Denied { get; init; }

    /// <summary>Why the request is refused before it starts (recorded Refused, nothing runs); null when it may run.</summary>
    public string? Invalid { get; init; }

    /// <summary>
    /// True (the default): a trail that cannot store the entry refuses the change with <see cref="ChangeAudit.NotRecorded"/>.
    /// False: the trail's exception reaches the caller.
    /// </summary>
    public bool RefuseUnrecorded { get; init; } = true;

    /// <summary>The completion for an exception that escapes the change (it is rethrown after); null leaves the entry to the next start's Interrupted.</summary>
    public Func<Exception, AuditCompletion?>? Escaped { get; init; }
}

/// <summary>
/// The one shape every audited change has: authorize the actor, write the trail before, run, complete, map refusals.
/// A denied or invalid change is recorded as ended at once; nothing runs unrecorded.
/// </summary>
public static class AuditedChanges
{
    /// <summary>
    /// Runs <paramref name="run"/> (given its audit entry's id) as <paramref name="change"/> describes. <paramref name="cancellationToken"/>
    /// is for writing the entry; the completion is always written, whatever was canceled.
    /// </summary>
    public static async Task<TResult> ChangeAsync<TResult>(
        this IAuditTrail audit, AuditedChange<TResult> change, Func<long, Task<TResult>> run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(run);
        var actor = change.Start.Actor;
        var denial = change.Denial ?? (change.NeededRole is { } role && !Has(actor, role) ? actor.Refusal(change.What, role) : null);
        if (denial is not null)
        {
            await audit.RecordAsync(change.Start, new AuditCompletion(AuditResults.Denied, denial), cancellationToken);
            return (change.Denied ?? change.Refused)(denial);
        }

        if (change.Invalid is { } invalid)
        {
            await audit.RecordAsync(change.Start, new AuditCompletion(AuditResults.Refused, invalid), cancellationToken);
            return change.Refused(invalid);
        }

        long id;
        try
        {
            id = await audit.BeginAsync(change.Start, cancellationToken);
        }
        catch (Exception ex) when (change.RefuseUnrecorded && ex is not OperationCanceledException)
        {
            return change.Refused(ChangeAudit.NotRecorded(change.What, ex));
        }

        TResult result;
        try
        {
            result = await run(id);
        }
        catch (Exception ex)
        {
            if (change.Escaped?.Invoke(ex) is { } ended)
            {
                await audit.CompleteAsync(id, ended, CancellationToken.None);
            }

            throw;
        }

        await audit.CompleteAsync(id, change.Completion(result), CancellationToken.None);
        return result;
    }

    /// <summary>True when <paramref name="actor"/> has <paramref name="role"/> or a higher one.</summary>
    public static bool Has(Actor actor, string role)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return role switch
        {
            DashboardRoles.Administrator => actor.CanAdminister,
            DashboardRoles.Operator => actor.CanOperate,
            _ => actor.CanView,
        };
    }
}
