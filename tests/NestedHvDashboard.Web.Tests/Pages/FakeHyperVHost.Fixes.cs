using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Tests.Pages;

/// <summary>The readiness fixes' configuration changes, refused as Hyper-V refuses them while the VM is not Off.</summary>
internal sealed partial class FakeHyperVHost
{
    /// <summary>The version Update-VMVersion brings a VM to: the host's default.</summary>
    public Version DefaultVersion { get; init; } = new(10, 0);

    /// <summary>Changes the VM as the host would have without the dashboard (a user starting it in Hyper-V Manager, say).</summary>
    public VmSnapshot Update(Guid vmId, Func<VmSnapshot, VmSnapshot> change) => Change(vmId, change);

    public Task<VmSnapshot> UpdateVmVersionAsync(Guid vmId, CancellationToken cancellationToken = default) =>
        FixAsync("UpdateVersion", "Update-VMVersion", vmId, vm => vm with { ConfigVersion = DefaultVersion }, cancellationToken);

    public Task<VmSnapshot> SetStartupMemoryAsync(Guid vmId, long startupBytes, CancellationToken cancellationToken = default) =>
        FixAsync($"SetStartupMemory {startupBytes}", "Set-VMMemory", vmId, vm => vm with { MemoryStartupBytes = startupBytes }, cancellationToken);

    public Task<VmSnapshot> SetProcessorCountAsync(Guid vmId, long count, CancellationToken cancellationToken = default) =>
        FixAsync($"SetProcessorCount {count}", "Set-VMProcessor", vmId, vm => vm with { ProcessorCount = (int)count }, cancellationToken);

    private async Task<VmSnapshot> FixAsync(string record, string operation, Guid vmId, Func<VmSnapshot, VmSnapshot> change, CancellationToken cancellationToken)
    {
        await EnterAsync(record, operation, vmId, cancellationToken);
        return Change(vmId, vm => vm.State is VmState.Off
            ? change(vm)
            : throw new HostOperationException(HostErrorKind.InvalidVmState, Name, operation, "The operation cannot be performed while the virtual machine is in its current state.", vm.Name));
    }
}
