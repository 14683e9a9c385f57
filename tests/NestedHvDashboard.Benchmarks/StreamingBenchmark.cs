extern alias Web;

using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Web::NestedHvDashboard.Web.Inventory;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// Scenario "streaming": K simulated hosts × V VMs, R state changes per second, M hub clients over
/// real WebSockets on loopback. The server (store + hub) runs in a child process so its CPU time and
/// allocations are measured apart from the clients'. The naive full-refresh baseline (every poll
/// sends every host's whole VM list to every client) is computed, not sent: one full inventory is
/// serialized with the same hub protocol and multiplied by clients and polls.
/// </summary>
internal static class StreamingBenchmark
{
    // The monitor's default poll interval (InventoryMonitorOptions.PollInterval).
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var hostCount = options.Int("hosts", 200);
        var vmsPerHost = options.Int("vms-per-host", 50);
        var rate = options.Int("rate", 100);
        var clientCount = options.Int("clients", 50);
        var seconds = options.Int("seconds", 20);
        var messagePack = args.Contains("--messagepack");
        var protocolName = messagePack ? "MessagePack" : "JSON";
        Console.WriteLine(Invariant($"# streaming: {hostCount} hosts x {vmsPerHost} VMs = {hostCount * vmsPerHost} VMs, {rate} changes/s for {seconds} s, {clientCount} clients over WebSockets ({protocolName}), {Environment.ProcessorCount} cores"));

        var baseline = ComputeFullRefresh(new StreamingLab(hostCount, vmsPerHost), messagePack);

        var window = TimeSpan.FromSeconds(seconds);
        ServerReport report;
        long produced;
        List<StreamingClient> clients = [];
        using (var server = StartServer(hostCount, vmsPerHost, rate))
        {
            try
            {
                var port = int.Parse(await ExpectAsync(server, "ready"), CultureInfo.InvariantCulture);
                var hubUrl = new Uri($"http://127.0.0.1:{port}{InventoryHub.Path}");
                var connecting = Stopwatch.StartNew();
                for (var i = 0; i < clientCount; i++)
                {
                    clients.Add(new StreamingClient(hubUrl, messagePack));
                }

                // A few at a time: each first item is the whole inventory.
                foreach (var chunk in clients.Chunk(5))
                {
                    await Task.WhenAll(chunk.Select(c => c.StartAsync())).WaitAsync(Patience);
                }

                Console.WriteLine(Invariant($"# {clientCount} clients connected and holding their snapshot after {connecting.Elapsed.TotalSeconds:0.0} s"));

                await SendAsync(server, "start");
                await ExpectAsync(server, "started");
                await Task.Delay(window);
                await SendAsync(server, "stop");
                produced = long.Parse(await ExpectAsync(server, "stopped"), CultureInfo.InvariantCulture);

                // The last changes are still in flight (batches go out every 100 ms): wait until delivery settles.
                var settle = Stopwatch.StartNew();
                var delivered = -1L;
                while (settle.Elapsed < TimeSpan.FromSeconds(5))
                {
                    await Task.Delay(250);
                    var now = clients.Sum(c => c.Delivered);
                    if (now == delivered)
                    {
                        break;
                    }

                    delivered = now;
                }

                await SendAsync(server, "report");
                report = ServerReport.Parse(await ExpectAsync(server, "report"));
                await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
                await SendAsync(server, "exit");
                await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            finally
            {
                if (!server.HasExited)
                {
                    server.Kill(entireProcessTree: true);
                }
            }
        }

        var latencies = clients.SelectMany(c => c.Latencies).Order().ToArray();
        var deliveredChanges = clients.Sum(c => c.Delivered);
        var expected = produced * clientCount;
        var ours = new Row(
            Percentile(latencies, 50), Percentile(latencies, 95), Percentile(latencies, 99),
            report.Cpu.TotalSeconds, 100 * report.Cpu.TotalSeconds / report.Wall.TotalSeconds, report.AllocatedBytes, report.BytesSent, (double)report.BytesSent / expected);

        var polls = window / PollInterval;
        var baselineLatencies = BaselineLatencies(produced, rate, baseline.SerializeTime).Order().ToArray();
        var baselineBytes = (long)(baseline.BytesPerMessage * clientCount * polls);
        var baselineCpu = baseline.SerializeTime.TotalSeconds * clientCount * polls;
        var baselineRow = new Row(
            Percentile(baselineLatencies, 50), Percentile(baselineLatencies, 95), Percentile(baselineLatencies, 99),
            baselineCpu, 100 * baselineCpu / window.TotalSeconds, (long)(baseline.AllocatedPerMessage * clientCount * polls), baselineBytes, (double)baselineBytes / expected);

        var table = new StringBuilder();
        table.AppendLine("| approach | p50 ms | p95 ms | p99 ms | server CPU s | CPU % of one core | allocated MB | bytes sent | bytes per change |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        table.AppendLine(ours.Format("ours (store + hub, measured)"));
        table.AppendLine(baselineRow.Format($"baseline: full refresh every {PollInterval.TotalSeconds:0} s (computed, not sent)"));
        Console.Write(table);
        Console.WriteLine(Invariant($"# window: {report.Wall.TotalSeconds:0.0} s ({seconds} s of changes + delivery settling); {produced} changes made, {deliveredChanges} of {expected} change deliveries reached clients ({expected - deliveredChanges} folded into a later change of the same VM or dropped by a resync); resyncs: {clients.Sum(c => c.Resyncs)}"));
        Console.WriteLine("# ours: latency = client receive time - change time stamped by the producer; server CPU, allocations and bytes (every byte Kestrel wrote to the sockets) measured in the server process over the window");
        Console.WriteLine(Invariant($"# baseline: one full inventory as a hub stream item = {baseline.BytesPerMessage} bytes ({protocolName}), serialized in {baseline.SerializeTime.TotalMilliseconds:0.0} ms, x {clientCount} clients x {polls:0.#} polls; CPU and allocations count serialization only and latency is the wait for the next poll plus one serialization, so both are lower bounds"));
        Console.WriteLine(Invariant($"p95_ms: {ours.P95:0.#} bytes_ratio: {(double)baselineBytes / report.BytesSent:0.#} cpu_pct: {ours.CpuPercent:0.#}"));
        return 0;
    }

    private static Process StartServer(int hostCount, int vmsPerHost, int rate)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("The benchmark cannot find its own executable.");
        var start = new ProcessStartInfo(self)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(StreamingBenchmark).Assembly.Location);
        }

        foreach (var arg in new[] { "streaming-server", "--hosts", Invariant($"{hostCount}"), "--vms-per-host", Invariant($"{vmsPerHost}"), "--rate", Invariant($"{rate}") })
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("The server process did not start.");
    }

    private static async Task SendAsync(Process server, string command)
    {
        await server.StandardInput.WriteLineAsync(command);
        await server.StandardInput.FlushAsync();
    }

    /// <summary>The server's next line, which must start with <paramref name="word"/>; returns the rest.</summary>
    private static async Task<string> ExpectAsync(Process server, string word)
    {
        var line = await server.StandardOutput.ReadLineAsync().WaitAsync(Patience)
            ?? throw new InvalidOperationException($"The server ended before saying '{word}'.");
        if (!line.StartsWith(word, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The server said '{line}', expected '{word}'.");
        }

        return line[word.Length..].Trim();
    }

    // The hub's own protocol settings (enums as names), so the baseline measures what the hub writes.
    private static Microsoft.Extensions.Options.IOptions<T> Protocol<T>(Action<T> configure)
        where T : class, new()
    {
        var options = new T();
        configure(options);
        return Microsoft.Extensions.Options.Options.Create(options);
    }

    /// <summary>One full inventory as the hub would write it for one client, measured after a warm-up.</summary>
    private static (long BytesPerMessage, TimeSpan SerializeTime, long AllocatedPerMessage) ComputeFullRefresh(StreamingLab lab, bool messagePack)
    {
        var store = lab.CreateStore();
        IHubProtocol protocol = messagePack ? new MessagePackHubProtocol(Protocol<MessagePackHubProtocolOptions>(InventoryHubProtocols.MessagePack))
            : new JsonHubProtocol(Protocol<JsonHubProtocolOptions>(InventoryHubProtocols.Json));
        var writer = new ArrayBufferWriter<byte>(16 << 20);
        const int Runs = 5;
        long allocated = 0;
        var clock = new Stopwatch();
        for (var run = -1; run < Runs; run++)
        {
            writer.ResetWrittenCount();
            var before = GC.GetAllocatedBytesForCurrentThread();
            if (run >= 0)
            {
                clock.Start();
            }

            protocol.WriteMessage(new StreamItemMessage("1", InventoryStreamItem.Snapshot(store.GetSnapshot())), writer);
            clock.Stop();
            if (run >= 0)
            {
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }

        return (writer.WrittenCount, clock.Elapsed / Runs, allocated / Runs);
    }

    /// <summary>Changes spread evenly over the window, each shown at the next poll (plus one serialization).</summary>
    private static IEnumerable<double> BaselineLatencies(long produced, int rate, TimeSpan serialize)
    {
        var poll = PollInterval.TotalSeconds;
        for (long n = 0; n < produced; n++)
        {
            var at = (double)n / rate;
            var next = (Math.Floor(at / poll) + 1) * poll;
            yield return ((next - at) * 1000) + serialize.TotalMilliseconds;
        }
    }

    private static double Percentile(double[] sorted, int percent) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percent / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Row(double P50, double P95, double P99, double CpuSeconds, double CpuPercent, long AllocatedBytes, long BytesSent, double BytesPerChange)
    {
        public string Format(string name) => Invariant(
            $"| {name} | {P50:0.#} | {P95:0.#} | {P99:0.#} | {CpuSeconds:0.00} | {CpuPercent:0.#} | {AllocatedBytes / 1048576.0:0.0} | {BytesSent} | {BytesPerChange:0} |");
    }

    private sealed record ServerReport(TimeSpan Cpu, long AllocatedBytes, long BytesSent, TimeSpan Wall)
    {
        public static ServerReport Parse(string text)
        {
            var parts = text.Split(' ').Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            return new ServerReport(TimeSpan.FromTicks(parts[0]), parts[1], parts[2], TimeSpan.FromTicks(parts[3]));
        }
    }

    /// <summary>One hub client streaming Subscribe(null) over WebSockets, timing every change it gets.</summary>
    private sealed class StreamingClient(Uri hubUrl, bool messagePack) : IAsyncDisposable
    {
        private readonly TaskCompletionSource _snapshot = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource _stop = new();
        private long _delivered;
        private HubConnection? _connection;
        private Task? _reading;

        public List<double> Latencies { get; } = [];

        public long Delivered => Interlocked.Read(ref _delivered);

        public int Resyncs { get; private set; }

        public async Task StartAsync()
        {
            var builder = new HubConnectionBuilder().WithUrl(hubUrl, HttpTransportType.WebSockets, o => o.SkipNegotiation = true)
                .AddJsonProtocol(InventoryHubProtocols.Json);
            if (messagePack)
            {
                builder.AddMessagePackProtocol(InventoryHubProtocols.MessagePack);
            }

            _connection = builder.Build();
            await _connection.StartAsync();
            _reading = ReadAsync(_connection.StreamAsync<InventoryStreamItem>("Subscribe", null, _stop.Token));
            await _snapshot.Task;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _reading!;
            }
            catch (OperationCanceledException)
            {
            }

            await _connection!.DisposeAsync();
            _stop.Dispose();
        }

        private async Task ReadAsync(IAsyncEnumerable<InventoryStreamItem> stream)
        {
            try
            {
                await foreach (var item in stream)
                {
                    if (item.Kind == InventoryStreamItem.SnapshotKind)
                    {
                        if (!_snapshot.TrySetResult())
                        {
                            Resyncs++;
                        }

                        continue;
                    }

                    var now = DateTime.UtcNow.Ticks;
                    foreach (var change in item.Changes)
                    {
                        if (change.Vm is { } vm && vm.MemoryAssignedBytes > StreamingLab.StampFloor)
                        {
                            Latencies.Add(TimeSpan.FromTicks(now - vm.MemoryAssignedBytes).TotalMilliseconds);
                            Interlocked.Increment(ref _delivered);
                        }
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _snapshot.TrySetException(e);
                throw;
            }
        }
    }
}
