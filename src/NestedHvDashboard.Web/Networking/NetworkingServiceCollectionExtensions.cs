using Microsoft.Extensions.DependencyInjection.Extensions;
using NestedHvDashboard.Web.Components;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Operations;
namespace NestedHvDashboard.Web.Networking;

/// <summary>Registration of the nested networking tools: MAC spoofing, guest credentials, guest NAT and Hyper-V set-up.</summary>
public static class NetworkingServiceCollectionExtensions
{
    /// <summary>Adds the networking services as singletons (and the operations they record into), and the start-up step that restores ended installs.</summary>
    public static IServiceCollection AddNestedNetworking(this IServiceCollection services)
    {
        services.AddNestedVirtualizationOperations();
        services.TryAddSingleton<MacSpoofingService>();
        services.TryAddSingleton<GuestCredentialStore>();
        services.TryAddSingleton<Guests.GuestFactsStore>();
        services.TryAddSingleton<GuestSetup>();
        services.AddDashboardClock();
        services.TryAddSingleton<GuestInstalls>();
        // After a restart the VM page says how each VM's last install ended, from the audit trail.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDatabaseStartupStep, RestoredGuestInstalls>());
        services.TryAddSingleton<NewVmService>();
        services.TryAddSingleton<L1SwitchService>();
        services.TryAddSingleton<AdapterSwitchService>();
        services.TryAddSingleton<L2Connectivity.L2ConnectivityService>();
        return services;
    }
}
