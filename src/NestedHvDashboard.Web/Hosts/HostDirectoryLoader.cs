namespace NestedHvDashboard.Web.Hosts;

/// <summary>
/// Reads the <see cref="HostDirectory"/>'s hosts at start-up (<see cref="HostDirectory.LoadAsync"/>), awaited: registered
/// before the inventory monitor, whose hosted service starts after this one has, so the hosts are there when it starts.
/// The app's database is brought up to date before any hosted service starts.
/// </summary>
public sealed class HostDirectoryLoader(HostDirectory directory) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => directory.LoadAsync(cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
