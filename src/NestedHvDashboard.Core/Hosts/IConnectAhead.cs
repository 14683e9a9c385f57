namespace NestedHvDashboard.Core.Hosts;

/// <summary>
/// A host whose connection can be opened before anything is asked of it. In a cluster, the instance that will take a
/// dead instance's host opens it while that instance's lease still runs out, so the takeover's first read does not wait
/// for the open as well.
/// </summary>
public interface IConnectAhead
{
    /// <summary>
    /// Opens the host's connection now (or waits for the open under way), running nothing on it.
    /// </summary>
    /// <exception cref="HostOperationException">The host could not be opened; the next command opens again and reports its own error.</exception>
    Task ConnectAheadAsync(CancellationToken cancellationToken);
}
