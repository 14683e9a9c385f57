using Microsoft.Extensions.DependencyInjection.Extensions;
using NestedHvDashboard.Web.Components;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Notifications;

/// <summary>Registration of the notification centre's feed.</summary>
public static class NotificationsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ActionNotifications"/> as a singleton, made at start so it hears every change from the first, and filled at
    /// start from the audit trail's recent entries (<see cref="RestoredNotifications"/>).
    /// </summary>
    public static IServiceCollection AddActionNotifications(this IServiceCollection services)
    {
        services.AddDashboardClock();
        services.TryAddSingleton<ActionNotifications>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDatabaseStartupStep, RestoredNotifications>());
        services.AddHostedService<Starter>();
        return services;
    }

    // Resolving the feed at start subscribes it to the audit trail before any change can run.
    private sealed class Starter(ActionNotifications notifications) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(notifications);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
