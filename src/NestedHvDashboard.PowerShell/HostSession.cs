using System.Management.Automation;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.PowerShell;

/// <summary>
/// The one way the dashboard runs PowerShell on a host: a long-lived runspace pool,
/// opened lazily and recreated after it breaks, and every call bounded by the host's timeout.
/// A call that outlives the timeout is abandoned (stopped in the background) together with its
/// pool, so a dead or frozen host never holds a caller.
/// </summary>
public sealed class HostSession : IAsyncDisposable
{
    private readonly Func<HostConnection> _createConnection;
    private static readonly TimeSpan CloseLimit = TimeSpan.FromSeconds(5);
    private readonly Lock _gate = new();
    private Task<HostConnection>? _pool;
    private int _invocations;
    private bool _disposed;

    /// <param name="hostName">The host's name in the dashboard, for errors.</param>
    /// <param name="timeout">The bound on every call, including opening the pool.</param>
    /// <param name="createConnection">Makes a new, unopened connection.</param>
    internal HostSession(string hostName, TimeSpan timeout, Func<HostConnection> createConnection)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        HostName = hostName;
        Timeout = timeout;
        _createConnection = createConnection;
    }

    /// <summary>The host's name in the dashboard.</summary>
    public string HostName { get; }

    /// <summary>The bound on every call.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>How many round trips this session has started.</summary>
    public int InvocationCount => Volatile.Read(ref _invocations);

    /// <summary>Runs one static script with its parameters and returns what it wrote to the output.</summary>
    /// <exception cref="HostOperationException">The host failed, refused, or did not answer in time.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<IReadOnlyList<PSObject>> InvokeAsync(HostCommand command, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        Interlocked.Increment(ref _invocations);

        var poolTask = GetOrOpenPool();
        HostConnection pool;
        try
        {
            pool = await poolTask.WaitAsync(deadline.Token).ConfigureAwait(false);
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
            lease = await pool.AttachAsync(shell, deadline.Token).ConfigureAwait(false);
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

        Task<PSDataCollection<PSObject>> invocation;
        try
        {
            invocation = shell.InvokeAsync();
        }
        catch (Exception exception)
        {
            lease.Dispose();
            shell.Dispose();
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
            Abandon(shell, invocation, lease);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
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
                lease.Dispose();
                shell.Dispose();
            }
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

        if (pool is null)
        {
            return;
        }

        if (!pool.IsCompletedSuccessfully)
        {
            DisposeWhenOpened(pool);
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

    private static System.Management.Automation.PowerShell CreateShell(HostCommand command)
    {
        var shell = System.Management.Automation.PowerShell.Create();
        shell.AddScript(ScriptLibrary.Get(command.Script), useLocalScope: true);
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
            await connection.OpenAsync().ConfigureAwait(false);
            return connection;
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

    private static void DisposeWhenOpened(Task<HostConnection> poolTask) =>
        poolTask.ContinueWith(
            opened =>
            {
                if (opened.IsCompletedSuccessfully)
                {
                    opened.Result.Dispose();
                }
                else
                {
                    _ = opened.Exception; // observed: the caller that waited for it has reported it
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private static void Abandon(System.Management.Automation.PowerShell shell, Task<PSDataCollection<PSObject>> invocation, IDisposable lease)
    {
        _ = invocation.ContinueWith(
            finished =>
            {
                _ = finished.Exception;
                lease.Dispose();
                shell.Dispose();
            },
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
        _ = Task.Run(() =>
        {
            try
            {
                // BeginStop, not Stop: on a dead transport the stop itself may never complete.
                shell.BeginStop(static result => { }, null);
            }
            catch
            {
                // Already finished or already broken.
            }
        });
    }
}
