using System.Collections;
using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

/// <summary>Checkpoint-VM, Restore-VMSnapshot and Remove-VMSnapshot as Hyper-V runs them: types, states, the tree and merges.</summary>
public sealed class CheckpointCmdletTests : IDisposable
{
    private readonly SimulatedHost host = TestHosts.Create();
    private readonly SimulatorSession session;

    public CheckpointCmdletTests() => session = new SimulatorSession(host);

    public void Dispose() => session.Dispose();

    private void SetCheckpointType(string vmName, CheckpointType type) => host.Update(h => { h.Vms.Find(v => v.Name == vmName)!.CheckpointType = type; });

    [Fact]
    public void Checkpoint_vm_takes_a_named_checkpoint_under_the_current_one_and_the_vm_runs_from_it()
    {
        session.Run("Checkpoint-VM -Name off-vm -SnapshotName first").Succeeded();
        session.Run("Get-VM off-vm | Checkpoint-VM -SnapshotName second").Succeeded();

        var checkpoints = session.Run("Get-VMSnapshot -VMName off-vm").All<VMSnapshot>();
        Assert.Equal(["first", "second"], checkpoints.Select(c => c.Name));
        Assert.Null(checkpoints[0].ParentSnapshotId);
        Assert.Equal(checkpoints[0].Id, checkpoints[1].ParentSnapshotId);
        var vm = session.Run("Get-VM off-vm").One<VirtualMachine>();
        Assert.Equal(checkpoints[1].Id, vm.ParentSnapshotId);
        Assert.Equal("second", vm.ParentSnapshotName);
    }

    [Fact]
    public void Without_a_name_the_checkpoint_is_named_after_the_vm_and_the_time()
    {
        session.Run("Checkpoint-VM -Name off-vm").Succeeded();

        var checkpoint = session.Run("Get-VMSnapshot -VMName off-vm").One<VMSnapshot>();
        Assert.StartsWith("off-vm - (", checkpoint.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void The_type_follows_the_vms_checkpoint_type_setting()
    {
        SetCheckpointType("run-vm", CheckpointType.Production);
        session.Run("Checkpoint-VM -Name run-vm -SnapshotName prod").Succeeded();
        SetCheckpointType("saved-vm", CheckpointType.Production);
        session.Run("Checkpoint-VM -Name saved-vm -SnapshotName fallback").Succeeded();
        SetCheckpointType("off-vm", CheckpointType.Standard);
        session.Run("Checkpoint-VM -Name off-vm -SnapshotName standard").Succeeded();

        Assert.Equal(SnapshotType.Production, session.Run("Get-VMSnapshot -VMName run-vm").One<VMSnapshot>().SnapshotType);
        // A saved VM's guest cannot take a production checkpoint: Production falls back to Standard.
        Assert.Equal(SnapshotType.Standard, session.Run("Get-VMSnapshot -VMName saved-vm").One<VMSnapshot>().SnapshotType);
        Assert.Equal(SnapshotType.Standard, session.Run("Get-VMSnapshot -VMName off-vm").One<VMSnapshot>().SnapshotType);
    }

    [Fact]
    public void Production_only_and_disabled_refuse_in_hyper_vs_words()
    {
        SetCheckpointType("saved-vm", CheckpointType.ProductionOnly);
        SetCheckpointType("off-vm", CheckpointType.Disabled);

        var productionOnly = session.Run("Checkpoint-VM -Name saved-vm -SnapshotName x").OnlyError;
        var disabled = session.Run("Checkpoint-VM -Name off-vm -SnapshotName x").OnlyError;

        Assert.Contains("Production checkpoints cannot be created for 'saved-vm'", productionOnly.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("Checkpoints are disabled for 'off-vm'", disabled.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(host.FindVm("off-vm")!.Checkpoints);
        Assert.Empty(host.FindVm("saved-vm")!.Checkpoints);
    }

    [Fact]
    public void Restoring_a_standard_checkpoint_of_a_running_vm_leaves_it_saved_with_the_settings_it_had()
    {
        SetCheckpointType("run-vm", CheckpointType.Standard);
        session.Run("Checkpoint-VM -Name run-vm -SnapshotName before").Succeeded();
        host.Update(h =>
        {
            var vm = h.Vms.Find(v => v.Name == "run-vm")!;
            vm.ExposeVirtualizationExtensions = true;
        });
        session.Run("Checkpoint-VM -Name run-vm -SnapshotName after").Succeeded();

        session.Run("Get-VMSnapshot -VMName run-vm -Name before | Restore-VMSnapshot -Confirm:$false").Succeeded();

        var vm = session.Run("Get-VM run-vm").One<VirtualMachine>();
        Assert.Equal(VMState.Saved, vm.State);
        Assert.Equal("before", vm.ParentSnapshotName);
        Assert.False(host.FindVm("run-vm")!.ExposeVirtualizationExtensions);
    }

    [Fact]
    public void Restoring_a_checkpoint_taken_while_off_or_a_production_one_leaves_the_vm_off()
    {
        session.Run("Checkpoint-VM -Name off-vm -SnapshotName base").Succeeded();
        session.Run("Start-VM -Name off-vm").Succeeded();

        session.Run("Restore-VMSnapshot -Name base -VMName off-vm -Confirm:$false").Succeeded();

        Assert.Equal(VMState.Off, session.Run("Get-VM off-vm").One<VirtualMachine>().State);
    }

    [Fact]
    public void Restoring_is_refused_while_the_vm_is_between_states_and_an_unknown_name_is_not_found()
    {
        session.Run("Checkpoint-VM -Name off-vm -SnapshotName base").Succeeded();
        host.Update(h => { h.Vms.Find(v => v.Name == "off-vm")!.BeginTransition(VMState.Starting, VMState.Running, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)); });

        var busy = session.Run("Restore-VMSnapshot -Name base -VMName off-vm -Confirm:$false").OnlyError;
        var missing = session.Run("Restore-VMSnapshot -Name nope -VMName off-vm -Confirm:$false").OnlyError;

        Assert.Equal(ErrorCategory.InvalidOperation, busy.CategoryInfo.Category);
        Assert.Contains("failed to apply checkpoint", busy.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.InvalidArgument, missing.CategoryInfo.Category);
    }

    [Fact]
    public void Removing_one_checkpoint_merges_it_its_children_move_up_and_the_vm_runs_from_its_parent()
    {
        session.Run("Checkpoint-VM -Name off-vm -SnapshotName a; Checkpoint-VM -Name off-vm -SnapshotName b; Checkpoint-VM -Name off-vm -SnapshotName c").Succeeded();

        session.Run("Get-VMSnapshot -VMName off-vm -Name b | Remove-VMSnapshot -Confirm:$false").Succeeded();

        var left = session.Run("Get-VMSnapshot -VMName off-vm").All<VMSnapshot>();
        Assert.Equal(["a", "c"], left.Select(c => c.Name));
        Assert.Equal(left[0].Id, left[1].ParentSnapshotId);
        Assert.Equal("c", session.Run("Get-VM off-vm").One<VirtualMachine>().ParentSnapshotName);

        session.Run("Remove-VMSnapshot -VMName off-vm -Name c -Confirm:$false").Succeeded();
        Assert.Equal("a", session.Run("Get-VM off-vm").One<VirtualMachine>().ParentSnapshotName);
    }

    [Fact]
    public void Removing_with_all_children_takes_the_subtree_and_the_vm_runs_from_what_is_left()
    {
        session.Run("Checkpoint-VM -Name run-vm -SnapshotName a; Checkpoint-VM -Name run-vm -SnapshotName b; Checkpoint-VM -Name run-vm -SnapshotName c").Succeeded();

        session.Run("Get-VM run-vm | Remove-VMSnapshot -Name b -IncludeAllChildSnapshots -Confirm:$false").Succeeded();

        Assert.Equal(["a"], session.Run("Get-VMSnapshot -VMName run-vm").All<VMSnapshot>().Select(c => c.Name));
        var vm = session.Run("Get-VM run-vm").One<VirtualMachine>();
        Assert.Equal("a", vm.ParentSnapshotName);
        Assert.Equal(VMState.Running, vm.State);
    }

    [Fact]
    public void Checkpoints_are_found_by_id_even_when_two_share_a_name()
    {
        session.Run("Checkpoint-VM -Name off-vm -SnapshotName same; Checkpoint-VM -Name off-vm -SnapshotName same").Succeeded();
        var first = session.Run("Get-VMSnapshot -VMName off-vm").All<VMSnapshot>()[0].Id;

        session.Run(
            "param($id) Get-VMSnapshot -VMName off-vm | Where-Object { $_.Id -eq $id } | Remove-VMSnapshot -Confirm:$false",
            new Hashtable { ["id"] = first }).Succeeded();

        var left = Assert.Single(session.Run("Get-VMSnapshot -VMName off-vm").All<VMSnapshot>());
        Assert.NotEqual(first, left.Id);
        Assert.Null(left.ParentSnapshotId);
    }
}
