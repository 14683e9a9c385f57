namespace NestedHvDashboard.PowerShell;

/// <summary>
/// Bounds how many host connections (runspace pools, SSH sessions, simulator runspaces) open at once.
/// Opening is the expensive part of a connection: hundreds of hosts opening together starved the thread
/// pool (every open imports modules and binds session state) until no host and no page answered.
/// A host waiting here for its turn is still Connecting; its open's time limit starts with its turn.
/// </summary>
public sealed class HostOpenGate : IDisposable
{
    /// <summary>The default number of opens at once: small, so opening never takes the whole machine.</summary>
    public const int DefaultMaxConcurrentOpens = 4;

    private readonly SemaphoreSlim _turns;
    private int _waiting;
    private int _opening;

    /// <param name="maxConcurrentOpens">The most connections that open at once (at least 1).</param>
    public HostOpenGate(int maxConcurrentOpens = DefaultMaxConcurrentOpens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentOpens, 1);
        MaxConcurrentOpens = maxConcurrentOpens;
        _turns = new SemaphoreSlim(maxConcurrentOpens, maxConcurrentOpens);
    }

    /// <summary>The gate every host shares unless it is given its own.</summary>
    public static HostOpenGate Shared { get; } = new();

    /// <summary>The most connections that open at once.</summary>
    public int MaxConcurrentOpens { get; }

    /// <summary>How many connections wait for their turn now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>How many connections are opening now.</summary>
    public int Opening => Volatile.Read(ref _opening);

    /// <summary>
    /// Waits for a turn, then runs <paramref name="open"/>, bounded by <paramref name="timeout"/> from the start of the turn.
    /// An open that outlives its limit keeps running in the background but gives its turn back: a frozen host never holds the others.
    /// </summary>
    /// <exception cref="TimeoutException">The open did not finish within <paramref name="timeout"/> of its turn.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task OpenAsync(Func<Task> open, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        Interlocked.Increment(ref _waiting);
        try
        {
            await _turns.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        Interlocked.Increment(ref _opening);
        try
        {
            await open().WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _opening);
            _turns.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _turns.Dispose();
}
