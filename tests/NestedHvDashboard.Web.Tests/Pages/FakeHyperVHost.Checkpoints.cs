using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Tests.Pages;

/// <summary>Checkpoints as Hyper-V keeps them: a tree per VM, the one the VM runs from, merge on delete, Saved or Off after apply.</summary>
internal sealed partial class FakeHyperVHost
{
    private readonly Dictionary<Guid, (List<VmCheckpoint> List, Guid? Current, HashSet<Guid> WithMemory)> _checkpoints = [];

    /// <summary>The VMs' CheckpointType setting ("Production" unless set).</summary>
    public string CheckpointType { get; set; } = "Production";

    /// <summary>Gives <paramref name="vmId"/> a checkpoint taken at <paramref name="created"/> under the current one, which it becomes.</summary>
    public VmCheckpoint AddCheckpoint(Guid vmId, string name, DateTimeOffset created, string type = "Standard")
    {
        lock (_gate)
        {
            var (list, current, memory) = Of(vmId);
            var checkpoint = new VmCheckpoint(Guid.NewGuid(), name, current, created, type);
            list.Add(checkpoint);
            _checkpoints[vmId] = (list, checkpoint.Id, memory);
            _vms[vmId] = _vms[vmId] with { HasCheckpoints = true };
            return checkpoint;
        }
    }

    /// <remarks>Not in <see cref="Calls"/>: the VM page's checkpoints card reads the list whenever it renders, and the page tests count the changes.</remarks>
    public Task<VmCheckpoints> GetCheckpointsAsync(Guid vmId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var vm = Change(vmId, vm => vm);
            var (list, current, _) = Of(vmId);
            return Task.FromResult(new VmCheckpoints(vmId, vm.Name, [.. list.OrderBy(c => c.Created)], current, CheckpointType));
        }
    }

    public async Task<VmSnapshot> CreateCheckpointAsync(Guid vmId, string name, CancellationToken cancellationToken = default)
    {
        await EnterAsync($"CreateCheckpoint {name}", "Checkpoint-VM", vmId, cancellationToken);
        lock (_gate)
        {
            var vm = Change(vmId, vm => vm);
            var standard = CheckpointType == "Standard" || vm.State is not (VmState.Off or VmState.Running);
            var checkpoint = AddCheckpoint(vmId, name, DateTimeOffset.UtcNow, standard ? "Standard" : "Production");
            if (standard && vm.State is not VmState.Off)
            {
                Of(vmId).WithMemory.Add(checkpoint.Id);
            }

            return _vms[vmId];
        }
    }

    public async Task<VmSnapshot> ApplyCheckpointAsync(Guid vmId, Guid checkpointId, CancellationToken cancellationToken = default)
    {
        await EnterAsync("ApplyCheckpoint", "Restore-VMSnapshot", vmId, cancellationToken);
        lock (_gate)
        {
            var (list, _, memory) = Of(vmId);
            var checkpoint = list.Find(c => c.Id == checkpointId)
                ?? throw new HostOperationException(HostErrorKind.HostRefused, Name, "Restore-VMSnapshot", $"The virtual machine has no checkpoint with ID '{checkpointId}'.");
            _checkpoints[vmId] = (list, checkpoint.Id, memory);
            return Change(vmId, vm => vm with { State = memory.Contains(checkpoint.Id) ? VmState.Saved : VmState.Off });
        }
    }

    public async Task<VmSnapshot> RemoveCheckpointAsync(Guid vmId, Guid checkpointId, bool includeChildren, CancellationToken cancellationToken = default)
    {
        await EnterAsync($"RemoveCheckpoint {includeChildren}", "Remove-VMSnapshot", vmId, cancellationToken);
        lock (_gate)
        {
            var (list, current, memory) = Of(vmId);
            var checkpoint = list.Find(c => c.Id == checkpointId)
                ?? throw new HostOperationException(HostErrorKind.HostRefused, Name, "Remove-VMSnapshot", $"The virtual machine has no checkpoint with ID '{checkpointId}'.");
            var view = new VmCheckpoints(vmId, "", list, current, CheckpointType);
            var gone = includeChildren ? view.Subtree(checkpointId).Select(c => c.Id).ToHashSet() : [checkpointId];
            var kept = list.Where(c => !gone.Contains(c.Id)).Select(c => c.ParentId == checkpointId ? c with { ParentId = checkpoint.ParentId } : c).ToList();
            _checkpoints[vmId] = (kept, current is { } at && gone.Contains(at) ? checkpoint.ParentId : current, memory);
            return Change(vmId, vm => vm with { HasCheckpoints = kept.Count > 0 });
        }
    }

    private (List<VmCheckpoint> List, Guid? Current, HashSet<Guid> WithMemory) Of(Guid vmId)
    {
        if (!_checkpoints.TryGetValue(vmId, out var entry))
        {
            entry = ([], null, []);
            _checkpoints[vmId] = entry;
        }

        return entry;
    }
}
