namespace NestedHvDashboard.Core.Operations;

/// <summary>
/// The per-VM lock across several dashboard instances (cluster mode): <see cref="NestedVirtualizationOperations"/> takes it
/// after its own, so a change on one instance refuses a second one on another as "busy", as a second click does on one.
/// A single instance has none.
/// </summary>
public interface IDistributedVmLock
{
    /// <summary>
    /// Takes the VM's lock without waiting: the hold (dispose it to release), or null when another instance holds it, with
    /// <paramref name="otherVmName"/> the VM's name as that instance recorded it (or null).
    /// </summary>
    /// <exception cref="VmLockUnavailableException">The other instances could not be asked (the shared store is unreachable).</exception>
    IDistributedVmHold? TryAcquire(string hostName, Guid vmId, string? vmName, out string? otherVmName);
}

/// <summary>A VM's lock held across instances; kept alive while the change runs, released when disposed.</summary>
public interface IDistributedVmHold : IDisposable
{
    /// <summary>Records the VM's name once the change has read it, for another instance's "busy" message. Best effort.</summary>
    void Named(string vmName);
}

/// <summary>The cross-instance VM lock could not be asked; the change must not run, as it could race another instance's.</summary>
public sealed class VmLockUnavailableException : Exception
{
    /// <summary>An empty one.</summary>
    public VmLockUnavailableException()
    {
    }

    /// <summary>One with the reason.</summary>
    public VmLockUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>One with the reason and its cause.</summary>
    public VmLockUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
