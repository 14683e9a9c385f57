using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NestedHvDashboard.Browser.Tests;
using NestedHvDashboard.Reliability.Tests.Cluster;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;
using NestedHvDashboard.TestSupport;
using static System.FormattableString;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// Scenario "cluster" (issue 18): one shared simulated lab (<c>Simulator:SharedFolder</c>, N hosts × M VMs), one real
/// PostgreSQL and one redis-server. First a single instance (cluster off) on that lab: change → hub client latency. Then three
/// instances in cluster mode: the same latency on the two instances that do not own the VM's host (the change made through
/// the owner), Redis's bytes per change (<c>INFO stats</c> deltas, beside an idle window as long), and the takeover time
/// after kill -9 of one instance (each of its hosts owned again and read again on both others), the instance started again
/// after each kill. Last line: <c>cluster: takeover_max_s N cross_p95_ratio N</c>.
/// </summary>
internal static partial class ClusterBenchmark
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly string[] Ids = ["A", "B", "C"];
    private static readonly TimeSpan ChangeLimit = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var (hostCount, vmsPerHost) = (options.Int("hosts", 200), options.Int("vms", 50));
        var (kills, changes, lease) = (options.Int("kills", 5), options.Int("changes", 20), options.Int("lease", 8));
        Console.WriteLine($"cluster: {hostCount} hosts × {vmsPerHost} VMs (shared lab), 3 instances, lease {lease} s, {changes} changes per phase, {kills} kills; {Environment.ProcessorCount} cores");
        var folder = Directory.CreateTempSubdirectory("nestedhv-bench-cluster-").FullName;

        // The generated lab, written before any instance starts (they find it), every VM ready for nested virtualization so
        // every change runs: the generated lab's older VMs would be refused by readiness, leaving a small lab few to change.
        SharedLabFolder.Open(folder, () => NestedReadyLab.MakeReady(LabScenarios.Generate(hostCount, vmsPerHost, seed: 1)));
        await using var postgres = await ClusterPostgres.StartAsync();
        await using var redis = await RedisServer.StartNewAsync();
        string[] common =
        [
            "--Database:Provider", "PostgreSQL", "--ConnectionStrings:Dashboard", postgres.ConnectionString,
            "--Simulator:Enabled", "true", "--Simulator:SharedFolder", folder,
            "--Simulator:Hosts", Invariant($"{hostCount}"), "--Simulator:Vms", Invariant($"{hostCount * vmsPerHost}"),
            "--Serilog:MinimumLevel:Default", "Warning",
            "--Serilog:MinimumLevel:Override:NestedHvDashboard.Web.Cluster", "Information",
            // "Host X is owned here now" and "Host X connected": each takeover's timeline on the survivors (TakeoverTimeline).
            "--Serilog:MinimumLevel:Override:NestedHvDashboard.Core.Inventory.InventoryMonitor", "Information",
        ];
        try
        {
            // One instance as today (on PostgreSQL, so the database is the same): it writes the lab and the first administrator.
            var ready = Stopwatch.StartNew();
            List<double> single;
            string token;
            List<(string Host, Guid Id, bool Nested)> vms;
            await using (var alone = await DashboardProcess.StartAsync(common))
            {
                token = await postgres.CreateTokenAsync();
                var lab = SharedLabFolder.Open(folder, () => throw new InvalidOperationException("The single instance did not write the shared lab."));
                vms = OffVms(lab, changes);
                using var http = Client(alone, token);
                await ConnectedAsync([http], lab.HostNames, TimeSpan.FromMinutes(10));
                Console.WriteLine(Invariant($"single instance: every host connected after {ready.Elapsed.TotalSeconds:0} s"));
                await using var hub = await InventoryWatcher.ConnectAsync(alone.BaseAddress, token);
                // Its CPU once steady (its first reads and the JIT's warm-up done), which the changes below are measured on.
                var (singleCpu, steadyAfter) = await ProcessMeter.CalmAsync([alone.ProcessId], ProcessMeter.Steady, TimeSpan.FromMinutes(3));
                Console.WriteLine(Invariant($"single instance: {singleCpu[0]:0} % of a core while nothing changes (its simulated hosts included; steady after {steadyAfter.TotalSeconds:0} s)"));
                // Warm-up, not counted: the first change of a process pays for the JIT and first uses (as the scale benchmark's
                // first circuit does); the VM is switched and switched back.
                await WarmUpAsync(http, vms[0], [hub]);
                single = [];
                for (var i = 0; i < vms.Count; i++)
                {
                    var (host, id, nested) = vms[i];
                    single.Add(await ChangeAsync(http, host, id, !nested, [hub]) is [var latency] ? latency : ChangeLimit.TotalMilliseconds);
                    vms[i] = (host, id, !nested);
                }

                single.Sort();
                Console.WriteLine(Invariant($"single instance: change → hub client p50 {Percentile(single, 50):0} ms, p95 {Percentile(single, 95):0} ms over {single.Count} changes"));
            }

            // Three instances: A first (the database is migrated already), then B and C.
            var cluster = new Dictionary<string, DashboardProcess>();
            ready.Restart();
            var clusterStarted = DateTimeOffset.UtcNow;
            cluster["A"] = await DashboardProcess.StartAsync([.. common, .. ClusterArguments("A", redis, lease)]);
            var others = await Task.WhenAll(DashboardProcess.StartAsync([.. common, .. ClusterArguments("B", redis, lease)]), DashboardProcess.StartAsync([.. common, .. ClusterArguments("C", redis, lease)]));
            (cluster["B"], cluster["C"]) = (others[0], others[1]);
            try
            {
                var clients = Ids.ToDictionary(id => id, id => Client(cluster[id], token));
                var hosts = vms.Select(v => v.Host).Concat(SharedLabFolder.Open(folder, () => throw new InvalidOperationException()).HostNames).Distinct().ToList();
                // Read since the three started, on all three: an instance shows a host Connected from the feed before its own
                // first reads are done, and the idle and change windows below would measure those reads.
                await SettledAsync(clients, hosts, Ids, TimeSpan.FromMinutes(10), clusterStarted);
                Console.WriteLine(Invariant($"cluster: every host owned once and connected on A, B and C after {ready.Elapsed.TotalSeconds:0} s"));
                // Steady, as the single instance was before its changes: the idle and change windows below measure the cluster at
                // work, not three instances still warming up (a run without this wait measured 179 % idle and 2–3.7 s changes).
                var (_, clusterSteady) = await ProcessMeter.CalmAsync([.. Ids.Select(id => cluster[id].ProcessId)], ProcessMeter.Steady, TimeSpan.FromMinutes(3));
                Console.WriteLine(Invariant($"cluster: steady after {clusterSteady.TotalSeconds:0} s more"));
                var hubs = new Dictionary<string, InventoryWatcher>();
                foreach (var id in Ids)
                {
                    hubs[id] = await InventoryWatcher.ConnectAsync(cluster[id].BaseAddress, token);
                }

                // Each instance's first change, not counted (see WarmUpAsync).
                var owners = await OwnersAsync(clients, Ids);
                foreach (var id in Ids)
                {
                    if (vms.FirstOrDefault(v => owners.TryGetValue(v.Host, out var o) && o.SequenceEqual([id])) is { Host: not null } warm)
                    {
                        await WarmUpAsync(clients[id], warm, [.. hubs.Values]);
                    }
                }

                // Redis's traffic while nothing changes, then over the changes (the same length of time).
                var idleStart = await RedisTraffic.ReadAsync(redis.Port);
                var window = Stopwatch.StartNew();
                var cross = new List<double>();
                var local = new List<double>();
                var idle = TimeSpan.FromSeconds(Math.Max(5, changes));
                var cpuBefore = Ids.ToDictionary(id => id, id => ProcessMeter.CpuSeconds(cluster[id].ProcessId));
                await Task.Delay(idle);
                var idleEnd = await RedisTraffic.ReadAsync(redis.Port);
                var idleSeconds = window.Elapsed.TotalSeconds;
                var cpu = Ids.Select(id => (ProcessMeter.CpuSeconds(cluster[id].ProcessId) - cpuBefore[id]) / idleSeconds * 100).ToList();
                Console.WriteLine(Invariant($"cluster: A / B / C {string.Join(" / ", cpu.Select(c => c.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))} % of a core while nothing changes ({cpu.Sum():0} % together, of the box's {Environment.ProcessorCount * 100} %)"));
                window.Restart();
                foreach (var (host, id, nested) in vms)
                {
                    var owner = owners.TryGetValue(host, out var o) && o.Count == 1 ? o[0] : "A";
                    // The owner's own hub client first (the same change's latency without the feed), then the two others.
                    var seen = await ChangeAsync(clients[owner], host, id, !nested, [hubs[owner], .. Ids.Where(i => i != owner).Select(i => hubs[i])]);
                    local.Add(seen[0]);
                    cross.AddRange(seen.Skip(1));
                }

                var changesEnd = await RedisTraffic.ReadAsync(redis.Port);
                Console.WriteLine(Invariant($"cluster: each change's latency on its owner / the two others (ms): {string.Join(", ", local.Select((l, i) => $"{l:0}/{cross[2 * i]:0}/{cross[(2 * i) + 1]:0}"))}"));
                cross.Sort();
                local.Sort();
                Console.WriteLine(Invariant($"cluster: change → hub client on the owner p50 {Percentile(local, 50):0} ms, p95 {Percentile(local, 95):0} ms; on a non-owner p50 {Percentile(cross, 50):0} ms, p95 {Percentile(cross, 95):0} ms over {cross.Count} readings"));
                var changeSeconds = window.Elapsed.TotalSeconds;
                foreach (var hub in hubs.Values)
                {
                    await hub.DisposeAsync();
                }

                var takeovers = await KillAsync(cluster, clients, hosts, kills);
                foreach (var id in Ids)
                {
                    // What each instance's feed and membership said (information lines): gaps, owners taken for stopped, members.
                    var said = cluster[id].Output.Split('\n');
                    var members = said.Where(l => l.Contains("instances alive are now", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
                    Console.WriteLine(Invariant($"  instance {id}: {said.Count(l => l.Contains("asking for the host's full state", StringComparison.Ordinal))} full states asked after a gap, {said.Count(l => l.Contains("is no longer alive and nobody else owns", StringComparison.Ordinal))} hosts shown with their owner stopped; members: {string.Join("; ", members.TakeLast(12))}"));
                }

                Report(single, local, cross, takeovers, (idleEnd.In - idleStart.In, idleEnd.Out - idleStart.Out, idleSeconds), (changesEnd.In - idleEnd.In, changesEnd.Out - idleEnd.Out, changeSeconds), vms.Count);
                foreach (var client in clients.Values)
                {
                    client.Dispose();
                }
            }
            finally
            {
                foreach (var instance in cluster.Values)
                {
                    await instance.DisposeAsync();
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        return 0;
    }

    // One instance's first change, not counted: the VM switched, then back, each seen by the hub clients.
    private static async Task WarmUpAsync(HttpClient http, (string Host, Guid Id, bool Nested) vm, InventoryWatcher[] hubs)
    {
        await ChangeAsync(http, vm.Host, vm.Id, !vm.Nested, hubs);
        await ChangeAsync(http, vm.Host, vm.Id, vm.Nested, hubs);
    }

    // POST the change and wait until every hub client has the VM so; each client's latency from the POST, in ms.
    private static async Task<List<double>> ChangeAsync(HttpClient http, string host, Guid vm, bool enabled, InventoryWatcher[] hubs)
    {
        var start = Stopwatch.GetTimestamp();
        Guid operation;
        using (var posted = await http.PostAsJsonAsync(new Uri($"/api/v1/hosts/{host}/vms/{vm}/nested", UriKind.Relative), new { enabled }, Json))
        {
            if (!posted.IsSuccessStatusCode)
            {
                Console.WriteLine($"  change on {host}/{vm} refused: {(int)posted.StatusCode} {await posted.Content.ReadAsStringAsync()}");
                return [.. hubs.Select(_ => ChangeLimit.TotalMilliseconds)];
            }

            operation = (await posted.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("id").GetGuid();
        }

        var latencies = new List<double>();
        foreach (var hub in hubs)
        {
            while (hub.Vm(host, vm)?.ExposeVirtualizationExtensions != enabled && Stopwatch.GetElapsedTime(start) < ChangeLimit)
            {
                await Task.Delay(5);
            }

            if (hub.Vm(host, vm)?.ExposeVirtualizationExtensions == enabled && hub.SeenAt(host, vm) is { } at)
            {
                latencies.Add(Stopwatch.GetElapsedTime(start, at).TotalMilliseconds);
                continue;
            }

            latencies.Add(ChangeLimit.TotalMilliseconds);
            var seen = hub.Vm(host, vm) is { } known ? $"nested {(known.ExposeVirtualizationExtensions ? "on" : "off")}" : "unknown";
            var ended = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/operations/{operation}", UriKind.Relative), Json);
            Console.WriteLine(Invariant($"  {host}/{vm}: a hub client did not see nested {(enabled ? "on" : "off")} within {ChangeLimit.TotalSeconds:0} s ({hub.Items} items, {hub.Snapshots} snapshots; the VM {seen} there); the operation {ended.GetProperty("status").GetString()}: {ended.GetProperty("message").GetString()}"));
        }

        return latencies;
    }

    // Off VMs spread over the hosts, round robin: a change on one needs no power step.
    private static List<(string Host, Guid Id, bool Nested)> OffVms(SharedLabFolder lab, int count)
    {
        var perHost = lab.HostNames.Select(h => lab.Read(h, x => x.Vms.Where(v => v.StateAt(DateTimeOffset.UtcNow) == VMState.Off).Select(v => (h, v.Id, v.ExposeVirtualizationExtensions)).ToList())).ToList();
        var picked = new List<(string, Guid, bool)>();
        for (var round = 0; picked.Count < count && perHost.Any(p => p.Count > round); round++)
        {
            picked.AddRange(perHost.Where(p => p.Count > round).Select(p => p[round]).Take(count - picked.Count));
        }

        return picked;
    }

    private static string[] ClusterArguments(string id, RedisServer redis, int lease) =>
        ["--Cluster:Enabled", "true", "--Cluster:InstanceId", id, "--Cluster:LeaseSeconds", Invariant($"{lease}"), "--ConnectionStrings:Redis", redis.ConnectionString];

    private static HttpClient Client(DashboardProcess app, string token)
    {
        var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task ConnectedAsync(IEnumerable<HttpClient> clients, IReadOnlyList<string> hosts, TimeSpan limit, DateTimeOffset? readSince = null)
    {
        var clock = Stopwatch.StartNew();
        foreach (var client in clients)
        {
            while (clock.Elapsed < limit)
            {
                var seen = await HostsAsync(client);
                if (hosts.All(h => seen.TryGetValue(h, out var x) && x.Status == "connected" && (readSince is null || x.ReadAt > readSince)))
                {
                    break;
                }

                await Task.Delay(500);
            }
        }
    }

    private static async Task SettledAsync(Dictionary<string, HttpClient> clients, IReadOnlyList<string> hosts, string[] ids, TimeSpan limit, DateTimeOffset? readSince = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            var owners = await OwnersAsync(clients, ids);
            if (hosts.All(h => owners.TryGetValue(h, out var o) && o.Count == 1) && ids.All(id => owners.Values.Any(o => o.Contains(id))))
            {
                await ConnectedAsync(ids.Select(id => clients[id]), hosts, limit - clock.Elapsed, readSince);
                return;
            }

            await Task.Delay(500);
        }

        Console.WriteLine(Invariant($"  not settled within {limit.TotalSeconds:0} s (every host owned once, each instance owning some); going on"));
    }

    private static async Task<Dictionary<string, List<string>>> OwnersAsync(Dictionary<string, HttpClient> clients, IEnumerable<string> ids)
    {
        var owners = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var id in ids)
        {
            try
            {
                var state = await clients[id].GetFromJsonAsync<JsonElement>(new Uri("/api/v1/cluster", UriKind.Relative), Json);
                foreach (var host in state.GetProperty("ownedHosts").EnumerateArray().Select(h => h.GetString()!))
                {
                    (owners.TryGetValue(host, out var list) ? list : owners[host] = []).Add(id);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
            {
                // Not answering (killed, starting, or no lease reading): it owns nothing it can say.
            }
        }

        return owners;
    }

    private static async Task<Dictionary<string, (string Status, DateTimeOffset? ReadAt)>> HostsAsync(HttpClient client)
    {
        try
        {
            var hosts = await client.GetFromJsonAsync<JsonElement[]>(new Uri("/api/v1/hosts", UriKind.Relative), Json) ?? [];
            return hosts.ToDictionary(
                h => h.GetProperty("name").GetString()!,
                h => (h.GetProperty("status").GetString()!, h.GetProperty("readAt").ValueKind == JsonValueKind.Null ? (DateTimeOffset?)null : h.GetProperty("readAt").GetDateTimeOffset()),
                StringComparer.OrdinalIgnoreCase);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return [];
        }
    }

    private static void Report(List<double> single, List<double> local, List<double> cross, List<double> takeovers, (long In, long Out, double Seconds) idle, (long In, long Out, double Seconds) changed, int changes)
    {
        single.Sort();
        cross.Sort();
        takeovers.Sort();
        var (singleP95, crossP95) = (Percentile(single, 95), Percentile(cross, 95));
        var ratio = singleP95 > 0 ? crossP95 / singleP95 : double.NaN;
        var idleRate = (idle.In + idle.Out) / idle.Seconds;
        var perChange = (double)(changed.In + changed.Out) / changes;
        var perChangeNet = ((changed.In + changed.Out) - (idleRate * changed.Seconds)) / changes;
        var table = new StringBuilder();
        table.AppendLine();
        table.AppendLine("| measure | value |");
        table.AppendLine("|---|---|");
        table.AppendLine(Invariant($"| takeover after kill -9, p50 / max (s, {takeovers.Count} kills) | {Percentile(takeovers, 50):0.0} / {(takeovers.Count > 0 ? takeovers[^1] : double.NaN):0.0} |"));
        table.AppendLine(Invariant($"| change → hub client, single instance, p50 / p95 (ms, {single.Count}) | {Percentile(single, 50):0} / {singleP95:0} |"));
        table.AppendLine(Invariant($"| change → hub client, the owner instance in the cluster, p50 / p95 (ms, {local.Count}) | {Percentile(local, 50):0} / {Percentile(local, 95):0} |"));
        table.AppendLine(Invariant($"| change → hub client, non-owner instance, p50 / p95 (ms, {cross.Count}) | {Percentile(cross, 50):0} / {crossP95:0} |"));
        table.AppendLine(Invariant($"| cross / single p95 | {ratio:0.00} |"));
        table.AppendLine(Invariant($"| changes not seen within {ChangeLimit.TotalSeconds:0} s (single / cross) | {single.Count(l => l >= ChangeLimit.TotalMilliseconds)} / {cross.Count(l => l >= ChangeLimit.TotalMilliseconds)} |"));
        table.AppendLine(Invariant($"| Redis bytes per change, in + out (all traffic / less the idle rate) | {perChange:0} / {perChangeNet:0} |"));
        table.AppendLine(Invariant($"| Redis bytes over the changes, in / out ({changed.Seconds:0} s) | {changed.In} / {changed.Out} |"));
        table.AppendLine(Invariant($"| Redis bytes per second idle, in + out ({idle.Seconds:0} s) | {idleRate:0} |"));
        Console.Write(table.ToString());
        Console.WriteLine(Invariant($"cluster: takeover_max_s {(takeovers.Count > 0 ? takeovers[^1] : double.NaN):0.0} cross_p95_ratio {ratio:0.00}"));
    }

    private static double Percentile(List<double> sorted, int percent) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percent / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
