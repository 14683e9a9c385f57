using System.Management.Automation;
using System.Threading.Channels;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.PowerShell;

/// <summary>
/// One running streaming pipeline (<see cref="HostSession.StreamAsync"/>): its output flows into a channel as it is written,
/// and is read row by row under a heartbeat watchdog. Ending it stops the pipeline without waiting (the transport may be dead).
/// </summary>
internal sealed class RowStream
{
    private readonly Lock _gate = new();
    private readonly AttachedShell _attached;
    private readonly string _hostName;
    private readonly HostCommand _command;
    private readonly PSDataCollection<PSObject> _output = [];
    private readonly Channel<PSObject> _rows = Channel.CreateUnbounded<PSObject>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Task<PSDataCollection<PSObject>> _invocation;
    private readonly Task _finished;
    private HostOperationException? _failure;
    private int _ended;

    /// <summary>Starts <paramref name="attached"/>'s pipeline; a failure to start throws here.</summary>
    /// <param name="attached">The command's shell; the stream owns it from here on.</param>
    /// <param name="hostName">The host's name in the dashboard, for errors.</param>
    /// <param name="command">What runs, for errors.</param>
    public RowStream(AttachedShell attached, string hostName, HostCommand command)
    {
        _attached = attached;
        _hostName = hostName;
        _command = command;
        _output.DataAdded += (_, _) => Drain();
        var input = new PSDataCollection<PSObject>();
        input.Complete();
        _invocation = attached.Shell.InvokeAsync(input, _output);
        _finished = _invocation.ContinueWith(Finish, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>
    /// The next row, or null once the pipeline simply ended. When <paramref name="watchdog"/> runs out first (and not
    /// <paramref name="cancellationToken"/>), the host counts as frozen: the stream ends, its connection is discarded, and Timeout thrown.
    /// </summary>
    /// <exception cref="HostOperationException">The pipeline failed, or the host fell silent for <paramref name="heartbeatLimit"/>.</exception>
    public async Task<PSObject?> NextAsync(TimeSpan heartbeatLimit, CancellationToken watchdog, CancellationToken cancellationToken)
    {
        try
        {
            while (await _rows.Reader.WaitToReadAsync(watchdog).ConfigureAwait(false))
            {
                if (_rows.Reader.TryRead(out var row))
                {
                    return row;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Silent for too long: the host may be frozen or gone, so this connection is not to be trusted again.
            End();
            _attached.Discard();
            throw new HostOperationException(
                HostErrorKind.Timeout,
                _hostName,
                _command.Operation,
                $"The host sent no heartbeat within {heartbeatLimit.TotalSeconds:0.###} seconds.",
                _command.VmName);
        }

        return _failure is { } failure ? throw failure : null;
    }

    /// <summary>Stops the pipeline if it still runs (without waiting: the transport may be dead), then releases it.</summary>
    public void End()
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        if (!_invocation.IsCompleted)
        {
            _attached.Stop(_invocation);
        }

        _attached.ReleaseAfter(_finished);
    }

    private void Drain()
    {
        // ReadAll takes the rows out: the collection never grows with the pipeline's life.
        lock (_gate)
        {
            foreach (var row in _output.ReadAll())
            {
                _rows.Writer.TryWrite(row);
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
                if (HostErrors.IsTransportFailure(exception) || !_attached.Connection.IsUsable)
                {
                    _attached.Discard();
                }

                _failure = HostErrors.FromException(exception, _hostName, _command);
            }
            else if (_attached.Shell.Streams.Error.Count > 0)
            {
                _failure = HostErrors.FromErrorRecord(_attached.Shell.Streams.Error[0], _hostName, _command);
            }
        }
        else
        {
            _ = invocation.Exception; // stopped by us: observed, nobody is waiting for it
        }

        _rows.Writer.TryComplete();
    }
}
