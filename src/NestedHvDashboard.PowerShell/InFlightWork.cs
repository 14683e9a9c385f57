namespace NestedHvDashboard.PowerShell;

/// <summary>
/// What runs on a connection now (its open, its commands), so the connection is released only when nothing does:
/// an in-process runspace pool disposed under a running pipeline or open crashes the process (a NullReferenceException
/// on the pipeline's own thread, in LocalPipeline.InvokeThreadProc). Closing stops the running commands and releases
/// the connection when the last one has ended; a remote connection, whose pipelines may never end on a dead transport,
/// is released after <c>forceAfter</c> at the latest.
/// </summary>
internal sealed class InFlightWork(Func<Task> release, TimeSpan? forceAfter)
{
    private readonly Lock _gate = new();
    private readonly HashSet<System.Management.Automation.PowerShell> _shells = [];
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;
    private bool _closing;
    private int _releasing;

    /// <summary>True once <see cref="Close"/> was called: no new work starts.</summary>
    public bool IsClosing
    {
        get
        {
            lock (_gate)
            {
                return _closing;
            }
        }
    }

    /// <summary>
    /// Counts one piece of work (with its <paramref name="shell"/>, stopped if the connection closes while it runs) until the
    /// returned handle is disposed; null once the connection is closing.
    /// </summary>
    public IDisposable? TryBegin(System.Management.Automation.PowerShell? shell = null)
    {
        lock (_gate)
        {
            if (_closing)
            {
                return null;
            }

            _count++;
            if (shell is not null)
            {
                _shells.Add(shell);
            }
        }

        return new Use(this, shell);
    }

    /// <summary>Stops what runs and releases the connection once it has ended; the task completes when it is released.</summary>
    public Task Close()
    {
        System.Management.Automation.PowerShell[] running;
        bool idle;
        lock (_gate)
        {
            if (_closing)
            {
                return _released.Task;
            }

            _closing = true;
            running = [.. _shells];
            idle = _count == 0;
        }

        if (idle)
        {
            ReleaseNow();
            return _released.Task;
        }

        foreach (var shell in running)
        {
            Stop(shell);
        }

        if (forceAfter is { } limit)
        {
            _ = Task.Delay(limit).ContinueWith(_ => ReleaseNow(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }

        return _released.Task;
    }

    private void End(System.Management.Automation.PowerShell? shell)
    {
        bool last;
        lock (_gate)
        {
            _count--;
            if (shell is not null)
            {
                _shells.Remove(shell);
            }

            last = _closing && _count == 0;
        }

        if (last)
        {
            ReleaseNow();
        }
    }

    private void ReleaseNow()
    {
        if (Interlocked.Exchange(ref _releasing, 1) != 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await release().ConfigureAwait(false);
            }
            catch
            {
                // The host is gone; there is nothing left to release.
            }
            finally
            {
                _released.TrySetResult();
            }
        });
    }

    private static void Stop(System.Management.Automation.PowerShell shell) =>
        _ = Task.Run(() =>
        {
            try
            {
                // BeginStop, not Stop: on a dead transport the stop itself may never complete.
                shell.BeginStop(static _ => { }, null);
            }
            catch
            {
                // Already finished, disposed or broken.
            }
        });

    private sealed class Use(InFlightWork owner, System.Management.Automation.PowerShell? shell) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                owner.End(shell);
            }
        }
    }
}
