using Medallion.Threading.Redis;
using NestedHvDashboard.Core.Operations;
using StackExchange.Redis;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>
/// The per-VM lock across instances, in Redis through DistributedLock.Redis: <c>nhv:vm:&lt;HOST&gt;:&lt;vm id&gt;</c>, taken
/// without waiting, living a lease time and extended while the change runs, so a dead instance's lock frees itself within a
/// lease time. Beside it <c>…:name</c> keeps the VM's name for the other instances' "busy" message.
/// </summary>
public sealed partial class RedisVmLock(IConnectionMultiplexer redis, ClusterSettings settings, ILogger<RedisVmLock> logger) : IDistributedVmLock
{
    // The name outlives no lock for long: it is deleted at release, and kept at most this long if that delete was lost.
    private static readonly TimeSpan NameLife = TimeSpan.FromHours(1);

    /// <summary>The lock's Redis key for the VM: the host's name upper-cased (as the local lock compares it) and the VM's id.</summary>
    public string KeyOf(string hostName, Guid vmId)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        return settings.Key("vm", hostName.ToUpperInvariant(), vmId.ToString("D"));
    }

    /// <inheritdoc />
    public IDistributedVmHold? TryAcquire(string hostName, Guid vmId, string? vmName, out string? otherVmName)
    {
        var key = KeyOf(hostName, vmId);
        var database = redis.GetDatabase();
        // Half the lease left once taken is enough (the default, 90%, refuses a lock whose first call was slow: a cold script
        // load); it is extended every third of the lease from then on.
        var vmLock = new RedisDistributedLock(key, database, o => o.Expiry(settings.LeaseTime).MinValidityTime(settings.LeaseTime / 2).ExtensionCadence(settings.RenewInterval));
        try
        {
            // An attempt whose answer came too late (Redis slow, reconnecting) is let go by the library and reads like "held";
            // the key's absence tells the two apart, and one more attempt settles it.
            var handle = vmLock.TryAcquire();
            if (handle is null && !database.KeyExists(key))
            {
                handle = vmLock.TryAcquire();
            }

            if (handle is null)
            {
                otherVmName = database.StringGet(key + ":name") is { HasValue: true } name ? name.ToString() : null;
                return null;
            }

            otherVmName = null;
            var hold = new Hold(handle, database, key + ":name", logger);
            if (vmName is not null)
            {
                hold.Named(vmName);
            }

            return hold;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new VmLockUnavailableException($"Redis did not answer: {ex.Message}", ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cross-instance lock {Key} could not be released at once ({Reason}); it frees itself within the lease time")]
    private static partial void LogReleaseFailed(ILogger logger, string key, string reason);

    private sealed class Hold(RedisDistributedLockHandle handle, IDatabase database, string nameKey, ILogger logger) : IDistributedVmHold
    {
        private int _released;

        public void Named(string vmName)
        {
            // Best effort and not awaited: a missing name only makes another instance's "busy" message name the VM by its id.
            database.StringSet(nameKey, vmName, NameLife, flags: CommandFlags.FireAndForget);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return;
            }

            try
            {
                database.KeyDelete(nameKey, CommandFlags.FireAndForget);
                handle.Dispose();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogReleaseFailed(logger, nameKey, ex.Message);
            }
        }
    }
}
