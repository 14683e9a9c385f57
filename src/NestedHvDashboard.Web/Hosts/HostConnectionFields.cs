using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>
/// The connection fields that carry over as they are from a host's <see cref="HostConnectionSettings"/> to the row that stores
/// it (<see cref="StoredHostSettings"/>) and to the form that edits it (<see cref="HostForm"/>): one list, so neither misses one.
/// The name, the password, the tags and the timeout take a shape of their own in each.
/// </summary>
public interface IHostConnectionFields
{
    string Address { get; set; }

    HostTransport Transport { get; set; }

    int? Port { get; set; }

    bool UseHttps { get; set; }

    WinRmAuthentication Authentication { get; set; }

    string? UserName { get; set; }

    string? KeyFilePath { get; set; }

    string? KnownHostsFile { get; set; }

    string? ConfigurationName { get; set; }

    bool SkipCertificateChecks { get; set; }

    int MaxConcurrency { get; set; }

    string? ParentHost { get; set; }

    Guid? ParentVmId { get; set; }
}

/// <summary>Makes the <see cref="IHostConnectionFields"/> of a host's settings.</summary>
public static class HostConnectionFields
{
    /// <summary>A <typeparamref name="T"/> with each of its <see cref="IHostConnectionFields"/> from <paramref name="settings"/>.</summary>
    public static T From<T>(HostConnectionSettings settings)
        where T : class, IHostConnectionFields, new()
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new T
        {
            Address = settings.Address,
            Transport = settings.Transport,
            Port = settings.Port,
            UseHttps = settings.UseHttps,
            Authentication = settings.Authentication,
            UserName = settings.UserName,
            KeyFilePath = settings.KeyFilePath,
            KnownHostsFile = settings.KnownHostsFile,
            ConfigurationName = settings.ConfigurationName,
            SkipCertificateChecks = settings.SkipCertificateChecks,
            MaxConcurrency = settings.MaxConcurrency,
            ParentHost = settings.ParentHost,
            ParentVmId = settings.ParentVmId,
        };
    }
}
