using System.Runtime.ExceptionServices;

namespace NestedHvDashboard.PowerShell;

/// <summary>
/// Keeps a dying SSH host from taking the dashboard down with it. When the ssh client exits (host killed, connection reset),
/// PowerShell's SSH transport reports the error on its own stderr-reader thread and then flushes the client's stdin, which
/// throws "Broken pipe" out of that thread: an unhandled exception that ends the whole process (found by the fault matrix,
/// PowerShell SDK 7.6.9). The error has already been raised to the runspace when that happens, so the exception is only
/// the failed close of a dead pipe; this handler, narrowed to exactly that, lets the thread end instead.
/// </summary>
internal static class SshTransportCrashGuard
{
    private static int _installed;

    /// <summary>Installs the handler once per process; a handler someone else set first is left alone.</summary>
    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1)
        {
            return;
        }

        try
        {
            ExceptionHandling.SetUnhandledExceptionHandler(IsDeadSshPipe);
        }
        catch (InvalidOperationException)
        {
            // The host application set its own handler; it decides.
        }
    }

    /// <summary>True for an I/O failure thrown while PowerShell's SSH transport closes a connection whose ssh client is gone.</summary>
    internal static bool IsDeadSshPipe(Exception exception) =>
        exception is IOException && exception.StackTrace is { } trace && trace.Contains("SSHClientSessionTransportManager", StringComparison.Ordinal);
}
