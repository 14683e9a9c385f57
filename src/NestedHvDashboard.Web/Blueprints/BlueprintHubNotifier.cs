using Microsoft.AspNetCore.SignalR;
using NestedHvDashboard.Web.Inventory;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>
/// Pushes blueprint runs and drift to the inventory hub's clients as they change: <c>BlueprintRunChanged</c> with the blueprint's
/// name and its run, <c>BlueprintDriftChanged</c> with every applied blueprint's drift.
/// </summary>
public sealed partial class BlueprintHubNotifier(IBlueprintService blueprints, IHubContext<InventoryHub> hub, ILogger<BlueprintHubNotifier> logger) : IHostedService
{
    /// <summary>The client method a run's change is sent to.</summary>
    public const string RunChangedMethod = "BlueprintRunChanged";

    /// <summary>The client method drift is sent to.</summary>
    public const string DriftChangedMethod = "BlueprintDriftChanged";

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        blueprints.RunChanged += OnRunChanged;
        blueprints.DriftChanged += OnDriftChanged;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        blueprints.RunChanged -= OnRunChanged;
        blueprints.DriftChanged -= OnDriftChanged;
        return Task.CompletedTask;
    }

    private void OnRunChanged(string name) => _ = SendAsync(RunChangedMethod, name, blueprints.LastRun(name));

    private void OnDriftChanged() => _ = SendAsync(DriftChangedMethod, blueprints.AllDrift(), null);

    private async Task SendAsync(string method, object? first, object? second)
    {
        try
        {
            await (second is null && method == DriftChangedMethod
                ? hub.Clients.All.SendAsync(method, first)
                : hub.Clients.All.SendAsync(method, first, second));
        }
        catch (Exception ex)
        {
            // A push that fails is not worth more than a log line: clients read the state again with GetBlueprintRun / GetBlueprintDrift.
            LogPushFailed(ex, method);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pushing {Method} to the inventory hub's clients failed")]
    private partial void LogPushFailed(Exception exception, string method);
}
