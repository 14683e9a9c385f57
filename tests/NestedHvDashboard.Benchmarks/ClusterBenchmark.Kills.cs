using System.Diagnostics;
using NestedHvDashboard.Browser.Tests;
using static System.FormattableString;

namespace NestedHvDashboard.Benchmarks;

/// <summary>The cluster benchmark's kills: each instance in turn killed (kill -9), its hosts timed until taken over and read
/// again on both survivors, then started again and let calm before the next.</summary>
internal static partial class ClusterBenchmark
{
    // kill -9 of B, C, A, B, C, ...: the seconds until each host it owned is owned by a survivor and read again on both; started again after.
    private static async Task<List<double>> KillAsync(Dictionary<string, DashboardProcess> cluster, Dictionary<string, HttpClient> clients, List<string> hosts, int kills)
    {
        var takeovers = new List<double>();
        for (var k = 0; k < kills; k++)
        {
            var victim = Ids[(k + 1) % Ids.Length];
            var survivors = Ids.Where(i => i != victim).ToArray();
            var owned = (await OwnersAsync(clients, [victim])).Where(o => o.Value.Count > 0).Select(o => o.Key).ToList();
            var killedAt = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            await cluster[victim].KillAsync();
            double? ownedAfter = null;
            List<string> stuck = owned;
            while (clock.Elapsed < TimeSpan.FromMinutes(2))
            {
                var now = await OwnersAsync(clients, survivors);
                if (ownedAfter is null && owned.All(h => now.TryGetValue(h, out var o) && o.Count == 1))
                {
                    ownedAfter = clock.Elapsed.TotalSeconds;
                }

                var seen = await Task.WhenAll(survivors.Select(s => HostsAsync(clients[s])));
                stuck = [.. owned.Where(h => !(now.TryGetValue(h, out var o) && o.Count == 1 && seen.All(list => list.TryGetValue(h, out var x) && x.Status == "connected" && x.ReadAt > killedAt)))];
                if (stuck.Count == 0)
                {
                    break;
                }

                await Task.Delay(200);
            }

            if (clock.Elapsed >= TimeSpan.FromMinutes(2))
            {
                var now = await OwnersAsync(clients, survivors);
                foreach (var s in survivors)
                {
                    var list = await HostsAsync(clients[s]);
                    Console.WriteLine(Invariant($"  not taken over on {s}: {string.Join(", ", owned.Select(h => $"{h} owner {string.Join("+", now.GetValueOrDefault(h) ?? [])} {(list.TryGetValue(h, out var x) ? $"{x.Status} read {x.ReadAt:HH:mm:ss.fff}" : "missing")}"))} (killed {killedAt:HH:mm:ss.fff})"));
                }

                // What the hosts that did not make it went through on each survivor, from its log.
                foreach (var h in stuck)
                {
                    foreach (var s in survivors)
                    {
                        foreach (var line in TakeoverTimeline.LinesAbout(cluster[s].DataFolder, h, killedAt))
                        {
                            Console.WriteLine($"    {s}: {line}");
                        }
                    }
                }
            }

            takeovers.Add(clock.Elapsed.TotalSeconds);
            Console.WriteLine(Invariant($"kill {k + 1}: instance {victim} (owned {owned.Count} hosts) taken over in {clock.Elapsed.TotalSeconds:0.0} s (every one owned by a survivor after {ownedAfter ?? double.NaN:0.0} s)"));
            foreach (var survivor in survivors)
            {
                Console.WriteLine($"  {survivor}: {TakeoverTimeline.Describe(cluster[survivor].DataFolder, owned, killedAt)}");
            }

            await cluster[victim].StartAgainAsync();
            // Settled: every host owned once and connected on every instance, and read since the restart (the instance
            // started again shows its hosts Connected from the feed before its own first reads are done).
            var restartedAt = DateTimeOffset.UtcNow;
            await SettledAsync(clients, hosts, Ids, TimeSpan.FromMinutes(5), restartedAt);

            // Each instance's CPU once settled again: a takeover or hand-back that left work behind would show growing here. The
            // next kill waits, up to 2 minutes, for the instance started again to be as calm as the others (within 15 points of
            // a core): a cluster's instances are not killed seconds after a restart, and one still warming up (its first reads
            // and the feed's full states) is a survivor slower to take its share (kill 3 of the 06:14 UTC run: 3 s later).
            var (cpu, calm) = await ProcessMeter.CalmAsync(
                [.. Ids.Select(id => cluster[id].ProcessId)],
                (_, now) => now[Array.IndexOf(Ids, victim)] <= survivors.Max(s => now[Array.IndexOf(Ids, s)]) + 15,
                TimeSpan.FromMinutes(2));
            Console.WriteLine(Invariant($"  settled again; A / B / C {string.Join(" / ", cpu.Select(c => c.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))} % of a core ({victim} calm after {calm.TotalSeconds:0} s)"));
        }

        return takeovers;
    }
}
