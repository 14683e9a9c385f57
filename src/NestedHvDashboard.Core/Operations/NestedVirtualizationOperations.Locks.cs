namespace NestedHvDashboard.Core.Operations;

/// <summary>The per-VM lock, which other kinds of change to a VM (power actions) take too.</summary>
public sealed partial class NestedVirtualizationOperations
{
    /// <summary>
    /// Takes the per-VM lock for another kind of change to the VM (a power action): the same lock a nested change takes, so the
    /// two never run on one VM at once. Null when a change already runs on the VM, with <paramref name="busy"/> saying so in
    /// the user's words; otherwise dispose the result to release the lock.
    /// </summary>
    public IDisposable? TryLock(string hostName, Guid vmId, string? vmName, out string? busy)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        var mine = new VmLock { VmName = vmName };
        return Take(VmKey.Of(hostName, vmId), mine, hostName, vmId, out _, out busy);
    }

    // This instance's lock first (a second click here never asks the other instances), then theirs (cluster mode):
    // either refusal reads the same, so a user cannot tell on which instance the first change runs.
    private Release? Take(VmKey key, VmLock mine, string hostName, Guid vmId, out string? busyName, out string? busy)
    {
        if (!_running.TryAdd(key, mine))
        {
            busyName = _running.TryGetValue(key, out var other) ? other.VmName ?? mine.VmName : mine.VmName;
            busy = Busy(hostName, vmId, busyName);
            return null;
        }

        if (_across is not null)
        {
            try
            {
                mine.Across = _across.TryAcquire(hostName, vmId, mine.VmName, out var otherName);
                if (mine.Across is null)
                {
                    _running.TryRemove(new KeyValuePair<VmKey, VmLock>(key, mine));
                    busyName = otherName ?? mine.VmName;
                    busy = Busy(hostName, vmId, busyName);
                    return null;
                }
            }
            catch (VmLockUnavailableException ex)
            {
                // Running without the other instances' word could race a change one of them runs on this VM.
                _running.TryRemove(new KeyValuePair<VmKey, VmLock>(key, mine));
                busyName = mine.VmName;
                busy = $"The other dashboard instances could not be asked whether a change runs on {Vm(vmId, busyName)} on host '{hostName}' ({ex.Message}); nothing was changed. Try again when the cluster's Redis answers.";
                return null;
            }
        }

        busyName = null;
        busy = null;
        return new Release(() =>
        {
            mine.Across?.Dispose();
            _running.TryRemove(new KeyValuePair<VmKey, VmLock>(key, mine));
        });
    }

    private static string Busy(string hostName, Guid vmId, string? vmName) =>
        $"Another change is running on {Vm(vmId, vmName)} on host '{hostName}'; try again when it has finished.";

    private static string Vm(Guid vmId, string? vmName) => vmName is null ? $"VM {vmId}" : $"VM '{vmName}'";

    private readonly record struct VmKey(string HostName, Guid VmId)
    {
        public static VmKey Of(string hostName, Guid vmId) => new(hostName.ToUpperInvariant(), vmId);
    }

    private sealed class Release(Action release) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                release();
            }
        }
    }

    private sealed class VmLock
    {
        private string? _vmName;

        /// <summary>The lock across instances (cluster mode), once taken.</summary>
        public IDistributedVmHold? Across { get; set; }

        public string? VmName
        {
            get => Volatile.Read(ref _vmName);
            set
            {
                Volatile.Write(ref _vmName, value);
                if (value is not null)
                {
                    Across?.Named(value);
                }
            }
        }
    }
}
