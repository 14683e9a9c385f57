using System.Management.Automation.Runspaces;
using System.Reflection;

namespace NestedHvDashboard.PowerShell.Tests.Ssh;

/// <summary>
/// The ssh process of a remote runspace dying while bytes for it are still unsent: PowerShell's SSH client disposes its input
/// writer on its own error thread, the flush of those bytes fails with a broken pipe and, unguarded, ends the whole process
/// (CI: the PowerShell tests' host crashed so while a test killed a host mid-call). Without <see cref="SshTransportGuard"/>
/// this test does not fail, it takes the test host down.
/// </summary>
[Collection(SshLabCollection.Name)]
public sealed class SshTransportGuardTests(SshLabFixture lab)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_ssh_process_dying_with_unsent_input_breaks_the_runspace_not_this_process()
    {
        // Which of the transport's threads closes the connection after the kill is a race (about one run in three here the
        // close finds no unsent bytes left to flush, so it never meets the broken pipe and proves nothing about the guard).
        // Every attempt must leave a broken runspace, a closed writer and a live test host; attempts go on until one close
        // has met the broken pipe, five at most.
        var metBrokenPipe = false;
        for (var attempt = 1; attempt <= 5 && !metBrokenPipe; attempt++)
        {
            metBrokenPipe = await KillSshWithUnsentInputAsync();
        }

        Assert.True(metBrokenPipe, "in five attempts, no close of the transport's writer met the broken pipe");
    }

    // One attempt: true when disposing the transport's writer met the broken pipe and the guard forgave it.
    private async Task<bool> KillSshWithUnsentInputAsync()
    {
        using var runspace = RemoteConnections.CreateSshRunspace(lab.Alpha.Settings(SshLabFixture.Timeout));
        await Task.Run(runspace.Open).WaitAsync(Patience);
        Assert.True(SshTransportGuard.Protect(runspace), "the open runspace's input writer is the forgiving one");

        var transport = SshTransportGuard.TransportOf(runspace)!;
        var forgiving = Assert.IsType<SshTransportGuard.ForgivingWriter>(SshTransportGuard.StdInWriter(transport));
        var sshPid = (int)transport.GetType().GetField("_sshProcessId", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(transport)!;
        Assert.Contains("ssh", ProcessTable.CommandLine(sshPid), StringComparison.Ordinal);

        // The transport reports the error on its error thread before it closes the connection. Holding that report until the
        // ssh process has no open file left makes the close meet a pipe with no reader (ssh closes its stderr before the copy
        // of its input it reads from, so otherwise the flush below may still slip into the pipe).
        var gone = new SshGone(sshPid);
        var errorEvent = transport.GetType().GetEvent("WSManTransportErrorOccured", BindingFlags.Instance | BindingFlags.NonPublic)!;
        errorEvent.GetAddMethod(nonPublic: true)!.Invoke(
            transport, [Delegate.CreateDelegate(errorEvent.EventHandlerType!, gone, typeof(SshGone).GetMethod(nameof(SshGone.WaitForIt))!)]);

        // Bytes the transport's writer holds but has not sent: what a write that failed on the dying pipe leaves behind.
        forgiving.Inner.BaseStream.Write("unsent"u8);
        ProcessTable.Signal("KILL", [sshPid]);

        await Eventually.HoldsAsync(
            () => runspace.RunspaceStateInfo.State == RunspaceState.Broken && !forgiving.Inner.BaseStream.CanWrite && !Directory.Exists($"/proc/{sshPid}"),
            Patience,
            "the runspace broken, its writer closed and ssh gone");

        // The transport closed its writer, the rest of the close (reaping the ssh process) went on, and this process lives.
        Assert.True(gone.Waited, "the transport reported the error before closing");
        Assert.Null(SshTransportGuard.StdInWriter(transport));
        return forgiving.ForgaveBrokenPipe;
    }

    private sealed class SshGone(int pid)
    {
        public bool Waited { get; private set; }

        public void WaitForIt(object? sender, EventArgs e)
        {
            var until = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < until && HasOpenFiles())
            {
                Thread.Sleep(10);
            }

            Waited = true;
        }

        private bool HasOpenFiles()
        {
            try
            {
                return Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Any();
            }
            catch (IOException)
            {
                return false; // gone
            }
            catch (UnauthorizedAccessException)
            {
                return false; // a zombie's
            }
        }
    }

    [Fact]
    public async Task A_guarded_runspace_still_runs_commands_and_closes_cleanly()
    {
        var runspace = RemoteConnections.CreateSshRunspace(lab.Alpha.Settings(SshLabFixture.Timeout));
        await Task.Run(runspace.Open).WaitAsync(Patience);
        using (var shell = System.Management.Automation.PowerShell.Create())
        {
            shell.Runspace = runspace;
            shell.AddCommand("Get-VMHost");
            var result = await Task.Run(shell.Invoke).WaitAsync(Patience);
            Assert.Equal("SSH-ALPHA", Assert.Single(result).Properties["ComputerName"].Value);
        }

        var transport = SshTransportGuard.TransportOf(runspace)!;
        var forgiving = Assert.IsType<SshTransportGuard.ForgivingWriter>(SshTransportGuard.StdInWriter(transport));
        await Task.Run(runspace.Dispose).WaitAsync(Patience);
        // The close finishes on the transport's own threads after the host acknowledges it.
        await Eventually.HoldsAsync(() => !forgiving.Inner.BaseStream.CanWrite, Patience, "the transport's writer to close");

        Assert.False(forgiving.ForgaveBrokenPipe);
    }

    [Fact]
    public void A_runspace_that_is_not_over_ssh_is_refused_by_name()
    {
        using var local = RunspaceFactory.CreateRunspace();
        var error = Assert.Throws<InvalidOperationException>(() => SshTransportGuard.Guard(local));
        Assert.Contains("SSHClientSessionTransportManager", error.Message, StringComparison.Ordinal);
    }
}
