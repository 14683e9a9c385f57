using System.Management.Automation;
using System.Management.Automation.Runspaces;
using NestedHvDashboard.Simulator;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

/// <summary>
/// Closing a connection while it opens or runs a command: the runspace pool is released only once nothing runs on it
/// (disposing an in-process pool under a running pipeline crashed the process with a NullReferenceException on the
/// pipeline's own thread, in LocalPipeline.InvokeThreadProc).
/// </summary>
public sealed class DisposeWhileBusyTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private readonly SimulatedLab _lab = LabScenarios.Generate(1, 2, seed: 11);

    [Fact]
    public async Task A_pool_closed_under_a_running_command_stops_it_and_is_released_only_after_the_command_ended()
    {
        var pool = RunspaceFactory.CreateRunspacePool(SimulatorModule.CreateSessionState(_lab.Hosts[0]));
        var connection = new HostConnection.Pool(pool);
        await connection.OpenAsync().WaitAsync(Patience);
        using var held = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        using var shell = System.Management.Automation.PowerShell.Create();
        // .NET's Wait does not look at the pipeline's stop: the command runs on until the test lets it go.
        shell.AddScript("param($held, $started) $started.Set(); $null = $held.Wait([timespan]::FromMinutes(2)); 'ended'")
            .AddParameter("held", held).AddParameter("started", started);
        var use = await connection.AttachAsync(shell, CancellationToken.None);
        var invocation = shell.InvokeAsync();
        // The script itself runs (the invocation says Running already while it waits for a runspace of the pool; a stop then
        // ends it at once, and the close under a running command would not be what is tested).
        await Eventually.HoldsAsync(() => started.IsSet, Patience);
        Assert.Equal(PSInvocationState.Running, shell.InvocationStateInfo.State);

        var closed = connection.CloseAsync();
        await Eventually.HoldsAsync(() => shell.InvocationStateInfo.State == PSInvocationState.Stopping, Patience);

        Assert.Equal(RunspacePoolState.Opened, pool.RunspacePoolStateInfo.State);
        Assert.False(closed.IsCompleted);
        Assert.False(connection.IsUsable);

        held.Set();
        await Assert.ThrowsAsync<PipelineStoppedException>(() => invocation.WaitAsync(Patience));
        use.Dispose();
        await closed.WaitAsync(Patience);
        Assert.True(pool.IsDisposed);
        await Assert.ThrowsAsync<InvalidRunspacePoolStateException>(() => connection.AttachAsync(System.Management.Automation.PowerShell.Create(), CancellationToken.None));
    }
}
