namespace NestedHvDashboard.PowerShell;

/// <summary>
/// One command's shell, bound to a runspace of the host's connection: it owns the shell and its runspace lease, and knows
/// which connection they came from, so every way a command ends (done, failed, abandoned, stopped) cleans up in one place.
/// The shell is disposed before the lease: once the lease is released, the connection may be released too.
/// </summary>
internal sealed class AttachedShell
{
    private readonly ReconnectingPool _pool;
    private readonly Task<HostConnection> _connectionTask;
    private readonly IDisposable _lease;

    /// <param name="pool">Where the connection came from, to discard it from.</param>
    /// <param name="connectionTask">The connection as the pool hands it out (what <see cref="ReconnectingPool.Discard"/> takes).</param>
    /// <param name="connection">The opened connection.</param>
    /// <param name="shell">The command's shell, attached to one of the connection's runspaces.</param>
    /// <param name="lease">The runspace, until the command is done with it.</param>
    public AttachedShell(ReconnectingPool pool, Task<HostConnection> connectionTask, HostConnection connection, System.Management.Automation.PowerShell shell, IDisposable lease)
    {
        _pool = pool;
        _connectionTask = connectionTask;
        Connection = connection;
        Shell = shell;
        _lease = lease;
    }

    /// <summary>The command's shell.</summary>
    public System.Management.Automation.PowerShell Shell { get; }

    /// <summary>The connection the shell runs on.</summary>
    public HostConnection Connection { get; }

    /// <summary>Disposes the shell, then gives its runspace back.</summary>
    public void Release()
    {
        Shell.Dispose();
        _lease.Dispose(); // last: the connection may be released from here on
    }

    /// <summary>Releases the shell and discards its connection: a command that could not even start leaves it untrusted.</summary>
    public void ReleaseAndDiscard()
    {
        Release();
        Discard();
    }

    /// <summary>Discards the shell's connection (the next command opens a new one); the shell itself stays as it is.</summary>
    public void Discard() => _pool.Discard(_connectionTask);

    /// <summary>Releases the shell once <paramref name="ended"/> has, whatever its outcome (observed here: nobody else waits for it).</summary>
    public void ReleaseAfter(Task ended) =>
        _ = ended.ContinueWith(
            finished =>
            {
                _ = finished.Exception;
                Release();
            },
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);

    /// <summary>
    /// Tells the shell's pipeline (<paramref name="invocation"/>) to stop without waiting for it, and has the pool keep its
    /// connection open until it has ended (see ReconnectingPool.Stopping.cs).
    /// </summary>
    public void Stop(Task invocation)
    {
        _pool.TrackStop(invocation);
        InFlightWork.SignalStop(Shell);
    }
}
