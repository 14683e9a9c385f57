namespace NestedHvDashboard.PowerShell;

/// <summary>
/// A host's connection, opened lazily through the <see cref="HostOpenGate"/> and opened again once it breaks or a caller
/// discards it (a frozen or dead host is not to be trusted again). A discarded or replaced connection is released only after
/// its open and the pipelines told to stop on it have ended (see ReconnectingPool.Stopping.cs).
/// </summary>
internal sealed partial class ReconnectingPool : IAsyncDisposable
{
    private static readonly TimeSpan CloseLimit = TimeSpan.FromSeconds(5);
    private readonly string _hostName;
    private readonly TimeSpan _timeout;
    private readonly Func<HostConnection> _createConnection;
    private readonly HostOpenGate _openGate;
    private readonly Func<HostConnection, CancellationToken, Task>? _checkOpened;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _closing = new();
    private Task<HostConnection>? _current;
    private bool _closed;

    /// <param name="hostName">The host's name in the dashboard, for errors.</param>
    /// <param name="timeout">The bound on an open, from its turn at the gate.</param>
    /// <param name="createConnection">Makes a new, unopened connection.</param>
    /// <param name="openGate">Bounds the opens at once across hosts.</param>
    /// <param name="checkOpened">Runs on each newly opened connection before anyone uses it (with the token that closing cancels); what it throws fails the open.</param>
    public ReconnectingPool(string hostName, TimeSpan timeout, Func<HostConnection> createConnection, HostOpenGate openGate, Func<HostConnection, CancellationToken, Task>? checkOpened = null)
    {
        _hostName = hostName;
        _timeout = timeout;
        _createConnection = createConnection;
        _openGate = openGate;
        _checkOpened = checkOpened;
    }

    /// <summary>True once the pool is closing: no new connection opens.</summary>
    public bool IsClosed => _closed;

    /// <summary>The current connection (open, or opening), or a new one when there is none or the current one broke.</summary>
    /// <exception cref="ObjectDisposedException">The pool is closed (reported as its <see cref="HostSession"/>).</exception>
    public Task<HostConnection> GetOrOpen()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, typeof(HostSession));
            if (_current is { } current)
            {
                var usable = !current.IsCompleted || (current.IsCompletedSuccessfully && current.Result.IsUsable);
                if (usable)
                {
                    return current;
                }

                DisposeWhenOpened(current);
            }

            _current = OpenAsync();
            return _current;
        }
    }

    /// <summary>Forgets <paramref name="connection"/> (the next caller opens a new one) and releases it once it is safe to.</summary>
    public void Discard(Task<HostConnection> connection)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_current, connection))
            {
                _current = null;
            }
        }

        DisposeWhenOpened(connection);
    }

    /// <summary>Closes the connection, waiting a few seconds at most for a host that does not answer.</summary>
    public async ValueTask DisposeAsync()
    {
        Task<HostConnection>? current;
        lock (_gate)
        {
            _closed = true;
            current = _current;
            _current = null;
        }

        // An open still waiting for its turn never starts; one under way ends before its connection is released.
        await _closing.CancelAsync().ConfigureAwait(false);
        if (current is null)
        {
            return;
        }

        if (!current.IsCompletedSuccessfully)
        {
            DisposeWhenOpened(current);
            return;
        }

        var stops = StopsEnded();
        if (!stops.IsCompleted)
        {
            // A pipeline told to stop may still write to the connection (see ReconnectingPool.Stopping.cs): close it after.
            _ = stops.ContinueWith(_ => current.Result.CloseAsync(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap()
                .ContinueWith(static closed => _ = closed.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return;
        }

        try
        {
            await current.Result.CloseAsync().WaitAsync(CloseLimit).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A dead or frozen host: what is left closes in the background.
        }
    }

    private async Task<HostConnection> OpenAsync()
    {
        var connection = _createConnection();
        try
        {
            // The time limit starts with the turn: waiting behind other hosts' opens is not the host's fault.
            await _openGate.OpenAsync(connection.OpenAsync, _timeout, _closing.Token).ConfigureAwait(false);
            if (_checkOpened is not null)
            {
                await _checkOpened(connection, _closing.Token).ConfigureAwait(false);
            }

            return connection;
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            connection.Dispose();
            throw new ObjectDisposedException(nameof(HostSession), $"The connection to '{_hostName}' was closed while it opened.");
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
