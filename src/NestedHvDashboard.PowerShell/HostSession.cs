using System.Management.Automation;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.PowerShell;

/// <summary>
/// The one way the dashboard runs PowerShell on a host: a long-lived runspace pool,
/// opened lazily and recreated after it breaks, and every call bounded by the host's timeout.
/// A call that outlives the timeout is abandoned (stopped in the background) together with its
/// pool, so a dead or frozen host never holds a caller.
/// </summary>
public sealed partial class HostSession : IAsyncDisposable
{
    private readonly Func<HostConnection> _createConnection;
    private readonly HostOpenGate _openGate;
    private static readonly TimeSpan CloseLimit = TimeSpan.FromSeconds(5);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _closing = new();
    private Task<HostConnection>? _pool;
    private int _invocations;
    private bool _disposed;

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
        _createConnection = createConnection;
        _openGate = openGate ?? HostOpenGate.Shared;
        Invocation = invocation;
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
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _invocations);

        // Connecting is bounded by the host's timeout; the command by its own limit when it has one.
        var (poolTask, pool, shell, lease) = await AttachWithinTimeoutAsync(command, cancellationToken).ConfigureAwait(false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(command.Limit ?? Timeout);

        Task<PSDataCollection<PSObject>> invocation;
        try
        {
            invocation = onRow is null ? shell.InvokeAsync() : InvokeStreaming(shell, onRow);
        }
        catch (Exception exception)
        {
            shell.Dispose();
            lease.Dispose(); // last: the connection may be released from here on
            Discard(poolTask);
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
                Abandon(shell, invocation, lease, stop: true);
                throw;
            }

            // No stop signal when the time ran out: PowerShell's SSH client arms a 60 s timer with it, and when the connection
            // closes first (this pool discarded, or the ssh of a frozen or dead host exiting) the timer writes to the closed
            // input on a timer thread, which ends the whole process (the fault matrix's frozen-host lane). A host that answers
            // ends the script by its own wait (bounded by the same limit); discarding the pool ends it on one that does not.
            Abandon(shell, invocation, lease, stop: false);

            if (command.Limit is { } limit)
            {
                // A long operation outlived its limit on a host that answered: leave it to finish, keep the pool.
                throw HostErrors.StillRunning(HostName, command, limit);
            }

            // The host may be frozen or gone: this pool is not to be trusted again.
            Discard(poolTask);
            throw HostErrors.Timeout(HostName, command, Timeout);
        }
        catch (Exception exception) when (exception is not HostOperationException)
        {
            if (HostErrors.IsTransportFailure(exception) || !pool.IsUsable)
            {
                Discard(poolTask);
            }

            throw HostErrors.FromException(exception, HostName, command);
        }
        finally
        {
            if (!abandoned)
            {
                shell.Dispose();
                lease.Dispose(); // last: the connection may be released from here on
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
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _invocations);

        var stream = await StartStreamAsync(command, cancellationToken).ConfigureAwait(false);
        using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        watchdog.CancelAfter(heartbeatLimit);
        try
        {
            while (await NextRowAsync(stream, command, heartbeatLimit, watchdog.Token, cancellationToken).ConfigureAwait(false) is { } row)
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

    private async Task<(Task<HostConnection> PoolTask, HostConnection Pool, System.Management.Automation.PowerShell Shell, IDisposable Lease)> AttachWithinTimeoutAsync(
        HostCommand command, CancellationToken cancellationToken)
    {
        await WaitUntilOpenAsync(command, cancellationToken).ConfigureAwait(false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        return await AttachAsync(command, deadline.Token, cancellationToken).ConfigureAwait(false);
    }

    private async Task<RowStream> StartStreamAsync(HostCommand command, CancellationToken cancellationToken)
    {
        var (poolTask, pool, shell, lease) = await AttachWithinTimeoutAsync(command, cancellationToken).ConfigureAwait(false);
        try
        {
            return new RowStream(this, command, poolTask, pool, shell, lease);
        }
        catch (Exception exception)
        {
            shell.Dispose();
            lease.Dispose(); // last: the connection may be released from here on
            Discard(poolTask);
            throw HostErrors.FromException(exception, HostName, command);
        }
    }

    private async Task<PSObject?> NextRowAsync(RowStream stream, HostCommand command, TimeSpan heartbeatLimit, CancellationToken watchdog, CancellationToken cancellationToken)
    {
        try
        {
            while (await stream.Rows.Reader.WaitToReadAsync(watchdog).ConfigureAwait(false))
            {
                if (stream.Rows.Reader.TryRead(out var row))
                {
                    return row;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Silent for too long: the host may be frozen or gone, so this pool is not to be trusted again.
            stream.End();
            Discard(stream.PoolTask);
            throw new HostOperationException(
                HostErrorKind.Timeout,
                HostName,
                command.Operation,
                $"The host sent no heartbeat within {heartbeatLimit.TotalSeconds:0.###} seconds.",
                command.VmName);
        }

        return stream.Failure is { } failure ? throw failure : null;
    }

    /// <summary>One running streaming pipeline: its output flows into <see cref="Rows"/> as it is written.</summary>
    private sealed class RowStream
    {
        private readonly Lock _gate = new();
        private readonly HostSession _session;
        private readonly HostCommand _command;
        private readonly HostConnection _pool;
        private readonly System.Management.Automation.PowerShell _shell;
        private readonly IDisposable _lease;
        private readonly PSDataCollection<PSObject> _output = [];
        private readonly Task<PSDataCollection<PSObject>> _invocation;
        private readonly Task _finished;
        private int _ended;

        public RowStream(HostSession session, HostCommand command, Task<HostConnection> poolTask, HostConnection pool, System.Management.Automation.PowerShell shell, IDisposable lease)
        {
            _session = session;
            _command = command;
            PoolTask = poolTask;
            _pool = pool;
            _shell = shell;
            _lease = lease;
            _output.DataAdded += (_, _) => Drain();
            var input = new PSDataCollection<PSObject>();
            input.Complete();
            _invocation = shell.InvokeAsync(input, _output);
            _finished = _invocation.ContinueWith(Finish, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }

        public Channel<PSObject> Rows { get; } = Channel.CreateUnbounded<PSObject>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        public Task<HostConnection> PoolTask { get; }

        /// <summary>Why the pipeline ended, once <see cref="Rows"/> is complete; null when it simply ended.</summary>
        public HostOperationException? Failure { get; private set; }

        /// <summary>Stops the pipeline if it still runs (without waiting: the transport may be dead), then releases it.</summary>
        public void End()
        {
            if (Interlocked.Exchange(ref _ended, 1) != 0)
            {
                return;
            }

            if (!_invocation.IsCompleted)
            {
                _session.TrackStop(_invocation);
                InFlightWork.SignalStop(_shell);
            }

            _ = _finished.ContinueWith(
                _ =>
                {
                    _shell.Dispose();
                    _lease.Dispose(); // last: the connection may be released from here on
                },
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default);
        }

        private void Drain()
        {
            // ReadAll takes the rows out: the collection never grows with the pipeline's life.
            lock (_gate)
            {
                foreach (var row in _output.ReadAll())
                {
                    Rows.Writer.TryWrite(row);
                }
            }
        }

        private void Finish(Task<PSDataCollection<PSObject>> invocation)
        {
            Drain();
            if (Volatile.Read(ref _ended) == 0)
            {
                if (invocation.Exception?.InnerException is { } exception)
                {
                    if (HostErrors.IsTransportFailure(exception) || !_pool.IsUsable)
                    {
                        _session.Discard(PoolTask);
                    }

                    Failure = HostErrors.FromException(exception, _session.HostName, _command);
                }
                else if (_shell.Streams.Error.Count > 0)
                {
                    Failure = HostErrors.FromErrorRecord(_shell.Streams.Error[0], _session.HostName, _command);
                }
            }
            else
            {
                _ = invocation.Exception; // stopped by us: observed, nobody is waiting for it
            }

            Rows.Writer.TryComplete();
        }
    }

    /// <summary>Closes the connection, waiting a few seconds at most for a host that does not answer.</summary>
    public async ValueTask DisposeAsync()
    {
        Task<HostConnection>? pool;
        lock (_gate)
        {
            _disposed = true;
            pool = _pool;
            _pool = null;
        }

        // An open still waiting for its turn never starts; one under way ends before its connection is released.
        await _closing.CancelAsync().ConfigureAwait(false);
        if (pool is null)
        {
            return;
        }

        if (!pool.IsCompletedSuccessfully)
        {
            DisposeWhenOpened(pool);
            return;
        }

        var stops = StopsEnded();
        if (!stops.IsCompleted)
        {
            // A pipeline told to stop may still write to the connection (see HostSession.Stopping.cs): close it after.
            _ = stops.ContinueWith(_ => pool.Result.CloseAsync(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap()
                .ContinueWith(static closed => _ = closed.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return;
        }

        try
        {
            await pool.Result.CloseAsync().WaitAsync(CloseLimit).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A dead or frozen host: what is left closes in the background.
        }
    }

    /// <summary>Opens (or reuses) the pool and binds a new shell for <paramref name="command"/> to one of its runspaces.</summary>
    private async Task<(Task<HostConnection> PoolTask, HostConnection Pool, System.Management.Automation.PowerShell Shell, IDisposable Lease)> AttachAsync(
        HostCommand command, CancellationToken deadline, CancellationToken cancellationToken)
    {
        var poolTask = GetOrOpenPool();
        HostConnection pool;
        try
        {
            pool = await poolTask.WaitAsync(deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Discard(poolTask);
            throw HostErrors.Timeout(HostName, command, Timeout);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Discard(poolTask);
            throw HostErrors.FromException(exception, HostName, command);
        }

        var shell = CreateShell(command);
        IDisposable lease;
        try
        {
            lease = await pool.AttachAsync(shell, deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            shell.Dispose();
            Discard(poolTask);
            throw HostErrors.Timeout(HostName, command, Timeout);
        }
        catch (Exception exception)
        {
            shell.Dispose();
            if (exception is OperationCanceledException)
            {
                throw;
            }

            Discard(poolTask);
            throw HostErrors.FromException(exception, HostName, command);
        }

        return (poolTask, pool, shell, lease);
    }

    private System.Management.Automation.PowerShell CreateShell(HostCommand command)
    {
        var shell = System.Management.Automation.PowerShell.Create();
        if (Invocation == HostInvocation.ByName)
        {
            // A JEA endpoint takes no script text: the module's function, by name, with the same parameters.
            shell.AddCommand(HostTools.FunctionName(command.Script));
        }
        else
        {
            shell.AddScript(ScriptLibrary.Get(command.Script), useLocalScope: true);
        }

        foreach (var (name, value) in command.Parameters)
        {
            shell.AddParameter(name, value);
        }

        return shell;
    }

    private Task<HostConnection> GetOrOpenPool()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_pool is { } current)
            {
                var usable = !current.IsCompleted || (current.IsCompletedSuccessfully && current.Result.IsUsable);
                if (usable)
                {
                    return current;
                }

                DisposeWhenOpened(current);
            }

            _pool = OpenPoolAsync();
            return _pool;
        }
    }

    private async Task<HostConnection> OpenPoolAsync()
    {
        var connection = _createConnection();
        try
        {
            // The time limit starts with the turn: waiting behind other hosts' opens is not the host's fault.
            await _openGate.OpenAsync(connection.OpenAsync, Timeout, _closing.Token).ConfigureAwait(false);
            if (Invocation == HostInvocation.ByName)
            {
                await CheckHostToolsAsync(connection).ConfigureAwait(false);
            }

            return connection;
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            connection.Dispose();
            throw new ObjectDisposedException(nameof(HostSession), $"The connection to '{HostName}' was closed while it opened.");
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void Discard(Task<HostConnection> poolTask)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_pool, poolTask))
            {
                _pool = null;
            }
        }

        DisposeWhenOpened(poolTask);
    }

    private void Abandon(System.Management.Automation.PowerShell shell, Task<PSDataCollection<PSObject>> invocation, IDisposable lease, bool stop)
    {
        _ = invocation.ContinueWith(
            finished =>
            {
                _ = finished.Exception;
                shell.Dispose();
                lease.Dispose(); // last: the connection may be released from here on
            },
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
        if (!stop)
        {
            return;
        }

        TrackStop(invocation);
        InFlightWork.SignalStop(shell);
    }
}
