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
        var key = VmKey.Of(hostName, vmId);
        var mine = new VmLock { VmName = vmName };
        if (!_running.TryAdd(key, mine))
        {
            var name = _running.TryGetValue(key, out var other) ? other.VmName ?? vmName : vmName;
            busy = $"Another change is running on {(name is null ? $"VM {vmId}" : $"VM '{name}'")} on host '{hostName}'; try again when it has finished.";
            return null;
        }

        busy = null;
        return new Release(() => _running.TryRemove(new KeyValuePair<VmKey, VmLock>(key, mine)));
    }

    private readonly record struct VmKey(string HostName, Guid VmId)
    {
        public static VmKey Of(string hostName, Guid vmId) => new(hostName.ToUpperInvariant(), vmId);
    }

    private sealed class Release(Func<bool> release) : IDisposable
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

        public string? VmName
        {
            get => Volatile.Read(ref _vmName);
            set => Volatile.Write(ref _vmName, value);
        }
    }
}
