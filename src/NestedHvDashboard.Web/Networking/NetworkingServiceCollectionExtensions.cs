using Microsoft.Extensions.DependencyInjection.Extensions;
using NestedHvDashboard.Web.Components;
using NestedHvDashboard.Web.Operations;
namespace NestedHvDashboard.Web.Networking;

/// <summary>Registration of the nested networking tools: MAC spoofing, guest credentials, guest NAT and Hyper-V set-up.</summary>
public static class NetworkingServiceCollectionExtensions
{
    /// <summary>Adds the networking services as singletons (and the operations they record into).</summary>
    public static IServiceCollection AddNestedNetworking(this IServiceCollection services)
    {
        services.AddNestedVirtualizationOperations();
        services.TryAddSingleton<MacSpoofingService>();
        services.TryAddSingleton<GuestCredentialStore>();
        services.TryAddSingleton<Guests.GuestFactsStore>();
        services.TryAddSingleton<GuestSetup>();
        services.AddDashboardClock();
        services.TryAddSingleton<GuestInstalls>();
        services.TryAddSingleton<NewVmService>();
        return services;
    }
}
