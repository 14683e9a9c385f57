using Microsoft.Extensions.DependencyInjection.Extensions;
using NestedHvDashboard.Core.Operations;

namespace NestedHvDashboard.Web.Power;

/// <summary>Registration of the VM power actions.</summary>
public static class PowerServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="VmPowerOperations"/> (sharing the per-VM lock of <see cref="NestedVirtualizationOperations"/>), <see cref="VmPowerService"/>
    /// and <see cref="BulkVmPower"/> (at most <c>Bulk:MaxPerHost</c> VMs at once per host, default 2), as singletons.
    /// <see cref="Operations.OperationsServiceCollectionExtensions.AddNestedVirtualizationOperations"/> adds them, as every change to one VM goes there.
    /// </summary>
    public static IServiceCollection AddVmPower(this IServiceCollection services)
    {
        services.TryAddSingleton<VmPowerOperations>();
        services.TryAddSingleton<VmPowerService>();
        services.TryAddSingleton(sp => new BulkVmPower(
            sp.GetRequiredService<VmPowerService>(),
            sp.GetRequiredService<Audit.IAuditTrail>(),
            sp.GetService<IConfiguration>()?.GetValue<int?>("Bulk:MaxPerHost") ?? BulkNestedVirtualization.DefaultMaxPerHost));
        return services;
    }
}
