using StackExchange.Redis;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>
/// The instances alive, kept in Redis as one sorted set (<c>nhv:members</c>) of instance ids scored by when their entry
/// expires (Redis' own clock, so the instances' clocks need not agree). Each instance renews its entry every tick and
/// reads the others'; one that stops renewing is gone after <see cref="ClusterSettings.MemberTime"/> (half a lease time).
/// Also tracks whether Redis answers: the members are unknown (null) while it does not, and for one lease time after it
/// is back, while the others come back in.
/// </summary>
public sealed class ClusterMembership : IClusterMembership
{
    // Renews this instance's entry, drops the expired ones and returns the live ids, against Redis' clock.
    private const string RenewScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
        redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
        return redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')
        """;

    private readonly Lock _gate = new();
    private readonly ClusterSettings _settings;
    private readonly IConnectionMultiplexer _redis;
    private readonly TimeProvider _time;
    private IReadOnlyCollection<string>? _live;
    private DateTimeOffset? _lostSince;
    private DateTimeOffset? _backSince;

    /// <summary>Membership of the instance <paramref name="settings"/> names, through <paramref name="redis"/>.</summary>
    public ClusterMembership(ClusterSettings settings, IConnectionMultiplexer redis, TimeProvider? time = null)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _redis = redis ?? throw new ArgumentNullException(nameof(redis));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The sorted set's key.</summary>
    public string Key => _settings.Key("members");

    /// <inheritdoc />
    public IReadOnlyCollection<string>? LiveMembers
    {
        get
        {
            lock (_gate)
            {
                return _live;
            }
        }
    }

    /// <summary>False while Redis does not answer (not connected, or the last command failed).</summary>
    public bool RedisConnected
    {
        get
        {
            lock (_gate)
            {
                return _lostSince is null;
            }
        }
    }

    /// <summary>When Redis was lost, while it is.</summary>
    public DateTimeOffset? RedisLostSince
    {
        get
        {
            lock (_gate)
            {
                return _lostSince;
            }
        }
    }

    /// <summary>Renews this instance's entry and reads the live members; false (Redis lost) when Redis did not answer.</summary>
    public async Task<bool> RenewAsync(CancellationToken cancellationToken)
    {
        if (!_redis.IsConnected)
        {
            MarkLost();
            return false;
        }

        string[] members;
        try
        {
            var result = await _redis.GetDatabase().ScriptEvaluateAsync(
                RenewScript,
                [Key],
                [_settings.InstanceId, (long)_settings.MemberTime.TotalMilliseconds]).WaitAsync(cancellationToken);
            members = [.. ((RedisResult[]?)result ?? []).Select(r => (string?)r).OfType<string>().Order(StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            MarkLost();
            return false;
        }

        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_lostSince is not null)
            {
                _lostSince = null;
                _backSince = now;
            }

            // Back less than a lease time ago: the others may not have renewed yet (nor re-taken their hosts), so none may be judged dead.
            _live = _backSince is { } back && now - back < _settings.LeaseTime ? null : members;
        }

        return true;
    }

    /// <summary>Marks Redis lost (from the lease manager, when a command failed): the members are unknown until it is back.</summary>
    public void MarkLost()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            _lostSince ??= now;
            _backSince = null;
            _live = null;
        }
    }

    /// <summary>Removes this instance's entry (it stops): the others count it out at their next tick.</summary>
    public async Task LeaveAsync()
    {
        lock (_gate)
        {
            _live = null;
        }

        if (!_redis.IsConnected)
        {
            return;
        }

        try
        {
            await _redis.GetDatabase().SortedSetRemoveAsync(Key, _settings.InstanceId).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            // Its entry expires after a member time anyway.
        }
    }
}
