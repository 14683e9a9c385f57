using Microsoft.Extensions.DependencyInjection.Extensions;
using NestedHvDashboard.Web.Components;

namespace NestedHvDashboard.Web.Guests;

/// <summary>Registration of the guest facts: the store every read of a guest fills, and its slow background refresh.</summary>
public static class GuestFactsServiceCollectionExtensions
{
    /// <summary>Adds <see cref="GuestFactsStore"/> (singleton), its options (section "GuestFacts") and <see cref="GuestFactsRefresher"/>.</summary>
    public static IServiceCollection AddGuestFacts(this IServiceCollection services, IConfiguration? configuration = null)
    {
        services.AddDashboardClock();
        services.TryAddSingleton<GuestFactsStore>();
        var options = services.AddOptions<GuestFactsOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection("GuestFacts"));
        }

        services.AddHostedService<GuestFactsRefresher>();
        return services;
    }
}
