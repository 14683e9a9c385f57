using System.Collections.Concurrent;
using System.Management.Automation.Runspaces;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Simulator;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

/// <summary>Opening host connections a few at a time: the gate, the time limit that starts with the turn, the open's own thread.</summary>
public sealed class HostOpenGateTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private readonly SimulatedLab _lab = LabScenarios.Generate(6, 2, seed: 7);

    [Fact]
    public async Task No_more_hosts_open_at_once_than_the_gate_allows_and_the_rest_wait_their_turn()
    {
        var gate = new HostOpenGate(2);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var openings = new OpeningCounter();
        var hosts = _lab.Hosts.Select(h => Host(h, TimeSpan.FromSeconds(60), gate, () => release.Task, openings)).ToList();
        try
        {
            var reads = hosts.Select(h => h.GetHostFactsAsync()).ToList();
            await Eventually.HoldsAsync(() => gate.Opening == 2 && gate.Waiting == 4, Patience);
            Assert.Equal(2, openings.Now);
            Assert.All(reads, read => Assert.False(read.IsCompleted));

            release.SetResult();
            var facts = await Task.WhenAll(reads).WaitAsync(Patience);

            Assert.Equal(_lab.Hosts.Select(h => h.Name), facts.Select(f => f.Name));
            Assert.Equal(2, openings.Most);
        }
        finally
        {
            await Task.WhenAll(hosts.Select(h => h.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task A_host_waiting_for_its_turn_is_not_timed_out_its_limit_starts_with_its_turn()
    {
        var gate = new HostOpenGate(1);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Host(_lab.Hosts[0], TimeSpan.FromSeconds(60), gate, () => release.Task);
        var limit = TimeSpan.FromSeconds(1.5);
        var queued = Host(_lab.Hosts[1], limit, gate);
        try
        {
            var holding = first.GetHostFactsAsync();
            await Eventually.HoldsAsync(() => gate.Opening == 1, Patience);
            var waiting = queued.GetHostFactsAsync();
            await Eventually.HoldsAsync(() => gate.Waiting == 1, Patience);

            // Longer than the queued host's whole limit: had the limit started with the call, it would have failed by now.
            await Task.Delay(limit * 3);
            Assert.False(waiting.IsCompleted, waiting.Exception?.ToString());

            release.SetResult();
            Assert.Equal(_lab.Hosts[1].Name, (await waiting.WaitAsync(Patience)).Name);
            Assert.Equal(_lab.Hosts[0].Name, (await holding.WaitAsync(Patience)).Name);
        }
        finally
        {
            await first.DisposeAsync();
            await queued.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_open_that_outlives_its_limit_fails_and_gives_its_turn_back()
    {
        var gate = new HostOpenGate(1);
        var never = new TaskCompletionSource();

        await Assert.ThrowsAsync<TimeoutException>(() => gate.OpenAsync(() => never.Task, TimeSpan.FromMilliseconds(100)));

        var next = gate.OpenAsync(() => Task.CompletedTask, TimeSpan.FromSeconds(30));
        await next.WaitAsync(Patience);
        Assert.Equal(0, gate.Opening);
    }

    [Fact]
    public async Task A_host_disposed_while_it_waits_for_its_turn_gives_up_its_place_and_never_opens()
    {
        var gate = new HostOpenGate(1);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var openings = new OpeningCounter();
        var first = Host(_lab.Hosts[0], TimeSpan.FromSeconds(60), gate, () => release.Task, openings);
        var second = Host(_lab.Hosts[1], TimeSpan.FromSeconds(60), gate, openings: openings);
        try
        {
            var firstRead = first.GetHostFactsAsync();
            await Eventually.HoldsAsync(() => gate.Opening == 1, Patience);
            var secondRead = second.GetHostFactsAsync();
            await Eventually.HoldsAsync(() => gate.Waiting == 1, Patience);

            await second.DisposeAsync();

            // Stopping the app must not leave hundreds of queued opens to run after it.
            await Eventually.HoldsAsync(() => gate.Waiting == 0, Patience);
            var error = await Assert.ThrowsAsync<HostOperationException>(() => secondRead);
            Assert.Contains("closed while it opened", error.HostMessage, StringComparison.Ordinal);
            release.SetResult();
            await firstRead.WaitAsync(Patience);
            Assert.Equal(1, openings.Total);
        }
        finally
        {
            release.TrySetResult();
            await first.DisposeAsync();
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_host_connected_ahead_opens_through_the_gate_and_its_first_read_finds_it_open()
    {
        var gate = new HostOpenGate(1);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var openings = new OpeningCounter();
        var host = Host(_lab.Hosts[0], TimeSpan.FromSeconds(60), gate, () => release.Task, openings);
        try
        {
            var ahead = ((IConnectAhead)host).ConnectAheadAsync(CancellationToken.None);
            await Eventually.HoldsAsync(() => gate.Opening == 1, Patience);
            Assert.False(ahead.IsCompleted);

            release.SetResult();
            await ahead.WaitAsync(Patience);
            Assert.Equal(0, gate.Opening);
            Assert.Equal(_lab.Hosts[0].Name, (await host.GetHostFactsAsync().WaitAsync(Patience)).Name);

            Assert.Equal(1, openings.Total);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_failed_open_ahead_is_reported_and_forgotten_the_next_read_opens_again()
    {
        var gate = new HostOpenGate(1);
        var openings = new OpeningCounter();
        var fail = 1;
        var host = Host(_lab.Hosts[0], TimeSpan.FromSeconds(60), gate, () => Interlocked.Exchange(ref fail, 0) == 1 ? throw new InvalidOperationException("refused") : Task.CompletedTask, openings);
        try
        {
            var error = await Assert.ThrowsAsync<HostOperationException>(() => ((IConnectAhead)host).ConnectAheadAsync(CancellationToken.None).WaitAsync(Patience));
            Assert.Equal("Connect", error.Operation);

            Assert.Equal(_lab.Hosts[0].Name, (await host.GetHostFactsAsync().WaitAsync(Patience)).Name);
            Assert.Equal(2, openings.Total);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_in_process_pool_opens_on_a_thread_of_its_own_not_on_the_thread_pool()
    {
        // The pool reports Opened from the thread that ran the open (session state, modules, the first runspace).
        // A thread-pool thread blocked there is one fewer for Kestrel and the circuits.
        var openedOnThreadPool = new ConcurrentBag<bool>();
        var pool = RunspaceFactory.CreateRunspacePool(SimulatorModule.CreateSessionState(_lab.Hosts[0]));
        pool.StateChanged += (_, e) =>
        {
            if (e.RunspacePoolStateInfo.State == RunspacePoolState.Opened)
            {
                openedOnThreadPool.Add(Thread.CurrentThread.IsThreadPoolThread);
            }
        };
        var connection = new HostConnection.Pool(pool);
        try
        {
            await connection.OpenAsync().WaitAsync(Patience);

            Assert.Equal([false], openedOnThreadPool);
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    private static PowerShellHyperVHost Host(SimulatedHost host, TimeSpan timeout, HostOpenGate gate, Func<Task>? before = null, OpeningCounter? openings = null)
    {
        var settings = new HostConnectionSettings { Name = host.Name, Address = host.Name, Transport = HostTransport.InProcess, Timeout = timeout };
        var state = SimulatorModule.CreateSessionState(host);
        var session = new HostSession(
            host.Name,
            timeout,
            () => new HeldConnection(new HostConnection.Pool(RunspaceFactory.CreateRunspacePool(state)), before ?? (() => Task.CompletedTask), openings ?? new OpeningCounter()),
            settings.MaxConcurrency,
            gate);
        return new PowerShellHyperVHost(session);
    }

    /// <summary>How many connections are in their open now, and the most there ever were.</summary>
    private sealed class OpeningCounter
    {
        private int _now;
        private int _most;
        private int _total;

        public int Now => Volatile.Read(ref _now);

        public int Total => Volatile.Read(ref _total);

        public int Most => Volatile.Read(ref _most);

        public void Enter()
        {
            Interlocked.Increment(ref _total);
            var now = Interlocked.Increment(ref _now);
            int most;
            while (now > (most = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, now, most) != most)
            {
            }
        }

        public void Leave() => Interlocked.Decrement(ref _now);
    }

    /// <summary>A real connection whose open first waits for <paramref name="before"/>: an open that takes as long as the test says.</summary>
    private sealed class HeldConnection(HostConnection inner, Func<Task> before, OpeningCounter openings) : HostConnection
    {
        public override bool IsUsable => inner.IsUsable;

        public override async Task OpenAsync()
        {
            openings.Enter();
            try
            {
                await before();
                await inner.OpenAsync();
            }
            finally
            {
                openings.Leave();
            }
        }

        public override Task<IDisposable> AttachAsync(System.Management.Automation.PowerShell shell, CancellationToken cancellationToken) =>
            inner.AttachAsync(shell, cancellationToken);

        public override void Dispose() => inner.Dispose();

        public override Task CloseAsync() => inner.CloseAsync();
    }
}
