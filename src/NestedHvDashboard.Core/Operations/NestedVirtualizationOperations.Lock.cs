namespace NestedHvDashboard.Core.Operations;

/// <summary>The per-VM lock, for the other changes to a VM (its checkpoints) that must not run beside a nested change or each other.</summary>
public sealed partial class NestedVirtualizationOperations
{
    /// <summary>
    /// Takes the VM's lock for another kind of change: the returned handle releases it; null when a change already runs on
    /// the VM, with <paramref name="busy"/> saying so in the user's words (the change is refused, not queued).
    /// </summary>
    public IDisposable? TryLock(string hostName, Guid vmId, string vmName, out string? busy)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        var key = VmKey.Of(hostName, vmId);
        var mine = new VmLock { VmName = vmName };
        if (!_running.TryAdd(key, mine))
        {
            busy = $"Another change is running on VM '{vmName}' on host '{hostName}'; try again when it has finished.";
            return null;
        }

        busy = null;
        return new Release(() => _running.TryRemove(new KeyValuePair<VmKey, VmLock>(key, mine)));
    }

    private sealed class Release(Action release) : IDisposable
    {
        private Action? _release = release;

        public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
    }
}
