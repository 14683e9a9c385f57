namespace NestedHvDashboard.Core.VirtualMachines;

/// <summary>One checkpoint of a VM (Hyper-V's VMSnapshot), as the checkpoints card lists it.</summary>
/// <param name="Id">Hyper-V's checkpoint id.</param>
/// <param name="Name">The checkpoint's name; any text, never interpreted. Hyper-V allows two checkpoints of one VM to share a name.</param>
/// <param name="ParentId">The checkpoint it was taken from (its parent in the tree), or null for a root.</param>
/// <param name="Created">When it was taken.</param>
/// <param name="Type">The host's SnapshotType, e.g. "Standard" or "Production".</param>
public sealed record VmCheckpoint(Guid Id, string Name, Guid? ParentId, DateTimeOffset Created, string Type);

/// <summary>A VM's checkpoints, read on demand (the inventory only carries whether there are any).</summary>
/// <param name="VmId">The VM's id.</param>
/// <param name="VmName">The VM's name.</param>
/// <param name="Checkpoints">Every checkpoint, oldest first.</param>
/// <param name="CurrentId">The checkpoint the VM runs from (its ParentSnapshotId: Hyper-V Manager's "Now" sits under it), or null.</param>
/// <param name="CheckpointType">The VM's CheckpointType setting ("Production", "ProductionOnly", "Standard", "Disabled"), or empty when the host does not report it.</param>
public sealed record VmCheckpoints(Guid VmId, string VmName, IReadOnlyList<VmCheckpoint> Checkpoints, Guid? CurrentId, string CheckpointType)
{
    /// <summary>True when the VM's setting refuses new checkpoints (CheckpointType Disabled).</summary>
    public bool CheckpointsDisabled => string.Equals(CheckpointType, "Disabled", StringComparison.OrdinalIgnoreCase);

    /// <summary>The checkpoints under <paramref name="parentId"/> (the roots for null), oldest first.</summary>
    public IEnumerable<VmCheckpoint> ChildrenOf(Guid? parentId) =>
        Checkpoints.Where(c => c.ParentId == parentId || (parentId is null && c.ParentId is { } p && !Checkpoints.Any(o => o.Id == p)));

    /// <summary>The checkpoint and every checkpoint under it.</summary>
    public IReadOnlyList<VmCheckpoint> Subtree(Guid id)
    {
        var found = new List<VmCheckpoint>();
        var queue = new Queue<Guid>([id]);
        while (queue.Count > 0)
        {
            var next = queue.Dequeue();
            foreach (var checkpoint in Checkpoints.Where(c => c.Id == next || c.ParentId == next))
            {
                if (found.TrueForAll(f => f.Id != checkpoint.Id))
                {
                    found.Add(checkpoint);
                    if (checkpoint.Id != next)
                    {
                        queue.Enqueue(checkpoint.Id);
                    }
                }
            }
        }

        return found;
    }

    /// <summary>The tree in display order (each checkpoint after its parent, children oldest first) with each one's depth.</summary>
    public IReadOnlyList<(VmCheckpoint Checkpoint, int Depth)> Tree()
    {
        var rows = new List<(VmCheckpoint, int)>();
        void Walk(Guid? parent, int depth)
        {
            foreach (var child in ChildrenOf(parent).OrderBy(c => c.Created))
            {
                rows.Add((child, depth));
                Walk(child.Id, depth + 1);
            }
        }

        Walk(null, 0);
        return rows;
    }
}
