using System.Globalization;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.PowerShell;

/// <summary>A VM's checkpoints: read on demand (not in the inventory), taken, applied and deleted by id.</summary>
public sealed partial class PowerShellHyperVHost
{
    /// <inheritdoc />
    public async Task<VmCheckpoints> GetCheckpointsAsync(Guid vmId, CancellationToken cancellationToken = default)
    {
        var command = new HostCommand(
            HostScript.GetCheckpoints, new Dictionary<string, object?> { ["VMId"] = vmId }, "Get-VMSnapshot", _vmNames.TryGetValue(vmId, out var name) ? name : vmId.ToString());
        var rows = await Session.InvokeAsync(command, cancellationToken).ConfigureAwait(false);
        var head = rows.FirstOrDefault(r => HostRows.KindOf(r) == "Checkpoints") ?? throw MissingRow(command, "the VM's checkpoints");
        var checkpoints = rows
            .Where(r => HostRows.KindOf(r) == "Checkpoint")
            .Select(r => new VmCheckpoint(
                HostRows.IdOf(r),
                HostRows.Text(r, "Name"),
                HostRows.OptionalText(r, "ParentId") is { } parent ? Guid.Parse(parent) : null,
                DateTimeOffset.Parse(HostRows.Text(r, "CreatedUtc"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                HostRows.OptionalText(r, "SnapshotType") ?? "Standard"))
            .OrderBy(c => c.Created)
            .ToList();
        var vmName = HostRows.Text(head, "VMName");
        _vmNames[vmId] = vmName;
        return new VmCheckpoints(
            vmId, vmName, checkpoints, HostRows.OptionalText(head, "CurrentId") is { } current ? Guid.Parse(current) : null, HostRows.OptionalText(head, "CheckpointType") ?? "");
    }

    /// <inheritdoc />
    public Task<VmSnapshot> CreateCheckpointAsync(Guid vmId, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return RunOnVmAsync(
            HostScript.CreateCheckpoint, vmId, $"Checkpoint-VM -SnapshotName '{name.Replace("'", "''", StringComparison.Ordinal)}'",
            new Dictionary<string, object?> { ["Name"] = name }, cancellationToken, Timeouts.GracefulShutdown);
    }

    /// <inheritdoc />
    public Task<VmSnapshot> ApplyCheckpointAsync(Guid vmId, Guid checkpointId, CancellationToken cancellationToken = default) =>
        RunOnVmAsync(
            HostScript.ApplyCheckpoint, vmId, "Restore-VMSnapshot",
            new Dictionary<string, object?> { ["CheckpointId"] = checkpointId }, cancellationToken, Timeouts.GracefulShutdown);

    /// <inheritdoc />
    public Task<VmSnapshot> RemoveCheckpointAsync(Guid vmId, Guid checkpointId, bool includeChildren, CancellationToken cancellationToken = default) =>
        RunOnVmAsync(
            HostScript.RemoveCheckpoint, vmId, includeChildren ? "Remove-VMSnapshot -IncludeAllChildSnapshots" : "Remove-VMSnapshot",
            new Dictionary<string, object?> { ["CheckpointId"] = checkpointId, ["IncludeChildren"] = includeChildren }, cancellationToken, Timeouts.GracefulShutdown);
}
