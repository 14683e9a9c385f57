using System.Collections.Concurrent;
using System.Management.Automation.Runspaces;

namespace NestedHvDashboard.PowerShell;

/// <summary>
/// Where a host's commands run: a <see cref="RunspacePool"/> (in-process, WinRM) or, for SSH,
/// where PowerShell has no remote pools, a small set of remote runspaces used the same way.
/// </summary>
internal abstract class HostConnection : IDisposable
{
    /// <summary>Opens the connection (at least one runspace), so connection errors surface here.</summary>
    public abstract Task OpenAsync();

    /// <summary>False once the connection is broken and must be replaced.</summary>
    public abstract bool IsUsable { get; }

    /// <summary>Binds <paramref name="shell"/> to a runspace; dispose the lease when the command is done.</summary>
    public abstract Task<IDisposable> AttachAsync(System.Management.Automation.PowerShell shell, CancellationToken cancellationToken);

    public abstract void Dispose();

    /// <summary>Closes everything; the caller bounds how long it waits.</summary>
    public abstract Task CloseAsync();

    /// <summary>Disposes in the background: closing a connection whose host is gone must not hold anyone.</summary>
    protected static void DisposeInBackground(IDisposable disposable) =>
        _ = Task.Run(() =>
        {
            try
            {
                disposable.Dispose();
            }
            catch
            {
                // The host is gone; there is nothing left to release.
            }
        });

    /// <summary>How long a remote connection's commands may take to stop before it is released anyway (its transport may be dead).</summary>
    private static readonly TimeSpan RemoteGrace = TimeSpan.FromSeconds(10);

    private static InvalidRunspacePoolStateException Closing() => new("The connection to the host is closing.");

    /// <summary>One <see cref="RunspacePool"/>: PowerShell queues commands beyond its size itself.</summary>
    /// <param name="pool">The pool, not yet opened.</param>
    /// <param name="explainFailure">Turns an opening failure into one that says the fix (see <see cref="ConnectionAdvice"/>).</param>
    public sealed class Pool(RunspacePool pool, Func<Exception, Exception>? explainFailure = null) : HostConnection
    {
        // Released only when its open and its commands have ended (an in-process pool); a remote one at the latest after RemoteGrace.
        private readonly InFlightWork _work = new(() => Task.Run(pool.Dispose), pool.ConnectionInfo is null ? null : RemoteGrace);

        public override bool IsUsable => !_work.IsClosing && pool.RunspacePoolStateInfo.State == RunspacePoolState.Opened;

        // On a thread of its own: BeginOpen would run the whole blocking open (session state, modules) on a thread-pool thread.
        public override async Task OpenAsync()
        {
            using var opening = _work.TryBegin() ?? throw Closing();
            try
            {
                await Task.Factory.StartNew(pool.Open, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
                    .ConfigureAwait(false);
            }
            catch (Exception failure) when (explainFailure is not null)
            {
                throw explainFailure(failure);
            }
        }

        public override Task<IDisposable> AttachAsync(System.Management.Automation.PowerShell shell, CancellationToken cancellationToken)
        {
            var use = _work.TryBegin(shell) ?? throw Closing();
            shell.RunspacePool = pool;
            return Task.FromResult(use);
        }

        public override void Dispose() => _work.Close();

        public override Task CloseAsync() => _work.Close();
    }

    /// <summary>
    /// Up to <c>size</c> remote runspaces over one transport (SSH), opened as concurrency asks for
    /// them, each running one command at a time.
    /// </summary>
    public sealed class RunspaceSet : HostConnection
    {
        private readonly Func<Runspace> _createRunspace;
        private readonly Func<Exception, Task<Exception>>? _explainFailure;
        private readonly SemaphoreSlim _slots;
        private readonly ConcurrentStack<Runspace> _idle = new();
        private readonly ConcurrentBag<Runspace> _all = [];
        private readonly InFlightWork _work;
        private volatile bool _broken;

        /// <param name="createRunspace">Makes a new, unopened remote runspace.</param>
        /// <param name="size">The most runspaces (and commands at once).</param>
        /// <param name="explainFailure">Turns an opening failure into one that says more (see <see cref="SshDiagnosis"/>).</param>
        public RunspaceSet(Func<Runspace> createRunspace, int size, Func<Exception, Task<Exception>>? explainFailure = null)
        {
            _createRunspace = createRunspace;
            _explainFailure = explainFailure;
            _slots = new(size, size);
            // Released when its opens and commands have ended, or after RemoteGrace: an SSH pipeline may never end on a dead transport.
            _work = new(() => Task.WhenAll(_all.Select(runspace => Task.Run(runspace.Dispose))), RemoteGrace);
        }

        public override bool IsUsable => !_broken && !_work.IsClosing;

        public override async Task OpenAsync() => _idle.Push(await OpenOneAsync().ConfigureAwait(false));

        public override async Task<IDisposable> AttachAsync(System.Management.Automation.PowerShell shell, CancellationToken cancellationToken)
        {
            var use = _work.TryBegin(shell) ?? throw Closing();
            try
            {
                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                use.Dispose();
                throw;
            }

            try
            {
                Runspace? runspace = null;
                while (_idle.TryPop(out var candidate))
                {
                    if (candidate.RunspaceStateInfo.State == RunspaceState.Opened)
                    {
                        runspace = candidate;
                        break;
                    }

                    DisposeInBackground(candidate);
                }

                runspace ??= await OpenOneAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
                shell.Runspace = runspace;
                return new Lease(this, runspace, use);
            }
            catch
            {
                _slots.Release();
                use.Dispose();
                throw;
            }
        }

        public override void Dispose()
        {
            _broken = true;
            _work.Close();
        }

        public override Task CloseAsync()
        {
            _broken = true;
            return _work.Close();
        }

        private async Task<Runspace> OpenOneAsync()
        {
            try
            {
                return await OpenRunspaceAsync().ConfigureAwait(false);
            }
            catch (Exception failure) when (_explainFailure is not null)
            {
                throw await _explainFailure(failure).ConfigureAwait(false);
            }
        }

        private async Task<Runspace> OpenRunspaceAsync()
        {
            using var opening = _work.TryBegin() ?? throw Closing();
            var runspace = _createRunspace();
            _all.Add(runspace);
            var opened = new TaskCompletionSource<Runspace>(TaskCreationOptions.RunContinuationsAsynchronously);
            runspace.StateChanged += (_, e) =>
            {
                switch (e.RunspaceStateInfo.State)
                {
                    case RunspaceState.Opened:
                        opened.TrySetResult(runspace);
                        break;
                    case RunspaceState.Broken or RunspaceState.Closed:
                        _broken = true;
                        opened.TrySetException(e.RunspaceStateInfo.Reason ?? new InvalidRunspaceStateException($"The remote runspace is {e.RunspaceStateInfo.State}."));
                        break;
                    default:
                        break;
                }
            };
            runspace.OpenAsync();
            SshTransportGuard.Protect(runspace); // as soon as the ssh process (and its input writer) exists
            return await opened.Task.ConfigureAwait(false);
        }

        private sealed class Lease(RunspaceSet owner, Runspace runspace, IDisposable use) : IDisposable
        {
            private int _released;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _released, 1) != 0)
                {
                    return;
                }

                if (!owner._work.IsClosing && runspace.RunspaceStateInfo.State == RunspaceState.Opened && runspace.RunspaceAvailability == RunspaceAvailability.Available)
                {
                    owner._idle.Push(runspace);
                }
                else if (!owner._work.IsClosing)
                {
                    DisposeInBackground(runspace);
                }

                owner._slots.Release();
                use.Dispose(); // last: the set may be released from here on
            }
        }
    }
}
