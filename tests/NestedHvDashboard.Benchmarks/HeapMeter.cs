using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// Another .NET process's live managed memory: what survives a full, blocking GC. The runtime runs that GC when an
/// EventPipe session enables the GC-heap-collect keyword (as <c>dotnet-gcdump</c> does), and reports the heap after it
/// in its GCHeapStats event. Unlike RSS growth, this does not count the GC's headroom or memory it has not returned to
/// the system, so the difference between two readings is what the objects in between hold.
/// </summary>
internal static class HeapMeter
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";

    /// <summary>Scenario "heap": one process's live managed MB, for a look at a running app.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var pid = new Options(args).Int("pid", 0);
        if (pid <= 0)
        {
            Console.Error.WriteLine("heap: --pid N (a running .NET process) is required");
            return 2;
        }

        var live = await LiveMbAsync(pid);
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"heap: pid {pid} live_mb {live:0.0}"));
        if (args.Contains("--types"))
        {
            HeapTypes.Print(pid, new Options(args).Int("top", 40));
        }

        return 0;
    }

    /// <summary>Live managed MB after a full GC: the smallest of <paramref name="readings"/> (a state in flight between two batches counts in one reading, not in all).</summary>
    public static async Task<double> LiveMbAsync(int pid, int readings = 3)
    {
        var least = double.MaxValue;
        for (var i = 0; i < readings; i++)
        {
            least = Math.Min(least, await OneReadingAsync(pid));
            await Task.Delay(1000);
        }

        return least;
    }

    private static async Task<double> OneReadingAsync(int pid)
    {
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
        var client = new DiagnosticsClient(pid);
        using var session = client.StartEventPipeSession(
            [new EventPipeProvider(RuntimeProvider, EventLevel.Informational, keywords)], requestRundown: false, circularBufferMB: 64);
        var live = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var processing = Task.Run(() =>
        {
            using var source = new EventPipeEventSource(session.EventStream);
            var fullGc = false;
            source.Clr.GCStart += e => fullGc = e.Depth == 2 && e.Type == GCType.NonConcurrentGC;
            source.Clr.GCHeapStats += e =>
            {
                if (fullGc)
                {
                    // After a blocking gen-2 GC, everything promoted is everything alive (small, large and pinned heaps).
                    live.TrySetResult(e.TotalPromoted / 1048576.0);
                }
            };
            source.Process();
        });

        var done = await Task.WhenAny(live.Task, Task.Delay(TimeSpan.FromSeconds(120)));
        session.Stop();
        await processing;
        return done == live.Task
            ? await live.Task
            : throw new TimeoutException($"process {pid} reported no full GC within 120 s of the heap-collect request");
    }
}
