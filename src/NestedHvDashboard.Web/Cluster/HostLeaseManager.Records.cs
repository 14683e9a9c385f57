using System.Globalization;
using Medallion.Threading.Redis;
using NestedHvDashboard.Core.Inventory;
using StackExchange.Redis;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>The keys beside each host's lock: the lock itself, its fencing number and its owner record, and who owns the other hosts.</summary>
public sealed partial class HostLeaseManager
{
    // The host's fencing number for a new lease. ARGV[1] is the fence this instance held (0 when none): it keeps it when
    // nobody took the host since (the counter is still at it, or Redis lost its data); else the counter grows past it.
    // A missing counter starts from Redis' clock in milliseconds, so a fence still grows after Redis lost its data.
    private const string FenceScript = """
        local held = tonumber(ARGV[1])
        local current = tonumber(redis.call('GET', KEYS[1]) or '0')
        if held > 0 and (current == held or current == 0) then
          redis.call('SET', KEYS[1], held)
          return held
        end
        if current == 0 then
          local t = redis.call('TIME')
          current = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        end
        if current < held then current = held end
        current = current + 1
        redis.call('SET', KEYS[1], current)
        return current
        """;

    private const string DeleteIfScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    private RedisDistributedLock NewLock(string host) =>
        new(_settings.Key("lease", host), _redis.GetDatabase(), options => options.Expiry(_settings.LeaseTime).ExtensionCadence(_settings.RenewInterval));

    // The lock just taken goes back when its fence cannot be had (else the library would go on extending it).
    private async Task<long> NextFenceAsync(string host, long held, RedisDistributedLockHandle handle)
    {
        try
        {
            return (long)await _redis.GetDatabase().ScriptEvaluateAsync(FenceScript, [_settings.Key("fence", host)], [held]);
        }
        catch
        {
            await ReleaseLockAsync(handle);
            throw;
        }
    }

    private string OwnerRecord(long fence) => _settings.InstanceId + " " + fence.ToString(CultureInfo.InvariantCulture);

    // Never throws: a record not written now is written at the next renewal.
    private async Task<bool> WriteOwnerRecordAsync(string host, long fence)
    {
        try
        {
            return await _redis.GetDatabase().StringSetAsync(_settings.Key("owner", host), OwnerRecord(fence), _settings.LeaseTime);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisFailed(ex, "writing an owner record");
            return false;
        }
    }

    // This instance is the one chosen for the host and waits for it, but another holds it: says so for a lease time, so an
    // instance that took it as an orphan hands it back. Never throws: written again at the next tick.
    private async Task WriteWantRecordAsync(string host)
    {
        try
        {
            await _redis.GetDatabase().StringSetAsync(_settings.Key("want", host), _settings.InstanceId, _settings.LeaseTime);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisFailed(ex, "writing a want record");
        }
    }

    // Taken after its want record was written: the record goes (only while it still names this instance).
    private async Task DeleteWantRecordAsync(string host)
    {
        try
        {
            await _redis.GetDatabase().ScriptEvaluateAsync(DeleteIfScript, [_settings.Key("want", host)], [_settings.InstanceId]);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // It expires after a lease time anyway.
        }
    }

    private async Task DeleteOwnerRecordAsync(string host, long fence)
    {
        if (!_redis.IsConnected)
        {
            return;
        }

        try
        {
            await _redis.GetDatabase().ScriptEvaluateAsync(DeleteIfScript, [_settings.Key("owner", host)], [OwnerRecord(fence)]).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            // It expires after the lease time anyway.
        }
    }

    // Each held lease's owner record, renewed while its lock holds: the time of the last success is what "late" reads.
    private async Task RenewOwnerRecordsAsync()
    {
        List<(HostEntry Entry, HostLease Lease)> held;
        lock (_gate)
        {
            held = [.. _hosts.Values.Where(e => e.Lease is not null && e.Handle is { HandleLostToken.IsCancellationRequested: false }).Select(e => (e, e.Lease!))];
        }

        var database = _redis.GetDatabase();
        var writes = held.Select(h => database.StringSetAsync(_settings.Key("owner", h.Entry.Host), OwnerRecord(h.Lease.Fence), _settings.LeaseTime)).ToList();
        await Task.WhenAll(writes);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            foreach (var (entry, lease) in held)
            {
                if (ReferenceEquals(entry.Lease, lease))
                {
                    entry.LastRenewed = now;
                }
            }
        }
    }

    // Who holds the hosts this instance knows, for OwnerOf, and which have no owner at all (for the rescue).
    private async Task ReadOwnersAsync()
    {
        List<HostEntry> known;
        List<HostEntry> rescued;
        lock (_gate)
        {
            known = [.. _hosts.Values];
            rescued = [.. known.Where(e => e.Lease is not null && e.RescuedAmong is not null)];
        }

        if (known.Count == 0)
        {
            return;
        }

        // And, for the hosts held as orphans, which instance wants them (one round trip with the owners).
        var records = await _redis.GetDatabase().StringGetAsync(
            [.. known.Select(e => (RedisKey)_settings.Key("owner", e.Host)), .. rescued.Select(e => (RedisKey)_settings.Key("want", e.Host))]);
        var owners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            for (var i = 0; i < rescued.Count; i++)
            {
                rescued[i].WantedBy = records[known.Count + i];
            }

            for (var i = 0; i < known.Count; i++)
            {
                var entry = known[i];
                if (records[i].HasValue && ((string)records[i]!).Split(' ') is [var owner, ..])
                {
                    owners[entry.Host] = owner;
                    entry.UnownedSince = null;
                }
                else if (entry.Lease is null)
                {
                    entry.UnownedSince ??= now;
                }
            }

            _owners = owners;
        }
    }
}
