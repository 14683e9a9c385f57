using Microsoft.Extensions.DependencyInjection.Extensions;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.Checkpoints;

/// <summary>Registration of the VM page's checkpoints.</summary>
public static class CheckpointsServiceCollectionExtensions
{
    /// <summary>Adds <see cref="CheckpointService"/> as a singleton (and the operations whose per-VM lock it shares).</summary>
    public static IServiceCollection AddCheckpoints(this IServiceCollection services)
    {
        services.AddNestedVirtualizationOperations();
        services.TryAddSingleton<CheckpointService>();
        return services;
    }
}
