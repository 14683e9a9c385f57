using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>
/// The app bar's degraded state in a cluster: nothing while all is well; "Redis lost" (since when, and that this instance
/// goes on watching its own hosts while the others' are not live here) or "Lease renewals late". Renders nothing on a
/// single instance. Follows <see cref="IClusterHealth.Changed"/> live.
/// </summary>
public sealed partial class ClusterChip : IDisposable
{
    private IClusterHealth? _health;
    private ClusterHealthReading? _reading;

    /// <summary>The cluster's settings: the chip shows only when <see cref="ClusterSettings.Enabled"/>.</summary>
    [Inject]
    public required ClusterSettings Settings { get; init; }

    /// <summary>Where <see cref="IClusterHealth"/> is found (registered in cluster mode only).</summary>
    [Inject]
    public required IServiceProvider Services { get; init; }

    /// <summary>The tooltip of the "Redis lost" chip.</summary>
    public static string RedisLostText(ClusterHealthReading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        var since = reading.RedisLostSince is { } at ? at.ToUniversalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "a moment ago";
        var hosts = reading.OwnedHosts.Count;
        return $"Redis lost since {since}; this instance goes on watching its {hosts} host{(hosts == 1 ? string.Empty : "s")}; "
            + "other instances' hosts are not live here until Redis is back.";
    }

    /// <summary>The tooltip of the "Lease renewals late" chip.</summary>
    public static string LateText(ClusterHealthReading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        return $"Not renewed within two renew intervals: {string.Join(", ", reading.LateRenewals)}. If this lasts, another instance may take these hosts over.";
    }

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        if (!Settings.Enabled || Services.GetService(typeof(IClusterHealth)) is not IClusterHealth health)
        {
            return;
        }

        _health = health;
        _reading = health.Read();
        health.Changed += OnChanged;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_health is not null)
        {
            _health.Changed -= OnChanged;
        }
    }

    private void OnChanged()
    {
        if (_health is not { } health)
        {
            return;
        }

        _ = InvokeAsync(() =>
        {
            _reading = health.Read();
            StateHasChanged();
        });
    }
}
