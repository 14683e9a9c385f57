using NestedHvDashboard.Simulator.State;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Simulator;

/// <summary>One simulated VM as the simulator itself holds it (not as the dashboard's inventory read it).</summary>
/// <param name="Host">The simulated host.</param>
/// <param name="Name">The VM's name.</param>
/// <param name="Id">The VM's id.</param>
/// <param name="State">Its power state now, as Get-VM would say.</param>
/// <param name="ExposeVirtualizationExtensions">Nested virtualization.</param>
/// <param name="DynamicMemoryEnabled">Dynamic memory.</param>
/// <param name="MacAddressSpoofing">MAC address spoofing per adapter name.</param>
public sealed record SimulatedVmState(
    string Host,
    string Name,
    Guid Id,
    string State,
    bool ExposeVirtualizationExtensions,
    bool DynamicMemoryEnabled,
    IReadOnlyDictionary<string, bool> MacAddressSpoofing);

/// <summary>
/// Read-only views of the simulated lab's own state at <c>/simulator</c>, mapped only when the dashboard runs on it:
/// what a demo or a test checks a change against, independently of the inventory the dashboard shows.
/// </summary>
public static class SimulatorEndpoints
{
    /// <summary>The path every endpoint sits under.</summary>
    public const string Path = "/simulator";

    /// <summary>Maps <c>GET /simulator/hosts/{host}/vms</c> and <c>GET /simulator/hosts/{host}/vms/{name}</c>.</summary>
    public static RouteGroupBuilder MapSimulatorApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(Path).RequireAuthorization(Access.DashboardPolicies.View);
        group.MapGet("/hosts/{host}/vms", (string host, HostDirectory directory, TimeProvider time) =>
            directory.Lab is { } lab && lab.TryRead(host, h => h.Vms.Select(v => StateOf(h.Name, v, time.GetUtcNow())).ToList(), out var vms)
                ? Results.Ok(vms)
                : Results.NotFound($"The simulated lab has no host named '{host}'."));
        group.MapGet("/hosts/{host}/vms/{name}", (string host, string name, HostDirectory directory, TimeProvider time) =>
            directory.Lab is not { } lab || !lab.TryRead(host, h => h.Vms.Find(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase)) is { } vm ? StateOf(h.Name, vm, time.GetUtcNow()) : null, out var state)
                ? Results.NotFound($"The simulated lab has no host named '{host}'.")
                : state is null
                    ? Results.NotFound($"The simulated host '{host}' has no VM named '{name}'.")
                    : Results.Ok(state));
        return group;
    }

    private static SimulatedVmState StateOf(string host, SimulatedVm vm, DateTimeOffset now) => new(
        host,
        vm.Name,
        vm.Id,
        vm.StateAt(now).ToString(),
        vm.ExposeVirtualizationExtensions,
        vm.DynamicMemoryEnabled,
        vm.NetworkAdapters.GroupBy(a => a.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.All(a => a.MacAddressSpoofing), StringComparer.Ordinal));
}
