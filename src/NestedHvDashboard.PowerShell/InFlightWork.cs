using System.Diagnostics;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace NestedHvDashboard.PowerShell;

/// <summary>
/// What runs on a connection now (its open, its commands), so the connection is released only when nothing does:
/// an in-process runspace pool disposed under a running pipeline or open crashes the process (a NullReferenceException
/// on the pipeline's own thread, in LocalPipeline.InvokeThreadProc). Closing stops the running commands and releases
/// the connection when the last one has ended; a remote connection, whose pipelines may never end on a dead transport,
/// is released after <c>forceAfter</c> at the latest. Stops go through <see cref="SignalStop"/>: an SSH pipeline is never sent
/// PowerShell's stop signal (its runspace is closed instead), and a connection that did send one is not released inside
/// <see cref="StopSignalGrace"/> after it.
/// </summary>
internal sealed class InFlightWork(Func<Task> release, TimeSpan? forceAfter, TimeSpan? stopSignalGrace = null)
{
    /// <summary>Longer than the SDK's 60 s stop-signal timer, with room for a loaded machine's late timer.</summary>
    internal static readonly TimeSpan StopSignalGrace = TimeSpan.FromSeconds(75);

    // The connection each running pipeline is attached to, so a stop signal sent from anywhere is noted on it.
    private static readonly ConditionalWeakTable<System.Management.Automation.PowerShell, InFlightWork> Owners = new();

    private readonly Lock _gate = new();
    private long _lastSignal = long.MinValue;
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
                Owners.AddOrUpdate(shell, this);
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
            SignalStop(shell);
        }

        if (forceAfter is { } limit)
        {
            _ = ForceReleaseAsync(limit);
        }

        return _released.Task;
    }

    /// <summary>
    /// Stops <paramref name="shell"/> without waiting (on a dead transport a stop may never complete). A pipeline on an SSH
    /// runspace is never sent PowerShell's stop signal: its 60 s timer writes to the ssh process's input when the host does
    /// not answer, and when that input was closed meanwhile — the ssh of a frozen or killed host exiting, or the runspace
    /// released — the write throws ObjectDisposedException on a timer thread and ends the whole process (the fault matrix's
    /// frozen lane, in CI). Its runspace, which runs that one pipeline only, is closed instead, which ends the pipeline.
    /// Other transports get the stop signal, noted on the pipeline's connection so it is not released inside
    /// <see cref="StopSignalGrace"/>.
    /// </summary>
    public static void SignalStop(System.Management.Automation.PowerShell shell)
    {
        if (shell.Runspace is { ConnectionInfo: SSHConnectionInfo } ssh)
        {
            _ = Task.Run(() =>
            {
                try
                {
                    ssh.Dispose();
                }
                catch
                {
                    // Already closed or broken.
                }
            });
            return;
        }

        if (Owners.TryGetValue(shell, out var owner))
        {
            owner.NoteSignal();
        }

        _ = Task.Run(() =>
        {
            try
            {
                shell.BeginStop(static _ => { }, null);
            }
            catch
            {
                // Already finished, disposed or broken.
            }
        });
    }

    /// <summary>How long from now until a forced release is safe: zero when no stop signal is still within its grace.</summary>
    internal TimeSpan SignalGraceLeft()
    {
        var last = Interlocked.Read(ref _lastSignal);
        if (last == long.MinValue)
        {
            return TimeSpan.Zero;
        }

        var left = (stopSignalGrace ?? StopSignalGrace) - Stopwatch.GetElapsedTime(last);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private void NoteSignal() => Interlocked.Exchange(ref _lastSignal, Stopwatch.GetTimestamp());

    private async Task ForceReleaseAsync(TimeSpan limit)
    {
        await Task.Delay(limit).ConfigureAwait(false);
        ReleaseNow(); // which waits out any stop signal's grace first

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
                // A remote connection's pipelines may end (broken, or failed by their own timer) with another signal's
                // timer still armed: its input stays open until every signal's grace is over.
                if (forceAfter is not null)
                {
                    for (var left = SignalGraceLeft(); left > TimeSpan.Zero; left = SignalGraceLeft())
                    {
                        await Task.Delay(left).ConfigureAwait(false);
                    }
                }

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
