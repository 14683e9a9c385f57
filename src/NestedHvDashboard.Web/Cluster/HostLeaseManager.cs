using Medallion.Threading.Redis;
using NestedHvDashboard.Core.Inventory;
using StackExchange.Redis;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>
/// This instance's host leases in a cluster: one <see cref="RedisDistributedLock"/> per host (<c>nhv:lease:&lt;host&gt;</c>,
/// expiry the lease time, extended every renew interval by the library), a fencing number per host
/// (<c>nhv:fence:&lt;host&gt;</c>, grown at each new owner) and an owner record any instance reads
/// (<c>nhv:owner:&lt;host&gt;</c> = "instance fence", expiring with the lease unless renewed).
/// A host is taken by the live instance that rendezvous hashing picks (<see cref="Rendezvous"/>) and handed back when another
/// should have it; while Redis is lost the hosts held are kept (still watched) and re-acquired first when it is back.
/// <see cref="TickAsync"/> does the work, about once a second (<see cref="ClusterLeaseService"/>).
/// </summary>
public sealed partial class HostLeaseManager : IHostOwnership, IHostOwnershipView, IClusterHealth
{
    // How long a hand-back waits for the lease's watch to stop before the lock goes back regardless.
    private static readonly TimeSpan WatchStopPatience = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, HostEntry> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<HostLease, TaskCompletionSource> _ending = new(ReferenceEqualityComparer.Instance);
    private readonly ClusterSettings _settings;
    private readonly IConnectionMultiplexer _redis;
    private readonly ClusterMembership _membership;
    private readonly TimeProvider _time;
    private readonly ILogger<HostLeaseManager> _logger;
    private string? _membersLogged;
    private Dictionary<string, string> _owners = new(StringComparer.OrdinalIgnoreCase);
    private ClusterHealthReading? _lastReading;
    private bool _stopped;

    /// <summary>The leases of the instance <paramref name="settings"/> names, through <paramref name="redis"/>.</summary>
    public HostLeaseManager(ClusterSettings settings, IConnectionMultiplexer redis, ClusterMembership membership, ILogger<HostLeaseManager> logger, TimeProvider? time = null)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _redis = redis ?? throw new ArgumentNullException(nameof(redis));
        _membership = membership ?? throw new ArgumentNullException(nameof(membership));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public event Action<string, long>? Acquired;

    /// <inheritdoc />
    public event Action<string>? Released;

    /// <summary>
    /// Raised once when this instance is the one to own a host but its lock is still held (its owner just counted out of
    /// the members and its lease running out, or handing it back): the host's connection can be opened meanwhile
    /// (<see cref="ConnectAhead"/>). Raised again only after the host was taken or went to another instance.
    /// </summary>
    public event Action<string>? Expected;

    /// <inheritdoc />
    public event Action? Changed;

    /// <summary>This instance's id.</summary>
    public string InstanceId => _settings.InstanceId;

    /// <inheritdoc />
    public async ValueTask<HostLease> AcquireAsync(string host, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        var waiter = new TaskCompletionSource<HostLease>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (!_hosts.TryGetValue(host, out var entry))
            {
                _hosts[host] = entry = new HostEntry(host);
            }

            if (entry.Lease is { } held)
            {
                return held;
            }

            entry.Waiters.Add(waiter);
        }

        // Granted and canceled at once: the lease is returned all the same (the caller's release gives it back).
        await using var registration = cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                if (_hosts.TryGetValue(host, out var entry))
                {
                    entry.Waiters.Remove(waiter);
                }
            }

            waiter.TrySetCanceled(cancellationToken);
        });
        return await waiter.Task;
    }

    /// <inheritdoc />
    public async ValueTask ReleaseAsync(HostLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        Held? given;
        lock (_gate)
        {
            if (_ending.Remove(lease, out var ended))
            {
                // A lease handed back: its watch has stopped, the lock may go.
                ended.TrySetResult();
            }

            if (!_hosts.TryGetValue(lease.Host, out var entry) || !ReferenceEquals(entry.Lease, lease))
            {
                return;
            }

            given = Detach(entry, awaitWatch: false);
            if (entry.Waiters.Count == 0)
            {
                _hosts.Remove(lease.Host);
            }
        }

        await GiveBackAsync(given, "released");
    }

    /// <inheritdoc />
    public bool Owns(string host, out long fence)
    {
        lock (_gate)
        {
            if (_hosts.TryGetValue(host, out var entry) && entry.Lease is { } lease)
            {
                fence = lease.Fence;
                return true;
            }
        }

        fence = 0;
        return false;
    }

    /// <inheritdoc />
    public string? OwnerOf(string host)
    {
        lock (_gate)
        {
            if (_hosts.TryGetValue(host, out var entry) && entry.Lease is not null)
            {
                return _settings.InstanceId;
            }

            return _owners.GetValueOrDefault(host);
        }
    }

    /// <inheritdoc />
    public ClusterHealthReading Read()
    {
        var now = _time.GetUtcNow();
        var late = _settings.RenewInterval * 2;
        lock (_gate)
        {
            var held = _hosts.Values.Where(e => e.Lease is not null).OrderBy(e => e.Host, StringComparer.OrdinalIgnoreCase).ToList();
            return new ClusterHealthReading(
                _membership.RedisConnected,
                _membership.RedisLostSince,
                [.. held.Select(e => e.Host)],
                [.. held.Where(e => now - e.LastRenewed > late).Select(e => e.Host)],
                _membership.LiveMembers?.Count ?? 0);
        }
    }

    /// <summary>
    /// Gives every lease back at once and leaves the membership (the app stops): the other instances take the hosts over at
    /// their next tick. Nothing is taken after it.
    /// </summary>
    public async Task StopAsync()
    {
        List<Held> given = [];
        lock (_gate)
        {
            _stopped = true;
            foreach (var entry in _hosts.Values)
            {
                if (Detach(entry, awaitWatch: true) is { } held)
                {
                    given.Add(held);
                }
            }
        }

        await Task.WhenAll(given.Select(h => GiveBackAsync(h, "handed back as the instance stops")));
        await _membership.LeaveAsync();
        RaiseIfChanged();
    }

    // Under _gate: the entry no longer holds its lease; the caller gives the lock back (outside the gate) and says so. With
    // awaitWatch, the lock goes back only once the lease's holder released it (its watch stopped): never watched twice.
    private Held? Detach(HostEntry entry, bool awaitWatch)
    {
        if (entry.Lease is not { } lease)
        {
            return null;
        }

        var ended = Task.CompletedTask;
        if (awaitWatch)
        {
            var watchEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _ending[lease] = watchEnded;
            ended = watchEnded.Task;
        }

        var held = new Held(entry.Host, lease, entry.LostSource!, entry.Handle, ended);
        entry.Lease = null;
        entry.LostSource = null;
        entry.Handle = null;
        return held;
    }

    // Cancels the lease (the monitor stops watching), releases the lock and the owner record, tells the listeners.
    private async Task GiveBackAsync(Held? held, string why)
    {
        if (held is null)
        {
            return;
        }

        await held.LostSource.CancelAsync();
        try
        {
            await held.Ended.WaitAsync(WatchStopPatience);
        }
        catch (TimeoutException)
        {
            // Nobody watched it (or its watch is stuck): the lock goes back all the same.
            lock (_gate)
            {
                _ending.Remove(held.Lease);
            }
        }

        held.LostSource.Dispose();
        if (held.Handle is { } handle)
        {
            await ReleaseLockAsync(handle);
        }

        await DeleteOwnerRecordAsync(held.Host, held.Lease.Fence);
        LogGivenBack(held.Host, held.Lease.Fence, why);
        Released?.Invoke(held.Host);
        RaiseIfChanged();
    }

    private async Task ReleaseLockAsync(RedisDistributedLockHandle handle)
    {
        try
        {
            // Deletes the lock's key when it is still this handle's; bounded, as Redis may be gone.
            await handle.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The key expires after the lease time anyway.
            LogRedisFailed(ex, "releasing a lock");
        }
    }

    private void RaiseIfChanged()
    {
        var reading = Read();
        bool? redisChanged;
        lock (_gate)
        {
            if (_lastReading is { } last && Same(last, reading))
            {
                return;
            }

            redisChanged = _lastReading is { } before && before.RedisConnected != reading.RedisConnected ? reading.RedisConnected : null;
            _lastReading = reading;
        }

        if (redisChanged == false)
        {
            LogRedisLost(reading.OwnedHosts.Count);
        }
        else if (redisChanged == true)
        {
            LogRedisBack(_settings.LeaseTime.TotalSeconds);
        }

        Changed?.Invoke();
    }

    private static bool Same(ClusterHealthReading a, ClusterHealthReading b) =>
        a.RedisConnected == b.RedisConnected && a.RedisLostSince == b.RedisLostSince && a.LiveMembers == b.LiveMembers
        && a.OwnedHosts.SequenceEqual(b.OwnedHosts, StringComparer.OrdinalIgnoreCase)
        && a.LateRenewals.SequenceEqual(b.LateRenewals, StringComparer.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: the instances alive are now {Members}")]
    private partial void LogMembers(string members);

    [LoggerMessage(Level = LogLevel.Information, Message = "Host {Host}: lease taken with fence {Fence}")]
    private partial void LogTaken(string host, long fence);

    [LoggerMessage(Level = LogLevel.Information, Message = "Host {Host}: lease (fence {Fence}) {Why}")]
    private partial void LogGivenBack(string host, long fence, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis lost: this instance goes on watching its {Count} hosts; the others' are not live here until it is back")]
    private partial void LogRedisLost(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis is back: this instance re-acquires its hosts; no new host is taken for {Seconds} s")]
    private partial void LogRedisBack(double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis did not answer while {What}")]
    private partial void LogRedisFailed(Exception error, string what);

    /// <summary>One host this instance wants (a monitor loop waits for it) or holds.</summary>
    private sealed class HostEntry(string host)
    {
        public string Host { get; } = host;

        public List<TaskCompletionSource<HostLease>> Waiters { get; } = [];

        public HostLease? Lease { get; set; }

        public CancellationTokenSource? LostSource { get; set; }

        // Null while the lease is kept without Redis (lost with it, not yet re-acquired).
        public RedisDistributedLockHandle? Handle { get; set; }

        public DateTimeOffset LastRenewed { get; set; }

        // When no owner record was seen for it (nobody holds it), for the rescue of hosts the chosen owner does not take.
        public DateTimeOffset? UnownedSince { get; set; }

        // The members when it was taken as such an orphan: not handed back until they change, or its chosen owner wants it.
        public string? RescuedAmong { get; set; }

        // For a host held as an orphan: the instance whose want record names it (read each tick), null when none.
        public string? WantedBy { get; set; }

        // Expected was raised for it and it has not been taken since (nor gone to another instance).
        public bool Expected { get; set; }
    }

    private sealed record Held(string Host, HostLease Lease, CancellationTokenSource LostSource, RedisDistributedLockHandle? Handle, Task Ended);
}
