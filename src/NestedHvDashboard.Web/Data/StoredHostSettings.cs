using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Data;

/// <summary>
/// A stored host's connection settings without its name (a column of its own) and its password (kept apart, encrypted):
/// one JSON column (<c>Hosts.Settings</c>, EF Core's JSON mapping). Its JSON names are the camel-case names the hand-serialized
/// column used before (<c>SettingsJson</c>, and <c>hosts.json</c> before it), enums by name, so those rows read as they are.
/// </summary>
public sealed class StoredHostSettings : IHostConnectionFields
{
    public string Address { get; set; } = "";

    public HostTransport Transport { get; set; } = HostTransport.WinRm;

    public int? Port { get; set; }

    public bool UseHttps { get; set; }

    public WinRmAuthentication Authentication { get; set; } = WinRmAuthentication.Default;

    public string? UserName { get; set; }

    public string? KeyFilePath { get; set; }

    public string? KnownHostsFile { get; set; }

    public string? ConfigurationName { get; set; }

    public bool SkipCertificateChecks { get; set; }

    public List<string> Tags { get; set; } = [];

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxConcurrency { get; set; } = 4;

    public string? ParentHost { get; set; }

    public Guid? ParentVmId { get; set; }

    /// <summary>The settings of <paramref name="host"/> to store (its name and password left out).</summary>
    public static StoredHostSettings From(HostConnectionSettings host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var stored = HostConnectionFields.From<StoredHostSettings>(host);
        stored.Tags = [.. host.Tags];
        stored.Timeout = host.Timeout;
        return stored;
    }

    /// <summary>The host named <paramref name="name"/> with these settings and <paramref name="password"/>.</summary>
    public HostConnectionSettings ToSettings(string name, string? password) => new()
    {
        Name = name,
        Address = Address,
        Transport = Transport,
        Port = Port,
        UseHttps = UseHttps,
        Authentication = Authentication,
        UserName = UserName,
        Password = password,
        KeyFilePath = KeyFilePath,
        KnownHostsFile = KnownHostsFile,
        ConfigurationName = ConfigurationName,
        SkipCertificateChecks = SkipCertificateChecks,
        Tags = [.. Tags],
        Timeout = Timeout,
        MaxConcurrency = MaxConcurrency,
        ParentHost = ParentHost,
        ParentVmId = ParentVmId,
    };
}

/// <summary>The JSON mapping of <see cref="StoredHostSettings"/>: column <see cref="Column"/>, camel-case names, enums by name.</summary>
public static class StoredHostSettingsJson
{
    /// <summary>The JSON column of <see cref="StoredHost.Settings"/>.</summary>
    public const string Column = "Settings";

    /// <summary>Maps <see cref="StoredHost.Settings"/> to <see cref="Column"/>, named as the hand-serialized JSON was.</summary>
    public static void Map(ComplexPropertyBuilder<StoredHostSettings> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.ToJson(Column);
        settings.Property(s => s.Address).HasJsonPropertyName("address");
        settings.Property(s => s.Transport).HasConversion<string>().HasJsonPropertyName("transport");
        settings.Property(s => s.Port).HasJsonPropertyName("port");
        settings.Property(s => s.UseHttps).HasJsonPropertyName("useHttps");
        settings.Property(s => s.Authentication).HasConversion<string>().HasJsonPropertyName("authentication");
        settings.Property(s => s.UserName).HasJsonPropertyName("userName");
        settings.Property(s => s.KeyFilePath).HasJsonPropertyName("keyFilePath");
        settings.Property(s => s.KnownHostsFile).HasJsonPropertyName("knownHostsFile");
        settings.Property(s => s.ConfigurationName).HasJsonPropertyName("configurationName");
        settings.Property(s => s.SkipCertificateChecks).HasJsonPropertyName("skipCertificateChecks");
        settings.PrimitiveCollection(s => s.Tags).HasJsonPropertyName("tags");
        settings.Property(s => s.Timeout).HasJsonPropertyName("timeout");
        settings.Property(s => s.MaxConcurrency).HasJsonPropertyName("maxConcurrency");
        settings.Property(s => s.ParentHost).HasJsonPropertyName("parentHost");
        settings.Property(s => s.ParentVmId).HasJsonPropertyName("parentVmId");
    }
}
