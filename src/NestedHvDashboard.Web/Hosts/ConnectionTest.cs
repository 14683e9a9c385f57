using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.PowerShell;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>What <i>Test connection</i> found.</summary>
/// <param name="Succeeded">True when the host answered with its facts.</param>
/// <param name="Message">One line for the user: the host, what was tried and what it said.</param>
/// <param name="ErrorKind">Why it failed, when the failure has a kind.</param>
/// <param name="Facts">The host's facts, when it answered.</param>
/// <param name="Errors">Problems with the form that stopped the test before it began.</param>
public sealed record ConnectionTestResult(
    bool Succeeded,
    string Message,
    HostErrorKind? ErrorKind,
    HostFacts? Facts,
    IReadOnlyList<HostFieldError> Errors);

/// <summary>Tries a host's settings once, on a host made for the try and disposed after it.</summary>
public static class ConnectionTest
{
    /// <summary>How long a test may take at most, whatever the host's own timeout.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    /// <summary>SSH's default port.</summary>
    public const int SshPort = 22;

    /// <summary>Reads the host's facts through a new connection, bounded by <paramref name="bound"/> (default <see cref="Bound"/>).</summary>
    public static async Task<ConnectionTestResult> RunAsync(IHostConnector connector, HostConnectionSettings settings, TimeSpan? bound = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(settings);
        var limit = bound ?? Bound;
        var tried = Describe(settings);
        if (settings.Transport == HostTransport.Ssh)
        {
            // A refused or unknown SSH endpoint answers here, without starting ssh (see TcpReachability).
            try
            {
                await TcpReachability.CheckAsync(settings.Name, settings.Address, settings.Port ?? SshPort, Min(limit, settings.Timeout), cancellationToken);
            }
            catch (HostOperationException ex)
            {
                return Failed(settings, tried, ex.Kind, ConnectionAdvice.For(settings, ex.Message) is { } fix ? ConnectionAdvice.WithFix(ex.Message, fix) : ex.Message);
            }
        }

        var host = connector.Connect(settings);
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var read = Task.Run(() => host.GetHostFactsAsync(call.Token), CancellationToken.None);
        try
        {
            var facts = await read.WaitAsync(limit, cancellationToken);
            await host.DisposeAsync();
            return new ConnectionTestResult(
                true,
                $"Connected to '{settings.Name}' ({tried}): {facts.OsCaption}, build {facts.OsBuild}, {facts.ProcessorModel}" +
                (facts.HyperVPresent ? ", Hyper-V present." : ", but Hyper-V was not found."),
                null,
                facts,
                []);
        }
        catch (TimeoutException) when (!read.IsCompleted)
        {
            // A host that ignores cancellation is left to end on its own; its connection is closed when it does.
            await call.CancelAsync();
            _ = read.ContinueWith(_ => host.DisposeAsync().AsTask(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return Failed(settings, tried, HostErrorKind.Timeout, $"no answer within {limit.TotalSeconds:0} s");
        }
        catch (HostOperationException ex)
        {
            await host.DisposeAsync();
            return Failed(settings, tried, ex.Kind, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await host.DisposeAsync();
            return Failed(settings, tried, null, ex.Message);
        }
    }

    /// <summary>What a connection to these settings tries, e.g. "SSH to labadmin@hv02:22".</summary>
    public static string Describe(HostConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var user = settings.UserName is { Length: > 0 } name ? $"{name}@" : "";
        return settings.Transport switch
        {
            HostTransport.Ssh => $"SSH to {user}{settings.Address}:{settings.Port ?? SshPort}" + (settings.KeyFilePath is { } key ? $" with key {key}" : ""),
            HostTransport.WinRm => $"WinRM over {(settings.UseHttps ? "HTTPS" : "HTTP")} to {user}{settings.Address}:{settings.Port ?? (settings.UseHttps ? 5986 : 5985)} ({settings.Authentication} authentication, endpoint {settings.ConfigurationName ?? RemoteConnections.DefaultConfigurationName})",
            _ => $"the simulated host {settings.Address}",
        };
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static ConnectionTestResult Failed(HostConnectionSettings settings, string tried, HostErrorKind? kind, string message) =>
        new(false, $"Could not connect to '{settings.Name}' ({tried}): {(kind is { } k ? $"{k}: " : "")}{message}", kind, null, []);
}
