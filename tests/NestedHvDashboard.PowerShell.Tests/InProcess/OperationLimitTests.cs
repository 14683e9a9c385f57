using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

/// <summary>
/// Each long operation has its own limit (<see cref="OperationTimeouts"/>), not the host's timeout; a limit that runs out is
/// StillRunning with the host left to finish, and the same session answers the check that follows.
/// </summary>
public sealed class OperationLimitTests : IAsyncLifetime
{
    private const string HostName = "HV-LIMITS";
    private static readonly TimeSpan ShortLimit = TimeSpan.FromSeconds(1);
    private readonly SimulatedLab _lab = new();
    private readonly SimulatedHost _host;
    private readonly SimulatedVm _running;
    private readonly SimulatedVm _off;

    public OperationLimitTests()
    {
        _host = new SimulatedHost(HostName, new HostProfile { OsCaption = "Microsoft Windows Server 2022 Datacenter", OsVersion = "10.0.20348", OsBuild = 20348 })
        {
            Timing = SimulationTiming.Fast(),
        };
        _running = _host.AddVm("l1-with-l2s", vm =>
        {
            vm.State = VMState.Running;
            vm.RunningSince = DateTimeOffset.UtcNow.AddMinutes(-30);
        });
        _off = _host.AddVm("off01");
        _lab.Add(_host);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A connected host: the pool opened and the VMs' names known (errors name them), as after the dashboard's first read.</summary>
    private async Task<PowerShellHyperVHost> ConnectAsync(TimeSpan hostTimeout, OperationTimeouts timeouts)
    {
        var host = (PowerShellHyperVHost)HyperVHostFactory.Create(
            new HostConnectionSettings { Name = "Lab host", Address = HostName, Transport = HostTransport.InProcess, Timeout = hostTimeout },
            _lab,
            timeouts: timeouts);
        await host.GetInventoryAsync();
        return host;
    }

    private VMState SimulatedState(SimulatedVm vm) => _host.FindVm(vm.Id)!.StateAt(DateTimeOffset.UtcNow);

    [Fact]
    public async Task A_graceful_shutdown_longer_than_the_host_timeout_runs_to_its_own_limit()
    {
        // The guest takes 5 s to shut down; the host's timeout is 4 s and only bounds connecting and reads.
        await using var host = await ConnectAsync(TimeSpan.FromSeconds(4), new OperationTimeouts { GracefulShutdown = TimeSpan.FromSeconds(30) });
        _host.Timing = new SimulationTiming { StopDuration = TimeSpan.FromSeconds(5) };

        var stopped = await host.StopVmAsync(_running.Id, StopMode.ShutDown);

        Assert.Equal(VmState.Off, stopped.State);
    }

    [Fact]
    public async Task A_shutdown_that_outlives_its_limit_is_StillRunning_and_the_host_goes_on_with_it()
    {
        _host.Timing = new SimulationTiming { StopDuration = TimeSpan.FromMinutes(5) };
        await using var host = await ConnectAsync(TimeSpan.FromSeconds(30), new OperationTimeouts { GracefulShutdown = ShortLimit });

        var error = await Assert.ThrowsAsync<HostOperationException>(() => host.StopVmAsync(_running.Id, StopMode.ShutDown));

        Assert.Equal(HostErrorKind.StillRunning, error.Kind);
        Assert.Equal("Stop-VM -Force", error.Operation);
        Assert.Equal("l1-with-l2s", error.VmName);
        Assert.Contains("limit of 1 s", error.HostMessage, StringComparison.Ordinal);
        Assert.Contains("left to finish", error.HostMessage, StringComparison.Ordinal);
        // Left to finish: the simulated guest is still shutting down, and the same session reads it at once.
        Assert.Equal(VMState.Stopping, SimulatedState(_running));
        var checkedAgain = await host.GetVmAsync(_running.Id);
        Assert.Equal(VmState.Stopping, checkedAgain.State);
    }

    [Fact]
    public async Task A_start_that_outlives_its_limit_is_StillRunning()
    {
        _host.Timing = new SimulationTiming { StartDuration = TimeSpan.FromMinutes(5) };
        await using var host = await ConnectAsync(TimeSpan.FromSeconds(30), new OperationTimeouts { Start = ShortLimit });

        var error = await Assert.ThrowsAsync<HostOperationException>(() => host.StartVmAsync(_off.Id));

        Assert.Equal(HostErrorKind.StillRunning, error.Kind);
        Assert.Equal("Start-VM", error.Operation);
        Assert.Equal(VMState.Starting, SimulatedState(_off));
    }

    [Fact]
    public async Task Stopping_the_wait_for_a_shutdown_leaves_the_host_to_finish_it()
    {
        _host.Timing = new SimulationTiming { StopDuration = TimeSpan.FromMinutes(5) };
        await using var host = await ConnectAsync(TimeSpan.FromSeconds(30), new OperationTimeouts());
        using var wait = new CancellationTokenSource();
        var stop = host.StopVmAsync(_running.Id, StopMode.ShutDown, wait.Token);
        await Eventually.HoldsAsync(() => SimulatedState(_running) == VMState.Stopping);

        await wait.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stop);
        Assert.Equal(VMState.Stopping, SimulatedState(_running));
        Assert.Equal(VmState.Stopping, (await host.GetVmAsync(_running.Id)).State);
    }

    [Fact]
    public void Limits_that_are_not_positive_are_named()
    {
        var problems = new OperationTimeouts { GracefulShutdown = TimeSpan.Zero, NewVm = TimeSpan.FromSeconds(-1) }.Problems();

        Assert.Equal(2, problems.Count);
        Assert.Contains("Operations:Timeouts:GracefulShutdown", problems[0], StringComparison.Ordinal);
        Assert.Contains("Operations:Timeouts:NewVm", problems[1], StringComparison.Ordinal);
        Assert.Empty(new OperationTimeouts().Problems());
    }
}
