using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

/// <summary>The engine's checkpoint calls against the simulator in this process: the scripts a real host runs.</summary>
public sealed class CheckpointEngineTests : IAsyncLifetime
{
    private const string HostName = "HV-CKPT";
    private const string MaliciousName = "x'; Remove-Item C:\\ -Recurse; '$(Get-Date)";

    private readonly SimulatedLab _lab = new();
    private readonly SimulatedHost _host;
    private readonly SimulatedVm _off;
    private readonly SimulatedVm _running;
    private PowerShellHyperVHost? _dashboardHost;

    public CheckpointEngineTests()
    {
        _host = new SimulatedHost(HostName, new HostProfile()) { Timing = SimulationTiming.Fast() };
        _off = _host.AddVm("off01", vm => vm.CheckpointType = CheckpointType.Standard);
        _running = _host.AddVm("run01", vm =>
        {
            vm.State = VMState.Running;
            vm.RunningSince = DateTimeOffset.UtcNow.AddMinutes(-30);
            vm.GuestOsName = "Windows Server 2022 Datacenter";
            vm.CheckpointType = CheckpointType.Standard;
        });
        _lab.Add(_host);
    }

    private PowerShellHyperVHost DashboardHost => _dashboardHost ?? throw new InvalidOperationException("Not initialised.");

    public Task InitializeAsync()
    {
        _dashboardHost = (PowerShellHyperVHost)HyperVHostFactory.Create(
            new HostConnectionSettings { Name = "Lab host", Address = HostName, Transport = HostTransport.InProcess, Timeout = TimeSpan.FromSeconds(30) }, _lab);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await DashboardHost.DisposeAsync();

    [Fact]
    public async Task A_vm_without_checkpoints_lists_none_with_its_checkpoint_type()
    {
        var list = await DashboardHost.GetCheckpointsAsync(_off.Id);

        Assert.Empty(list.Checkpoints);
        Assert.Null(list.CurrentId);
        Assert.Equal("Standard", list.CheckpointType);
        Assert.Equal("off01", list.VmName);
    }

    [Fact]
    public async Task Created_checkpoints_list_as_a_tree_with_utc_dates_and_the_vm_runs_from_the_last()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var vm = await DashboardHost.CreateCheckpointAsync(_off.Id, "first");
        await DashboardHost.CreateCheckpointAsync(_off.Id, MaliciousName);
        var list = await DashboardHost.GetCheckpointsAsync(_off.Id);

        Assert.True(vm.HasCheckpoints);
        Assert.Equal(["first", MaliciousName], list.Checkpoints.Select(c => c.Name));
        Assert.Equal(list.Checkpoints[0].Id, list.Checkpoints[1].ParentId);
        Assert.Equal(list.Checkpoints[1].Id, list.CurrentId);
        Assert.All(list.Checkpoints, c => Assert.InRange(c.Created, before, DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.All(list.Checkpoints, c => Assert.Equal("Standard", c.Type));
    }

    [Fact]
    public async Task Applying_a_checkpoint_of_a_running_vm_stops_it_and_leaves_it_saved_running_from_the_checkpoint()
    {
        await DashboardHost.CreateCheckpointAsync(_running.Id, "base");
        await DashboardHost.CreateCheckpointAsync(_running.Id, "later");
        var list = await DashboardHost.GetCheckpointsAsync(_running.Id);

        var vm = await DashboardHost.ApplyCheckpointAsync(_running.Id, list.Checkpoints[0].Id);

        Assert.Equal(VmState.Saved, vm.State);
        Assert.Equal(list.Checkpoints[0].Id, (await DashboardHost.GetCheckpointsAsync(_running.Id)).CurrentId);
    }

    [Fact]
    public async Task Deleting_one_merges_it_and_deleting_a_subtree_takes_its_children()
    {
        await DashboardHost.CreateCheckpointAsync(_off.Id, "a");
        await DashboardHost.CreateCheckpointAsync(_off.Id, "b");
        await DashboardHost.CreateCheckpointAsync(_off.Id, "c");
        var ids = (await DashboardHost.GetCheckpointsAsync(_off.Id)).Checkpoints.Select(c => c.Id).ToList();

        await DashboardHost.RemoveCheckpointAsync(_off.Id, ids[1], includeChildren: false);
        var merged = await DashboardHost.GetCheckpointsAsync(_off.Id);
        Assert.Equal(["a", "c"], merged.Checkpoints.Select(c => c.Name));
        Assert.Equal(ids[0], merged.Checkpoints[1].ParentId);

        var vm = await DashboardHost.RemoveCheckpointAsync(_off.Id, ids[0], includeChildren: true);
        Assert.False(vm.HasCheckpoints);
        Assert.Empty((await DashboardHost.GetCheckpointsAsync(_off.Id)).Checkpoints);
    }

    [Fact]
    public async Task A_refused_checkpoint_is_a_host_error_with_hyper_vs_words()
    {
        _host.Update(h => { h.Vms.Single(v => v.Id == _off.Id).CheckpointType = CheckpointType.Disabled; });
        await DashboardHost.GetInventoryAsync(); // the dashboard knows the VM's name

        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.CreateCheckpointAsync(_off.Id, "nope"));

        Assert.Equal("off01", error.VmName);
        Assert.Equal("Checkpoint-VM -SnapshotName 'nope'", error.Operation);
        Assert.Contains("Checkpoints are disabled for 'off01'", error.HostMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkpoint_deleted_meanwhile_is_refused_by_id()
    {
        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.ApplyCheckpointAsync(_off.Id, Guid.NewGuid()));

        Assert.Contains("has no checkpoint with ID", error.HostMessage, StringComparison.Ordinal);
    }
}
