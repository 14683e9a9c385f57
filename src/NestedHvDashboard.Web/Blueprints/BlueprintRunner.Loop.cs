using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>The run's loop, and the hosted part: runs the app stopped during are marked Interrupted at start.</summary>
public sealed partial class BlueprintRunner
{
    /// <summary>What a run's step left after the app stopped during it.</summary>
    public const string InterruptedMessage = "The dashboard stopped during this step; apply again to resume (the step is checked again first).";

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_store is null)
        {
            return;
        }

        try
        {
            foreach (var stored in await _store.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await _store.LastRunAsync(stored.Blueprint.Name, cancellationToken).ConfigureAwait(false) is not { } run)
                {
                    continue;
                }

                if (run.State is BlueprintRunState.Running && !RunsElsewhere(run))
                {
                    // Its audit entries are marked Interrupted by the trail's own start-up, like every change the app stopped during.
                    run = await MarkInterruptedAsync(run, InterruptedMessage, cancellationToken).ConfigureAwait(false);
                }

                _lastRuns[run.Blueprint] = run;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The runs stay as stored: an apply still resumes from the store, and a Running one reads as going until then.
            LogStartFailed(ex);
        }
    }

    /// <summary>
    /// Marks a run whose instance died (<see cref="BlueprintRun.Instance"/>, found by the cluster's sweeper) Interrupted, its
    /// running step failed with <paramref name="message"/>, unless it ended meanwhile; applying again resumes it as after a restart.
    /// </summary>
    public async Task<bool> InterruptAsync(BlueprintRun run, string message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(message);
        if (_store is null || await _store.LastRunAsync(run.Blueprint, cancellationToken).ConfigureAwait(false) is not { State: BlueprintRunState.Running } stored || stored.Id != run.Id)
        {
            return false;
        }

        _lastRuns[stored.Blueprint] = await MarkInterruptedAsync(stored, message, cancellationToken).ConfigureAwait(false);
        RunChanged?.Invoke(stored.Blueprint);
        return true;
    }

    // In cluster mode a run another instance started may be going there now: only its own instance (at its start) or the
    // sweeper (once that instance is gone) marks it. A run stored before runs named theirs is marked by whoever starts.
    private bool RunsElsewhere(BlueprintRun run) =>
        _cluster is { Enabled: true } && run.Instance is not null && !string.Equals(run.Instance, _cluster.InstanceId, StringComparison.Ordinal);

    private async Task<BlueprintRun> MarkInterruptedAsync(BlueprintRun run, string message, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        run = run with
        {
            State = BlueprintRunState.Interrupted,
            EndedAt = now,
            Steps = [.. run.Steps.Select(s => s.State is BlueprintStepState.Running ? s with { State = BlueprintStepState.Failed, Message = message, EndedAt = now } : s)],
        };
        await _store!.SaveRunAsync(run, cancellationToken).ConfigureAwait(false);
        LogInterrupted(run.Blueprint, run.Id);
        return run;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Disposed already (its container went first): nothing of it runs any more. A fresh-clone run of the Web tests once
        // failed a test's clean-up here, on the disposed token source, after the test itself had passed.
        if (Volatile.Read(ref _disposed) == 1)
        {
            return;
        }

        // A run is left Running in the store: the next start marks it Interrupted, and applying again resumes it.
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_going.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunStepsAsync(RunContext context, BlueprintRun run, CancellationToken stopping)
    {
        var name = run.Blueprint;
        var remembered = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            for (var i = 0; i < run.Steps.Count; i++)
            {
                stopping.ThrowIfCancellationRequested();
                var progress = run.Steps[i];
                var step = progress.Step;
                var l1 = context.Blueprint.L1s.First(l => string.Equals(l.Name, step.L1, StringComparison.OrdinalIgnoreCase) && string.Equals(l.Host, step.Host, StringComparison.OrdinalIgnoreCase));
                var l2 = step.L2 is null ? null : l1.L2s.First(l => string.Equals(l.Name, step.L2, StringComparison.OrdinalIgnoreCase));
                var l1Credential = string.IsNullOrWhiteSpace(context.Credentials.L1Guests.UserName) ? null : context.Credentials.L1Guests;
                var stepContext = new BlueprintStepContext(context.Blueprint, l1, l2, step, l1Credential, context.Credentials.L2Guests ?? l1Credential);
                var started = _time.GetUtcNow();
                run = await SetAsync(run, i, progress with { State = BlueprintStepState.Running, Message = null, StartedAt = started, EndedAt = null }).ConfigureAwait(false);
                _audit.NoteProgress(context.Entry, $"It was at step {i + 1} of {run.Steps.Count}: {step.Title}.");

                var (ended, message, skipped) = await RunStepAsync(context, stepContext, stopping).ConfigureAwait(false);
                // A step an earlier attempt did keeps its words (and is not "already so") when the check finds it still true.
                var wasDone = progress.State is BlueprintStepState.Done && skipped;
                run = await SetAsync(run, i, run.Steps[i] with
                {
                    State = ended,
                    Message = wasDone ? $"{progress.Message} Checked again: still so." : message,
                    Skipped = wasDone ? progress.Skipped : skipped,
                    EndedAt = _time.GetUtcNow(),
                }).ConfigureAwait(false);
                if (ended is BlueprintStepState.Failed)
                {
                    await EndAsync(context, run, BlueprintRunState.Failed, AuditResults.Failed, $"Blueprint '{name}' stopped at step {i + 1} of {run.Steps.Count} ({step.Title}): {message} Apply again to resume from it.").ConfigureAwait(false);
                    return;
                }

                await RememberAsync(context, l1, step, remembered).ConfigureAwait(false);
            }

            await EndAsync(context, run, BlueprintRunState.Succeeded, AuditResults.Succeeded, $"Blueprint '{name}' applied: {run.Steps.Count(s => !s.Skipped)} steps run, {run.Steps.Count(s => s.Skipped)} already so.").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The app stops: the run and its entries stay open, and the next start marks them Interrupted.
            LogLeftRunning(name, run.Id);
        }
        catch (Exception ex)
        {
            LogRunFailed(ex, name, run.Id);
            await EndAsync(context, run, BlueprintRunState.Failed, AuditResults.Failed, $"Blueprint '{name}' stopped: {ex.Message}").ConfigureAwait(false);
        }
    }

    /// <summary>Checks the step (skipped as done when the lab already is so), else runs it as an audited change.</summary>
    private async Task<(BlueprintStepState State, string Message, bool Skipped)> RunStepAsync(RunContext context, BlueprintStepContext step, CancellationToken stopping)
    {
        try
        {
            if (await _work.IsDoneAsync(step, stopping).ConfigureAwait(false))
            {
                return (BlueprintStepState.Done, "Already so; nothing was run.", true);
            }
        }
        catch (Exception ex) when (ex is BlueprintStepFailedException or Core.Hosts.HostOperationException)
        {
            // A check that cannot answer (the guest not up yet, say) is not a failure: the step runs and says what the host says.
            LogCheckFailed(step.Step.Title, ex.Message);
        }

        var what = StepAction(context.Blueprint.Name, step.Step);
        var change = new AuditedChange<(BlueprintStepState State, string Message, bool Skipped)>(
            new AuditStart(context.Actor, what, step.L1.Host, step.L1.Name, null,
                new { blueprint = context.Blueprint.Name, step = step.Step.Index + 1, l2 = step.L2?.Name, commands = step.Step.Commands.Select(c => $"{c.Where}: {c.Command.DisplayText}").ToArray() },
                null, null),
            what,
            refusal => (BlueprintStepState.Failed, refusal, false),
            result => new AuditCompletion(result.State is BlueprintStepState.Done ? AuditResults.Succeeded : AuditResults.Failed, result.Message))
        {
            NeededRole = DashboardRoles.Operator,
        };
        return await _audit.ChangeAsync(change, async _ =>
        {
            try
            {
                return (BlueprintStepState.Done, await _work.RunAsync(step, stopping).ConfigureAwait(false), false);
            }
            catch (BlueprintStepFailedException ex)
            {
                return (BlueprintStepState.Failed, ex.HostMessage is { Length: > 0 } host ? $"{ex.Message} The host said: {host}" : ex.Message, false);
            }
        }, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>After the first step inside an L1 guest succeeded, remembers the account the guest accepted, when the user asked and may.</summary>
    private async Task RememberAsync(RunContext context, BlueprintL1 l1, BlueprintStep step, HashSet<string> remembered)
    {
        if (!context.Credentials.Remember || _credentials is null || step.Kind is BlueprintStepKind.CreateL1 or BlueprintStepKind.EnableNested or BlueprintStepKind.CompanionFixes or BlueprintStepKind.StartL1
            || string.IsNullOrWhiteSpace(context.Credentials.L1Guests.UserName) || !remembered.Add($"{l1.Host}/{l1.Name}"))
        {
            return;
        }

        if (!context.Actor.CanAdminister)
        {
            LogNotRemembered(l1.Name, context.Actor.Name);
            return;
        }

        try
        {
            if (await _work.L1IdAsync(l1, CancellationToken.None).ConfigureAwait(false) is { } vmId)
            {
                await _credentials.RememberAsync(l1.Host, vmId, context.Credentials.L1Guests).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRememberFailed(ex, l1.Name);
        }
    }

    private async Task<BlueprintRun> SetAsync(BlueprintRun run, int index, BlueprintStepProgress progress)
    {
        var steps = run.Steps.ToArray();
        steps[index] = progress;
        run = run with { Steps = steps };
        await SaveAsync(run).ConfigureAwait(false);
        return run;
    }

    private async Task EndAsync(RunContext context, BlueprintRun run, BlueprintRunState state, string result, string message)
    {
        try
        {
            await SaveAsync(run with { State = state, EndedAt = _time.GetUtcNow() }).ConfigureAwait(false);
        }
        finally
        {
            await _audit.CompleteAsync(context.Entry, new AuditCompletion(result, message), CancellationToken.None).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Blueprint {Blueprint}: run {RunId} was left running when the app stopped; marked Interrupted")]
    private partial void LogInterrupted(string blueprint, Guid runId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The blueprint runs could not be read at start; a run the app stopped during stays as stored until it is applied again")]
    private partial void LogStartFailed(Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Blueprint {Blueprint}: run {RunId} left running as the app stops")]
    private partial void LogLeftRunning(string blueprint, Guid runId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Blueprint {Blueprint}: run {RunId} stopped on an unexpected error")]
    private partial void LogRunFailed(Exception error, string blueprint, Guid runId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Blueprint step {Step}: the check could not answer ({Reason}); the step runs")]
    private partial void LogCheckFailed(string step, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The guest account of {L1} was not remembered: {User} is not an Administrator")]
    private partial void LogNotRemembered(string l1, string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The guest account of {L1} could not be remembered")]
    private partial void LogRememberFailed(Exception error, string l1);
}
