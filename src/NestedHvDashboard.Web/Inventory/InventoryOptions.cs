using Microsoft.Extensions.Options;
using NestedHvDashboard.Core.Inventory;

namespace NestedHvDashboard.Web.Inventory;

/// <summary>
/// The <c>Inventory</c> settings: how the store delivers changes (<c>Feed</c>), how hosts are watched (<c>Monitor</c>)
/// and the hub's limits (<c>Hub</c>), bound by the options system and checked by <see cref="ValidateInventoryOptions"/>.
/// </summary>
public sealed class InventoryOptions
{
    /// <summary>The section the options are bound from.</summary>
    public const string Section = "Inventory";

    /// <summary><c>Inventory:Feed</c>.</summary>
    public InventoryFeedOptions Feed { get; set; } = new();

    /// <summary><c>Inventory:Monitor</c>.</summary>
    public InventoryMonitorOptions Monitor { get; set; } = new();

    /// <summary><c>Inventory:Hub</c>.</summary>
    public InventoryHubOptions Hub { get; set; } = new();

    /// <summary><c>Inventory:History</c>: the CPU and memory kept for the charts.</summary>
    public MetricHistoryOptions History { get; set; } = new();
}

/// <summary>Refuses inventory settings that cannot work, naming every one and what is allowed.</summary>
public sealed class ValidateInventoryOptions : IValidateOptions<InventoryOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, InventoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var feed = options.Feed;
        NotNegative(problems, "Feed:BatchInterval", feed.BatchInterval);
        NotNegative(problems, "Feed:MetricsInterval", feed.MetricsInterval);
        AtLeastOne(problems, "Feed:SubscriberCapacity", feed.SubscriberCapacity);

        var monitor = options.Monitor;
        Positive(problems, "Monitor:PollInterval", monitor.PollInterval);
        Positive(problems, "Monitor:ConfigInterval", monitor.ConfigInterval);
        Positive(problems, "Monitor:MetricsInterval", monitor.MetricsInterval);
        Positive(problems, "Monitor:ReconnectDelay", monitor.ReconnectDelay);
        AtLeastOne(problems, "Monitor:MaxConcurrentFirstReads", monitor.MaxConcurrentFirstReads);
        if (monitor.MaxReconnectDelay < monitor.ReconnectDelay)
        {
            problems.Add($"{Section}:Monitor:MaxReconnectDelay is {monitor.MaxReconnectDelay}; it must be at least {Section}:Monitor:ReconnectDelay ({monitor.ReconnectDelay}).");
        }

        if (options.Hub.MaxStreamsPerConnection < 1)
        {
            problems.Add($"{Section}:Hub:MaxStreamsPerConnection must be at least 1; it is {options.Hub.MaxStreamsPerConnection}.");
        }

        var history = options.History;
        Positive(problems, "History:Interval", history.Interval);
        if (history.Interval > TimeSpan.Zero && history.Window < history.Interval)
        {
            problems.Add($"{Section}:History:Window is {history.Window}; it must be at least {Section}:History:Interval ({history.Interval}).");
        }
        else if (history.Capacity > MetricHistoryOptions.MaxCapacity)
        {
            problems.Add($"{Section}:History:Window / Interval is {history.Capacity} points; at most {MetricHistoryOptions.MaxCapacity} are kept per VM (a longer interval or a shorter window).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Positive(List<string> problems, string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:{setting} is {value}; it must be a time above zero (e.g. 00:00:02).");
        }
    }

    private static void NotNegative(List<string> problems, string setting, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            problems.Add($"{Section}:{setting} is {value}; it must be zero or a time above it (e.g. 00:00:00.1).");
        }
    }

    private static void AtLeastOne(List<string> problems, string setting, int value)
    {
        if (value < 1)
        {
            problems.Add($"{Section}:{setting} must be at least 1; it is {value}.");
        }
    }

    private const string Section = InventoryOptions.Section;
}
