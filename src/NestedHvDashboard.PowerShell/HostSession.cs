using System.Management.Automation;
using System.Runtime.CompilerServices;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.PowerShell;

/// <summary>
/// The one way the dashboard runs PowerShell on a host: a long-lived runspace pool,
/// opened lazily and recreated after it breaks (<see cref="ReconnectingPool"/>), and every call bounded by the host's timeout.
/// A call that outlives the timeout is abandoned (stopped in the background) together with its
/// pool, so a dead or frozen host never holds a caller. Each call's shell is an <see cref="AttachedShell"/>, which cleans up
/// after it however it ends; a streaming call's rows come through a <see cref="RowStream"/>.
/// </summary>
public sealed partial class HostSession : IAsyncDisposable
{
    private readonly ReconnectingPool _pool;
    private int _invocations;

    /// <param name="hostName">The host's name in the dashboard, for errors.</param>
    /// <param name="timeout">The bound on every call, including opening the pool.</param>
    /// <param name="createConnection">Makes a new, unopened connection.</param>
    /// <param name="maxConcurrency">The most commands the connection runs at once.</param>
    /// <param name="openGate">Bounds the opens at once across hosts; default <see cref="HostOpenGate.Shared"/>.</param>
    /// <param name="invocation">How commands are sent: script text, or the <see cref="HostTools"/> module's functions by name (a JEA endpoint).</param>
    internal HostSession(string hostName, TimeSpan timeout, Func<HostConnection> createConnection, int maxConcurrency = 1, HostOpenGate? openGate = null, HostInvocation invocation = HostInvocation.Script)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        HostName = hostName;
        Timeout = timeout;
        MaxConcurrency = maxConcurrency;
        Invocation = invocation;
        _pool = new ReconnectingPool(hostName, timeout, createConnection, openGate ?? HostOpenGate.Shared, invocation == HostInvocation.ByName ? CheckHostToolsAsync : null);
    }

    /// <summary>How this session sends commands.</summary>
    public HostInvocation Invocation { get; }

    /// <summary>
    /// The most commands this session runs at once (the host's <see cref="HostConnectionSettings.MaxConcurrency"/>).
    /// A streaming command (<see cref="StreamAsync"/>) holds one of them for its whole life.
    /// </summary>
    public int MaxConcurrency { get; }

    /// <summary>The host's name in the dashboard.</summary>
    public string HostName { get; }

    /// <summary>The bound on every call.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>How many round trips this session has started.</summary>
    public int InvocationCount => Volatile.Read(ref _invocations);

    /// <summary>Runs one static script with its parameters and returns what it wrote to the output.</summary>
    /// <exception cref="HostOperationException">The host failed, refused, or did not answer in time.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<IReadOnlyList<PSObject>> InvokeAsync(HostCommand command, CancellationToken cancellationToken) =>
        InvokeAsync(command, null, cancellationToken);

    /// <summary>
    /// Runs one static script with its parameters and returns what it wrote to the output, as <see cref="InvokeAsync(HostCommand, CancellationToken)"/>
    /// does (the same limits and errors), and hands each row to <paramref name="onRow"/> as it arrives, while the script still runs
    /// (a script that reports its steps as it goes). <paramref name="onRow"/> runs on the thread that receives the row (for an
    /// in-process host, the script's own, which waits for it); what it throws is dropped, so a failing reader never breaks the
    /// script half-way. It may still be called after the call ended StillRunning, while the host finishes.
    /// </summary>
    public async Task<IReadOnlyList<PSObject>> InvokeAsync(HostCommand command, Action<PSObject>? onRow, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_pool.IsClosed, this);
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _invocations);

        // Connecting is bounded by the host's timeout; the command by its own limit when it has one.
        var attached = await AttachWithinTimeoutAsync(command, cancellationToken).ConfigureAwait(false);
        var shell = attached.Shell;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(command.Limit ?? Timeout);

        Task<PSDataCollection<PSObject>> invocation;
        try
        {
            invocation = onRow is null ? shell.InvokeAsync() : InvokeStreaming(shell, onRow);
        }
        catch (Exception exception)
        {
            attached.ReleaseAndDiscard();
            throw HostErrors.FromException(exception, HostName, command);
        }

        var abandoned = false;
        try
        {
            var output = await invocation.WaitAsync(deadline.Token).ConfigureAwait(false);
            if (shell.Streams.Error.Count > 0)
            {
                throw HostErrors.FromErrorRecord(shell.Streams.Error[0], HostName, command);
            }

            return [.. output];
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            abandoned = true;
            if (cancellationToken.IsCancellationRequested)
            {
                attached.ReleaseAfter(invocation);
                attached.Stop(invocation);
                throw;
            }

            // No stop signal when the time ran out: PowerShell's SSH client arms a 60 s timer with it, and when the connection
            // closes first (this pool discarded, or the ssh of a frozen or dead host exiting) the timer writes to the closed
            // input on a timer thread, which ends the whole process (the fault matrix's frozen-host lane). A host that answers
            // ends the script by its own wait (bounded by the same limit); discarding the pool ends it on one that does not.
            attached.ReleaseAfter(invocation);

            if (command.Limit is { } limit)
            {
                // A long operation outlived its limit on a host that answered: leave it to finish, keep the pool.
                throw HostErrors.StillRunning(HostName, command, limit);
            }

            // The host may be frozen or gone: this pool is not to be trusted again.
            attached.Discard();
            throw HostErrors.Timeout(HostName, command, Timeout);
        }
        catch (Exception exception) when (exception is not HostOperationException)
        {
            if (HostErrors.IsTransportFailure(exception) || !attached.Connection.IsUsable)
            {
                attached.Discard();
            }

            throw HostErrors.FromException(exception, HostName, command);
        }
        finally
        {
            if (!abandoned)
            {
                attached.Release();
            }
        }
    }

    /// <summary>
    /// Runs one static script that writes rows until it is stopped (a host-side watch) and yields
    /// them as they arrive. The pipeline holds one runspace of the pool for as long as it runs, so
    /// other calls need <see cref="MaxConcurrency"/> of at least 2. Opening is bounded by
    /// <see cref="Timeout"/>; afterwards a row for which <paramref name="isHeartbeat"/> holds must
    /// arrive at least every <paramref name="heartbeatLimit"/>, or the host counts as frozen: the
    /// pipeline is stopped in the background (never awaited), the pool discarded, and Timeout thrown.
    /// Ending the enumeration (or cancelling) stops the pipeline.
    /// </summary>
    /// <exception cref="HostOperationException">The host failed, refused, or fell silent.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    internal async IAsyncEnumerable<PSObject> StreamAsync(
        HostCommand command,
        TimeSpan heartbeatLimit,
        Func<PSObject, bool> isHeartbeat,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(isHeartbeat);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(heartbeatLimit, TimeSpan.Zero);
        ObjectDisposedException.ThrowIf(_pool.IsClosed, this);
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _invocations);

        var stream = await StartStreamAsync(command, cancellationToken).ConfigureAwait(false);
        using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        watchdog.CancelAfter(heartbeatLimit);
        try
        {
            while (await stream.NextAsync(heartbeatLimit, watchdog.Token, cancellationToken).ConfigureAwait(false) is { } row)
            {
                if (isHeartbeat(row))
                {
                    watchdog.CancelAfter(heartbeatLimit);
                }

                yield return row;
            }
        }
        finally
        {
            stream.End();
        }
    }

    private async Task<RowStream> StartStreamAsync(HostCommand command, CancellationToken cancellationToken)
    {
        var attached = await AttachWithinTimeoutAsync(command, cancellationToken).ConfigureAwait(false);
        try
        {
            return new RowStream(attached, HostName, command);
        }
        catch (Exception exception)
        {
            attached.ReleaseAndDiscard();
            throw HostErrors.FromException(exception, HostName, command);
        }
    }

    // The shell's output into a collection that hands each row to onRow as it is added; the task's result is that collection
    // (PowerShell's own task, given an output collection, ends with null).
    private static Task<PSDataCollection<PSObject>> InvokeStreaming(System.Management.Automation.PowerShell shell, Action<PSObject> onRow)
    {
        var output = new PSDataCollection<PSObject>();
        output.DataAdded += (_, added) =>
        {
            try
            {
                onRow(output[added.Index]);
            }
            catch (Exception)
            {
                // Dropped on purpose: the row stays in the output, and the script goes on (see InvokeAsync).
            }
        };
        var input = new PSDataCollection<PSObject>();
        input.Complete();
        var invoked = shell.InvokeAsync(input, output); // a failure to start still throws here, as shell.InvokeAsync() does
        return Collect(invoked, output);

        static async Task<PSDataCollection<PSObject>> Collect(Task invoked, PSDataCollection<PSObject> output)
        {
            await invoked.ConfigureAwait(false);
            return output;
        }
    }

    /// <summary>Closes the connection, waiting a few seconds at most for a host that does not answer.</summary>
    public ValueTask DisposeAsync() => _pool.DisposeAsync();
}
