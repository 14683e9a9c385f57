using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Simulator;

/// <summary>
/// Saves the simulated lab's state to the data folder every <c>Simulator:SaveInterval</c> (default 10 s) when it changed, and
/// once more when the app stops, so a restart finds the lab's VMs as they were left (what the user changed in it included).
/// </summary>
public sealed partial class SimulatedLabKeeper(HostDirectory directory, IConfiguration configuration, ILogger<SimulatedLabKeeper> logger) : BackgroundService
{
    /// <summary>The setting naming how often the lab's state is saved.</summary>
    public const string SaveIntervalSetting = "Simulator:SaveInterval";

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue<TimeSpan?>(SaveIntervalSetting) is { Ticks: > 0 } set ? set : TimeSpan.FromSeconds(10);
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Save();
            }
        }
        catch (OperationCanceledException)
        {
            // The app stops: StopAsync saves once more.
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Save();
    }

    private void Save()
    {
        try
        {
            directory.SaveLabState();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogNotSaved(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The simulated lab's state could not be saved; it is tried again")]
    private partial void LogNotSaved(Exception error);
}
