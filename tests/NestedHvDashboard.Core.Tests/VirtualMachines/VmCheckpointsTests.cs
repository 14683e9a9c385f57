using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.VirtualMachines;

/// <summary>The checkpoint tree as the card shows it, and what a new checkpoint's name may be.</summary>
public sealed class VmCheckpointsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private static VmCheckpoint C(string name, int hours, VmCheckpoint? parent = null) =>
        new(Guid.NewGuid(), name, parent?.Id, T0.AddHours(hours), "Standard");

    [Fact]
    public void The_tree_puts_each_checkpoint_after_its_parent_children_oldest_first_with_their_depth()
    {
        var root = C("root", 0);
        var late = C("late branch", 5, root);
        var early = C("early branch", 1, root);
        var leaf = C("leaf", 2, early);
        var list = new VmCheckpoints(Guid.NewGuid(), "vm", [root, late, early, leaf], leaf.Id, "Production");

        Assert.Equal(
            [("root", 0), ("early branch", 1), ("leaf", 2), ("late branch", 1)],
            list.Tree().Select(r => (r.Checkpoint.Name, r.Depth)));
        Assert.Equal(["root", "late branch", "early branch", "leaf"], list.Subtree(root.Id).Select(c => c.Name));
        Assert.Equal(["early branch", "leaf"], list.Subtree(early.Id).Select(c => c.Name));
    }

    [Fact]
    public void A_checkpoint_whose_parent_is_not_listed_shows_as_a_root()
    {
        var orphan = new VmCheckpoint(Guid.NewGuid(), "orphan", Guid.NewGuid(), T0, "Standard");
        var list = new VmCheckpoints(Guid.NewGuid(), "vm", [orphan], null, "");

        Assert.Equal([("orphan", 0)], list.Tree().Select(r => (r.Checkpoint.Name, r.Depth)));
    }

    [Theory]
    [InlineData(null, "A name is required.")]
    [InlineData("   ", "A name is required.")]
    [InlineData("tab\there", "The name cannot contain control characters (tabs, line breaks).")]
    [InlineData("Before upgrade", null)]
    [InlineData("x'; Remove-Item C:\\ -Recurse; '$(Get-Date)", null)]
    public void A_name_is_required_and_plain_text(string? name, string? problem) => Assert.Equal(problem, CheckpointNames.Problem(name));

    [Fact]
    public void A_name_longer_than_hyper_v_takes_is_a_problem_and_the_suggestions_fit()
    {
        Assert.Null(CheckpointNames.Problem(new string('x', 100)));
        Assert.Equal("The name is 101 characters long; Hyper-V takes at most 100.", CheckpointNames.Problem(new string('x', 101)));
        Assert.Null(CheckpointNames.Problem(CheckpointNames.Suggested(new string('v', 300), T0)));
        Assert.Null(CheckpointNames.Problem(CheckpointNames.BeforeApplying(new string('c', 300), T0)));
        Assert.Equal("lab - (2026-12-01 08:00:00)", CheckpointNames.Suggested("lab", T0));
        Assert.Equal("Before applying 'base' (2026-12-01 08:00:00)", CheckpointNames.BeforeApplying("base", T0));
    }

    [Fact]
    public void A_name_the_vm_already_uses_is_a_warning_not_a_problem()
    {
        var list = new VmCheckpoints(Guid.NewGuid(), "vm", [C("Base", 0)], null, "Standard");

        Assert.Contains("already has a checkpoint named 'base'", CheckpointNames.Warning("base", list), StringComparison.Ordinal);
        Assert.Null(CheckpointNames.Warning("other", list));
        Assert.Null(CheckpointNames.Problem("base"));
    }
}
