using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace NestedHvDashboard.PowerShell.Tests.Ssh;

/// <summary>
/// Stopping a pipeline on an SSH runspace closes that runspace instead of sending PowerShell's stop signal: the signal arms a
/// 60 s timer in the SDK's SSH client that, when the host never answers and the ssh process's input is closed meanwhile,
/// throws on a timer thread and ends the process (CI's reliability run crashed so, a frozen host's pipeline stopped when its
/// connection was discarded).
/// </summary>
[Collection(SshLabCollection.Name)]
public sealed class SshStopTests(SshLabFixture lab)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_stopped_ssh_pipeline_ends_by_its_runspace_closing_and_no_stop_signal_is_noted()
    {
        var settings = lab.Alpha.Settings(SshLabFixture.Timeout);
        Runspace? made = null;
        var connection = new HostConnection.RunspaceSet(() => made = RemoteConnections.CreateSshRunspace(settings), 1);
        await connection.OpenAsync().WaitAsync(Patience);
        using var shell = System.Management.Automation.PowerShell.Create();
        shell.AddScript("Start-Sleep -Seconds 600");
        var use = await connection.AttachAsync(shell, CancellationToken.None);
        var invocation = shell.InvokeAsync();
        await Eventually.HoldsAsync(() => shell.InvocationStateInfo.State == PSInvocationState.Running, Patience);

        InFlightWork.SignalStop(shell);

        // The pipeline ends (here: stopped by its runspace closing), and the runspace is gone: a stop signal would have left it open.
        _ = await Record.ExceptionAsync(() => invocation.WaitAsync(Patience));
        Assert.True(invocation.IsCompleted);
        Assert.NotEqual(PSInvocationState.Running, shell.InvocationStateInfo.State);
        Assert.Contains(made!.RunspaceStateInfo.State, new[] { RunspaceState.Closing, RunspaceState.Closed });
        use.Dispose();
        await connection.CloseAsync().WaitAsync(Patience);
    }
}
