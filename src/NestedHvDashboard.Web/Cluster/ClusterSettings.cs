using System.Globalization;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>
/// Cluster mode as configured: <c>Cluster:Enabled</c>, <c>Cluster:InstanceId</c>, <c>Cluster:LeaseSeconds</c>,
/// <c>Cluster:KeyPrefix</c> and <c>ConnectionStrings:Redis</c>. A single instance (the default) needs none of it.
/// </summary>
/// <param name="Enabled">True when several instances share one PostgreSQL database and one Redis.</param>
/// <param name="InstanceId">This instance's stable id: <c>Cluster:InstanceId</c>, else the machine's name and the port it listens on.</param>
/// <param name="LeaseTime">How long a host lease lives unless renewed: an instance that died loses its hosts after it.</param>
/// <param name="KeyPrefix">What every Redis key and channel of this dashboard starts with (several dashboards may share a Redis).</param>
/// <param name="RedisConnectionString">StackExchange.Redis' configuration string (<c>host:port,password=…</c>); null on a single instance.</param>
public sealed record ClusterSettings(bool Enabled, string InstanceId, TimeSpan LeaseTime, string KeyPrefix, string? RedisConnectionString)
{
    /// <summary>The section the settings are read from.</summary>
    public const string Section = "Cluster";

    /// <summary>The Redis connection string's name under <c>ConnectionStrings</c>.</summary>
    public const string RedisConnectionStringName = "Redis";

    /// <summary>
    /// The lease time when <c>Cluster:LeaseSeconds</c> is not set: a dead instance's hosts are taken over within it and a
    /// cycle. 8 s: renewed every 2.7 s, a lease outlives two failed renewals; at 10 s the cluster benchmark's takeovers
    /// (the lease, then a survivor's first reads of its 30-odd new hosts) took 13.2-16.7 s against the 15-s goal.
    /// </summary>
    public static readonly TimeSpan DefaultLeaseTime = TimeSpan.FromSeconds(8);

    /// <summary>A single instance (no cluster), named as <see cref="From"/> would name it.</summary>
    public static ClusterSettings OneInstance(string instanceId) => new(false, instanceId, DefaultLeaseTime, "nhv", null);

    /// <summary>How often a lease is renewed: a third of its time, so two renewals may fail before it expires.</summary>
    public TimeSpan RenewInterval => LeaseTime / 3;

    /// <summary>
    /// How long an instance counts as alive after its last renewal of its membership (renewed every second): half a lease
    /// time (at least 3 s, at most the lease time). A dead instance is counted out before its leases can expire, so its
    /// hosts are taken the moment they do, not a membership time later.
    /// </summary>
    public TimeSpan MemberTime => TimeSpan.FromTicks(Math.Max(LeaseTime.Ticks / 2, Math.Min(LeaseTime.Ticks, TimeSpan.FromSeconds(3).Ticks)));

    /// <summary>The Redis key or channel <paramref name="parts"/> under <see cref="KeyPrefix"/>, e.g. <c>nhv:lease:HV-01</c>.</summary>
    public string Key(params string[] parts) => KeyPrefix + ":" + string.Join(':', parts);

    /// <summary>
    /// Reads the settings; the problems (each naming its setting) are in <paramref name="problems"/>, and then the settings
    /// are those of a single instance.
    /// </summary>
    public static ClusterSettings From(IConfiguration configuration, out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var found = new List<string>();
        problems = found;
        var section = configuration.GetSection(Section);
        var id = section["InstanceId"] is { Length: > 0 } configured ? configured.Trim() : DefaultInstanceId(configuration);
        if (id.Length > 100 || id.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            found.Add($"Cluster:InstanceId '{id}' must be at most 100 characters, without spaces or control characters.");
            id = DefaultInstanceId(configuration);
        }

        var enabled = false;
        if (section["Enabled"] is { Length: > 0 } enabledText && !bool.TryParse(enabledText, out enabled))
        {
            found.Add($"Cluster:Enabled '{enabledText}' is not true or false.");
        }

        var lease = DefaultLeaseTime;
        if (section["LeaseSeconds"] is { Length: > 0 } leaseText)
        {
            if (!double.TryParse(leaseText, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds is < 3 or > 300)
            {
                found.Add($"Cluster:LeaseSeconds '{leaseText}' must be a number of seconds from 3 to 300.");
            }
            else
            {
                lease = TimeSpan.FromSeconds(seconds);
            }
        }

        var prefix = section["KeyPrefix"] is { Length: > 0 } p ? p.Trim() : "nhv";
        if (prefix.Length > 40 || prefix.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_' and not '.'))
        {
            found.Add($"Cluster:KeyPrefix '{prefix}' may hold only letters, digits, '-', '_' and '.', at most 40.");
            prefix = "nhv";
        }

        var redis = configuration.GetConnectionString(RedisConnectionStringName);
        if (enabled && string.IsNullOrWhiteSpace(redis))
        {
            found.Add("Cluster:Enabled=true needs ConnectionStrings:Redis (e.g. 'redis01:6379,password=…'): the instances share the hosts' leases and their live state through Redis.");
        }

        return found.Count > 0
            ? OneInstance(id)
            : new ClusterSettings(enabled, id, lease, prefix, string.IsNullOrWhiteSpace(redis) ? null : redis.Trim());
    }

    /// <summary>The machine's name and the port of the first address the app listens on (<c>urls</c>), e.g. <c>MGMT01:5000</c>.</summary>
    internal static string DefaultInstanceId(IConfiguration configuration)
    {
        var urls = configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? configuration["Kestrel:Endpoints:Http:Url"] ?? configuration["Kestrel:Endpoints:Https:Url"];
        var port = "5000";
        foreach (var url in (urls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = url.LastIndexOf(':');
            if (at > 0 && int.TryParse(url[(at + 1)..].TrimEnd('/'), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                port = number.ToString(CultureInfo.InvariantCulture);
                break;
            }
        }

        return $"{Environment.MachineName}:{port}";
    }
}
