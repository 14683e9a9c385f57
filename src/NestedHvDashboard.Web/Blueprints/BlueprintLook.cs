using System.Globalization;
using MudBlazor;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>How blueprint states look on every blueprint page and card: one colour and one word per state.</summary>
public static class BlueprintLook
{
    /// <summary>The colour of a run's state.</summary>
    public static Color ColorOf(BlueprintRunState? state) => state switch
    {
        BlueprintRunState.Succeeded => Color.Success,
        BlueprintRunState.Running => Color.Info,
        BlueprintRunState.Failed => Color.Error,
        BlueprintRunState.Interrupted => Color.Warning,
        _ => Color.Default,
    };

    /// <summary>The colour of a step's state.</summary>
    public static Color ColorOf(BlueprintStepState state) => state switch
    {
        BlueprintStepState.Done => Color.Success,
        BlueprintStepState.Running => Color.Info,
        BlueprintStepState.Failed => Color.Error,
        _ => Color.Default,
    };

    /// <summary>A run's state in words ("never applied" without one).</summary>
    public static string Words(BlueprintRunState? state) => state switch
    {
        null => "never applied",
        BlueprintRunState.Running => "applying",
        BlueprintRunState.Succeeded => "applied",
        BlueprintRunState.Failed => "failed",
        BlueprintRunState.Interrupted => "interrupted",
        _ => state.Value.ToString(),
    };

    /// <summary>A step's state in words ("already so" for a step the lab already satisfied).</summary>
    public static string Words(BlueprintStepProgress step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return step.State switch
        {
            BlueprintStepState.Done when step.Skipped => "already so",
            BlueprintStepState.Pending => "pending",
            BlueprintStepState.Running => "running",
            BlueprintStepState.Done => "done",
            BlueprintStepState.Failed => "failed",
            _ => step.State.ToString(),
        };
    }

    /// <summary>A moment as the dashboard writes it (UTC).</summary>
    public static string When(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The page of blueprint <paramref name="name"/>.</summary>
    public static string Href(string name) => $"/blueprints/{Uri.EscapeDataString(name)}";

    /// <summary>"1 difference" / "3 differences".</summary>
    public static string Differences(int count) => count == 1 ? "1 difference" : $"{count} differences";
}
