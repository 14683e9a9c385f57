using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace NestedHvDashboard.PowerShell;

/// <summary>
/// Keeps a dying SSH connection from ending the whole process.
/// </summary>
/// <remarks>
/// <para>
/// When the ssh process of a remote runspace exits (the host killed, its sshd gone), PowerShell 7.6's SSH client notices on
/// its own "SSH Transport Error Thread" and closes the connection there. Closing disposes the writer of ssh's input, and if a
/// write to that input failed just before (the pipe was already gone), the writer still holds those bytes: disposing flushes
/// them again, which throws <see cref="IOException"/> (broken pipe) on that thread, where nothing catches it. The process
/// ends — in CI the PowerShell tests' host crashed so while a test killed a host mid-call; in the dashboard it would take
/// every page down with it.
/// </para>
/// <para>
/// The guard swaps the transport's input writer for one whose disposal disposes the real writer and forgives a broken pipe.
/// Only disposal goes through the swap (the transport writes through its own reference), so nothing else changes. The
/// swap is made as early as the writer exists: right after the open starts, when the runspace reports a state, and when the
/// transport reports an error (it does so before it closes the connection).
/// </para>
/// </remarks>
public static class SshTransportGuard
{
    private const BindingFlags Members = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;

    private const string TransportTypeName = "System.Management.Automation.Remoting.Client.SSHClientSessionTransportManager";

    private static readonly ConditionalWeakTable<Runspace, object> Guarded = [];

    /// <summary>
    /// <paramref name="runspace"/> (an unopened runspace over <see cref="SSHConnectionInfo"/>), guarded. Opening it stays
    /// the caller's business; call <see cref="Protect(Runspace)"/> right after starting the open.
    /// </summary>
    /// <returns>The same runspace.</returns>
    /// <exception cref="InvalidOperationException">The SDK's SSH client is not laid out as this guard knows (a PowerShell SDK other than 7.6).</exception>
    public static Runspace Guard(Runspace runspace)
    {
        ArgumentNullException.ThrowIfNull(runspace);
        var transport = TransportOf(runspace)
            ?? throw new InvalidOperationException($"The runspace has no {TransportTypeName}: is it an SSH runspace, and is the PowerShell SDK 7.6?");
        if (!Guarded.TryAdd(runspace, transport))
        {
            return runspace;
        }

        var errorEvent = transport.GetType().GetEvent("WSManTransportErrorOccured", Members)
            ?? throw new InvalidOperationException($"{TransportTypeName} has no WSManTransportErrorOccured event: the PowerShell SDK is not 7.6.");
        var onError = typeof(SshTransportGuard).GetMethod(nameof(OnTransportError), BindingFlags.Static | BindingFlags.NonPublic)!;
        errorEvent.GetAddMethod(nonPublic: true)!.Invoke(transport, [Delegate.CreateDelegate(errorEvent.EventHandlerType!, onError)]);
        runspace.StateChanged += (_, _) => Protect(transport);
        return runspace;
    }

    /// <summary>Swaps the runspace's SSH input writer for the forgiving one, if the writer exists yet and is not swapped.</summary>
    /// <returns>True when the writer the transport will dispose is the forgiving one (now or before).</returns>
    public static bool Protect(Runspace runspace)
    {
        ArgumentNullException.ThrowIfNull(runspace);
        return Guarded.TryGetValue(runspace, out var transport) && Protect(transport);
    }

    private static void OnTransportError(object? sender, EventArgs e)
    {
        if (sender is not null)
        {
            Protect(sender);
        }
    }

    private static bool Protect(object transport)
    {
        ref var field = ref StdInWriter(transport);
        while (true)
        {
            var current = Volatile.Read(ref field);
            if (current is null)
            {
                return false; // not started yet, or already closed
            }

            if (current is ForgivingWriter)
            {
                return true;
            }

            // Atomic: the transport takes the writer out with Interlocked.Exchange when it closes; whichever of us is first wins.
            if (ReferenceEquals(Interlocked.CompareExchange(ref field, new ForgivingWriter(current), current), current))
            {
                return true;
            }
        }
    }

    /// <summary>The writer the transport disposes when it closes (its field <c>_stdInWriter</c>).</summary>
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_stdInWriter")]
    internal static extern ref StreamWriter? StdInWriter(
        [UnsafeAccessorType(TransportTypeName + ", System.Management.Automation")] object transport);

    /// <summary>RemoteRunspace.RunspacePool → its internal pool → DataStructureHandler → _transportManager.</summary>
    internal static object? TransportOf(Runspace runspace)
    {
        var pool = runspace.GetType().GetProperty("RunspacePool", Members)?.GetValue(runspace);
        var internalPool = pool?.GetType().GetField("_internalPool", Members)?.GetValue(pool);
        var handler = internalPool?.GetType().GetProperty("DataStructureHandler", Members)?.GetValue(internalPool);
        var transport = handler?.GetType().GetField("_transportManager", Members)?.GetValue(handler);
        return transport?.GetType().FullName == TransportTypeName ? transport : null;
    }

    /// <summary>Stands in for the transport's input writer when it is disposed: disposes it and forgives a broken pipe.</summary>
    internal sealed class ForgivingWriter(StreamWriter inner) : StreamWriter(Stream.Null)
    {
        /// <summary>The transport's own writer.</summary>
        public StreamWriter Inner { get; } = inner;

        /// <summary>True when disposing the transport's writer failed with a broken pipe (and was forgiven).</summary>
        public bool ForgaveBrokenPipe { get; private set; }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                try
                {
                    Inner.Dispose();
                }
                catch (IOException)
                {
                    ForgaveBrokenPipe = true;
                    // The ssh process is gone and the bytes it never read with it; the writer's file handle is closed anyway.
                }
                catch (ObjectDisposedException)
                {
                    // Closed already.
                }
            }

            base.Dispose(disposing);
        }
    }
}
