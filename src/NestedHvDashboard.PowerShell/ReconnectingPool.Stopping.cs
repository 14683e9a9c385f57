using System.Collections.Concurrent;

namespace NestedHvDashboard.PowerShell;

/// <summary>
/// Closing a connection only after the pipelines told to stop on it have ended. PowerShell's out-of-process client (the SSH
/// transport) arms a 60 s timer when it sends a pipeline's stop signal; when a frozen host never answers, the timer fires and
/// writes a close packet to the connection's input — and if that input was closed meanwhile (the pool discarded after a
/// timeout), the write throws ObjectDisposedException on a timer thread, which ends the whole process. The fault matrix's
/// frozen-host lane found it. A stopped pipeline ends when the host acknowledges the stop or when that timer fails it, so
/// waiting for it (at most <see cref="StopGrace"/>) keeps the input open until nothing can write to it any more.
/// </summary>
internal sealed partial class ReconnectingPool
{
    /// <summary>Longer than the SDK's 60 s stop-signal timer: past it, the connection is closed anyway.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(90);

    private readonly ConcurrentDictionary<Task, byte> _stopping = new();

    /// <summary>Notes a pipeline about to be told to stop; it is forgotten once it ends.</summary>
    public void TrackStop(Task invocation)
    {
        if (invocation.IsCompleted || !_stopping.TryAdd(invocation, 0))
        {
            return;
        }

        _ = invocation.ContinueWith(
            ended => _stopping.TryRemove(ended, out _),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Completes when every pipeline told to stop so far has ended, or after <see cref="StopGrace"/>.</summary>
    private Task StopsEnded()
    {
        var pending = _stopping.Keys.ToArray();
        if (pending.Length == 0)
        {
            return Task.CompletedTask;
        }

        // Their failures are observed where they were abandoned; here only their end counts.
        var ended = Task.WhenAll(pending.Select(static p => p.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)));
        return Task.WhenAny(ended, Task.Delay(StopGrace));
    }

    /// <summary>Disposes the connection once it opened and once the pipelines stopped so far have ended.</summary>
    private void DisposeWhenOpened(Task<HostConnection> connection)
    {
        var stops = StopsEnded();
        connection.ContinueWith(
            opened =>
            {
                if (!opened.IsCompletedSuccessfully)
                {
                    _ = opened.Exception; // observed: the caller that waited for it has reported it
                    return;
                }

                if (stops.IsCompleted)
                {
                    opened.Result.Dispose();
                }
                else
                {
                    stops.ContinueWith(_ => opened.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
