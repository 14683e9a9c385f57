using Microsoft.Extensions.DependencyInjection.Extensions;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Operations;

/// <summary>Registration of the nested virtualization change: the operations, the pending store and its applier.</summary>
public static class OperationsServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="NestedVirtualizationOperations"/> and <see cref="PendingNestedChanges"/> as singletons,
    /// <see cref="IHostLookup"/> (the <see cref="HostDirectory"/> unless one was registered earlier) and the
    /// <see cref="PendingChangeApplier"/> that applies "at next shutdown" changes. Needs an inventory feed.
    /// </summary>
    public static IServiceCollection AddNestedVirtualizationOperations(this IServiceCollection services)
    {
        services.TryAddSingleton<NestedVirtualizationOperations>();
        services.TryAddSingleton<PendingNestedChanges>();
        services.TryAddSingleton<HostDirectory>();
        services.TryAddSingleton<IHostLookup>(sp => sp.GetRequiredService<HostDirectory>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<NestedSwitchService>();
        services.AddHostedService<PendingChangeApplier>();
        return services;
    }
}
