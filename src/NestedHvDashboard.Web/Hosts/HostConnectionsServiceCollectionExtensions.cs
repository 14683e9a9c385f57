using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NestedHvDashboard.PowerShell;
using Microsoft.Extensions.Options;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Web.Cluster;
using NestedHvDashboard.Web.Components;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Simulator;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>Registration of the host connections: the directory, the store of hosts added in the UI and the keys that encrypt their passwords.</summary>
public static class HostConnectionsServiceCollectionExtensions
{
    /// <summary>The Data Protection application name: fixed, so keys keep working when the app moves folder.</summary>
    public const string ApplicationName = "NestedHvDashboard";

    /// <summary>
    /// The <see cref="HostDirectory"/> (also the <see cref="IHostLookup"/>), the
    /// <see cref="HostConnectionStore"/> (in the database of <see cref="DatabaseServiceCollectionExtensions.AddDashboardDatabase"/>), the
    /// start-up import of the files earlier versions kept in <paramref name="dataFolder"/> (<see cref="EarlierFilesImport"/>), and Data Protection with
    /// its keys in <c>keys/</c> of the data folder. The keys themselves are encrypted with a
    /// certificate when <c>DataProtection:CertificateFile</c> (+ <c>CertificatePassword</c>) or
    /// <c>DataProtection:CertificateThumbprint</c> is set, else with DPAPI on Windows; on Linux
    /// without a certificate they rely on the folder's permissions (owner only). In cluster mode (<c>Cluster:Enabled=true</c>)
    /// the keys live in the shared database instead (<see cref="DashboardDbContext.DataProtectionKeys"/>), encrypted with the
    /// certificate when one is set (the same on every instance), never with DPAPI (bound to one machine).
    /// </summary>
    public static IServiceCollection AddHostConnections(this IServiceCollection services, DataFolder dataFolder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(dataFolder);
        ArgumentNullException.ThrowIfNull(configuration);
        var protection = services.AddDataProtection().SetApplicationName(ApplicationName);
        // Cluster mode: one key ring in the shared database, so every instance reads the cookies, wall links and passwords
        // another wrote. A single instance keeps its keys in the data folder, as always.
        var cluster = ClusterSettings.From(configuration, out _).Enabled;
        if (cluster)
        {
            protection.PersistKeysToDbContext<DashboardDbContext>();
        }
        else
        {
            var keys = dataFolder.File("keys");
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(keys);
            }
            else
            {
                Directory.CreateDirectory(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            protection.PersistKeysToFileSystem(new DirectoryInfo(keys));
        }

        var section = configuration.GetSection("DataProtection");
        if (section["CertificateFile"] is { Length: > 0 } certificateFile)
        {
            protection.ProtectKeysWithCertificate(X509CertificateLoader.LoadPkcs12FromFile(certificateFile, section["CertificatePassword"]));
        }
        else if (section["CertificateThumbprint"] is { Length: > 0 } thumbprint)
        {
            protection.ProtectKeysWithCertificate(thumbprint);
        }
        else if (OperatingSystem.IsWindows() && !cluster)
        {
            // DPAPI ties the keys to this machine: in a cluster the other instances could not read them.
            protection.ProtectKeysWithDpapi();
        }

        services.TryAddSingleton(dataFolder);
        // A small number of opens at once: hundreds of hosts opening together starve the thread pool.
        services.TryAddSingleton(new HostOpenGate(configuration.GetValue("Connections:MaxConcurrentOpens", HostOpenGate.DefaultMaxConcurrentOpens)));
        services.AddOptions<OperationTimeouts>().Bind(configuration.GetSection(OperationTimeouts.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OperationTimeouts>, ValidateOperationTimeouts>());
        services.TryAddSingleton<IHostConnector, PowerShellHostConnector>();
        services.TryAddSingleton<HostConnectionStore>();
        services.AddDashboardClock();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDatabaseStartupStep, EarlierFilesImport>());
        services.AddHostDirectory();
        services.TryAddSingleton<HostAdministration>();

        // The simulated lab's choice and state live in the data folder; the keeper saves the state as the lab changes.
        services.TryAddSingleton(new SimulatedLabFiles(dataFolder));
        services.TryAddSingleton<SimulatedLabSwitch>();
        services.AddHostedService<SimulatedLabKeeper>();
        return services;
    }

    /// <summary>
    /// The <see cref="HostDirectory"/>, also the <see cref="IHostLookup"/> (unless one was registered earlier) and the
    /// <see cref="NestedHvDashboard.Core.Inventory.IHostLifetimePublisher"/> the inventory monitor subscribes to, and the
    /// <see cref="HostDirectoryLoader"/> that reads its hosts when the app starts (before the monitor's hosted service, which
    /// is registered after this). The only place the directory is registered; <see cref="AddHostConnections"/> and the
    /// inventory monitor's registration call it.
    /// </summary>
    public static IServiceCollection AddHostDirectory(this IServiceCollection services)
    {
        services.TryAddSingleton<HostDirectory>();
        services.AddHostedService<HostDirectoryLoader>();
        services.TryAddSingleton<IHostLookup>(sp => sp.GetRequiredService<HostDirectory>());
        services.TryAddSingleton<NestedHvDashboard.Core.Inventory.IHostLifetimePublisher>(sp => sp.GetRequiredService<HostDirectory>());
        return services;
    }
}
