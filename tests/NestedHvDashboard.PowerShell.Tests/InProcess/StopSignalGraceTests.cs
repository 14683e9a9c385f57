namespace NestedHvDashboard.PowerShell.Tests.InProcess;

/// <summary>
/// A remote connection is never released while a stop signal's timer may still be armed: PowerShell's SSH client writes
/// a close packet to the connection's input when a stop signal goes unanswered for 60 s, and if the connection had been
/// released by then the write threw ObjectDisposedException on a timer thread and ended the process (CI's reliability run
/// crashed so: a connection force-released 10 s after it was closed under a frozen host's pipeline). The grace is shortened
/// here; what is checked is the order: no release inside it, a release after it.
/// </summary>
public sealed class StopSignalGraceTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ForceAfter = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task Closing_under_a_running_pipeline_signals_it_and_releases_only_after_the_signal_grace()
    {
        var released = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var work = new InFlightWork(() => { released.TrySetResult(clock.Elapsed); return Task.CompletedTask; }, ForceAfter, Grace);
        using var shell = System.Management.Automation.PowerShell.Create();
        using var use = work.TryBegin(shell)!; // a pipeline that never ends: the host is frozen

        var closed = work.Close();

        Assert.True(work.SignalGraceLeft() > TimeSpan.Zero);
        var at = await released.Task.WaitAsync(TimeSpan.FromMinutes(1));
        await closed.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(at >= Grace - TimeSpan.FromMilliseconds(100), $"released {at.TotalMilliseconds:0} ms after the stop signal, inside its {Grace.TotalMilliseconds:0} ms grace");
    }

    [Fact]
    public async Task A_signal_sent_by_whoever_abandoned_a_pipeline_holds_the_release_after_that_pipeline_ended()
    {
        var released = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var work = new InFlightWork(() => { released.TrySetResult(clock.Elapsed); return Task.CompletedTask; }, ForceAfter, Grace);
        using var shell = System.Management.Automation.PowerShell.Create();
        var use = work.TryBegin(shell)!;

        // The session abandons the pipeline (a timeout): the signal is noted on the connection the pipeline runs on.
        InFlightWork.SignalStop(shell);
        use.Dispose(); // the pipeline ended (failed), the signal's timer may still be armed in the SDK
        var closed = work.Close();

        var at = await released.Task.WaitAsync(TimeSpan.FromMinutes(1));
        await closed.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(at >= Grace - TimeSpan.FromMilliseconds(100), $"released {at.TotalMilliseconds:0} ms after the stop signal, inside its {Grace.TotalMilliseconds:0} ms grace");
    }

    [Fact]
    public async Task With_no_signal_sent_an_idle_connection_is_released_at_once()
    {
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var work = new InFlightWork(() => { released.TrySetResult(); return Task.CompletedTask; }, ForceAfter, TimeSpan.FromMinutes(5));
        using var shell = System.Management.Automation.PowerShell.Create();
        work.TryBegin(shell)!.Dispose();

        await work.Close().WaitAsync(TimeSpan.FromMinutes(1));

        Assert.True(released.Task.IsCompleted);
        Assert.Equal(TimeSpan.Zero, work.SignalGraceLeft());
    }
}
