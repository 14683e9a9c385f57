using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.PowerShell;

/// <summary>Waiting for the connection to open, before a call's own time limit starts.</summary>
public sealed partial class HostSession
{
    /// <summary>
    /// Opens the pool (or waits for the open under way) through the <see cref="HostOpenGate"/>. The open is
    /// bounded by <see cref="Timeout"/> from its turn, not from this call: a host queued behind others stays Connecting.
    /// </summary>
    /// <exception cref="HostOperationException">The host failed to open or did not answer within its time limit.</exception>
    private async Task WaitUntilOpenAsync(HostCommand command, CancellationToken cancellationToken)
    {
        var poolTask = GetOrOpenPool();
        try
        {
            await poolTask.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Discard(poolTask);
            throw HostErrors.Timeout(HostName, command, Timeout);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Discard(poolTask);
            throw HostErrors.FromException(exception, HostName, command);
        }
    }
}
