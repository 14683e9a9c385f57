using System.Globalization;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.PowerShell;

/// <summary>The configuration changes the readiness fixes make: each one host script, the VM read back after it.</summary>
public sealed partial class PowerShellHyperVHost
{
    /// <inheritdoc />
    public Task<VmSnapshot> UpdateVmVersionAsync(Guid vmId, CancellationToken cancellationToken = default) =>
        RunOnVmAsync(HostScript.UpdateVmVersion, vmId, "Update-VMVersion -Force", new Dictionary<string, object?>(), cancellationToken);

    /// <inheritdoc />
    public Task<VmSnapshot> SetStartupMemoryAsync(Guid vmId, long startupBytes, CancellationToken cancellationToken = default) =>
        RunOnVmAsync(
            HostScript.SetStartupMemory, vmId, $"Set-VMMemory -StartupBytes {startupBytes.ToString(CultureInfo.InvariantCulture)}",
            new Dictionary<string, object?> { ["StartupBytes"] = startupBytes }, cancellationToken);

    /// <inheritdoc />
    public Task<VmSnapshot> SetProcessorCountAsync(Guid vmId, long count, CancellationToken cancellationToken = default) =>
        RunOnVmAsync(
            HostScript.SetProcessorCount, vmId, $"Set-VMProcessor -Count {count.ToString(CultureInfo.InvariantCulture)}",
            new Dictionary<string, object?> { ["Count"] = count }, cancellationToken);
}
