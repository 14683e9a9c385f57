using Microsoft.Extensions.DependencyInjection.Extensions;
using NestedHvDashboard.Core.Operations;

namespace NestedHvDashboard.Web.Fixes;

/// <summary>Registration of the readiness list's one-click configuration fixes.</summary>
public static class FixesServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="VmFixOperations"/> (sharing the per-VM lock of <see cref="NestedVirtualizationOperations"/>) and <see cref="VmFixService"/>,
    /// as singletons. <see cref="Operations.OperationsServiceCollectionExtensions.AddNestedVirtualizationOperations"/> adds them, as every change to one VM goes there.
    /// </summary>
    public static IServiceCollection AddVmFixes(this IServiceCollection services)
    {
        services.TryAddSingleton<VmFixOperations>();
        services.TryAddSingleton<VmFixService>();
        return services;
    }
}
