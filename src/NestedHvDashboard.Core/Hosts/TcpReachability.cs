using System.Net.Sockets;

namespace NestedHvDashboard.Core.Hosts;

/// <summary>
/// A plain TCP connect to a host's port, before a transport is started. A refused port or an
/// unknown name is then a clear Unreachable at once — and PowerShell's SSH transport is never
/// started against it: when ssh exits before PowerShell's first write is flushed, PowerShell 7.6
/// disposes the pipe on its own thread and the broken pipe ends the whole process.
/// </summary>
public static class TcpReachability
{
    /// <summary>Connects to <paramref name="address"/>:<paramref name="port"/> and closes at once.</summary>
    /// <param name="hostName">The host's name in the dashboard, for the error.</param>
    /// <param name="address">DNS name or IP address.</param>
    /// <param name="port">The TCP port.</param>
    /// <param name="timeout">How long the connect may take.</param>
    /// <param name="cancellationToken">Stops the attempt.</param>
    /// <exception cref="HostOperationException">Unreachable (refused, unknown name, no route) or Timeout.</exception>
    public static async Task CheckAsync(string hostName, string address, int port, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        var operation = $"TCP connect to {address}:{port}";
        using var client = new TcpClient();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await client.ConnectAsync(address, port, limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HostOperationException(HostErrorKind.Timeout, hostName, operation, $"no answer within {timeout.TotalSeconds:0.###} s", inner: ex);
        }
        catch (SocketException ex)
        {
            throw new HostOperationException(HostErrorKind.Unreachable, hostName, operation, ex.Message, inner: ex);
        }
    }
}
