using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using NestedHvDashboard.Browser.Tests;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// Scenario "scale" (issue 13 part 4): the real app as a child process (Release) on a generated lab (default 200 hosts,
/// 10,000 VMs), then N headless Chromium browsers. Prints connect time, steady CPU/RSS idle and with N browsers on /vms,
/// memory per circuit on / and on /vms (what the circuits alone hold, the live heap after a full GC, and RSS growth), /vms first rows, search and filter latency, select-all and the bulk dialog, and a
/// live change's latency into the grid. The simulated hosts run inside the app: their own work (cmdlets, watch cycles)
/// is the "idle" row, measured with no browser open; the browsers' cost is the difference. Last line:
/// <c>scale: connected_s N vms_ms N filter_ms N circuit_mb N cpu_pct N</c>.
/// </summary>
internal static class ScaleBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var hostCount = options.Int("hosts", 200);
        var vmCount = options.Int("vms", 10_000);
        var browsers = options.Int("browsers", 5);
        // Steady means a whole configuration cycle (30 s) of the hosts' watches, after the first ones have settled.
        var window = TimeSpan.FromSeconds(options.Int("seconds", 30));
        var settle = TimeSpan.FromSeconds(options.Int("settle", 60));
        Console.WriteLine($"scale: {hostCount} hosts, {vmCount} VMs, {browsers} browsers, {window.TotalSeconds:0} s per steady window after {settle.TotalSeconds:0} s to settle; {Environment.ProcessorCount} cores");

        var started = Stopwatch.StartNew();
        await using var app = await DashboardProcess.StartAsync(
        [
            "--Simulator:Hosts", hostCount.ToString(CultureInfo.InvariantCulture),
            "--Simulator:Vms", vmCount.ToString(CultureInfo.InvariantCulture),
            "--Serilog:MinimumLevel:Default", "Warning",
        ]);
        var pid = app.ProcessId;
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await SoakBenchmark.CreateTokenAsync(app.DataFolder));
        var healthy = started.Elapsed.TotalSeconds;
        var connected = await UntilConnectedAsync(http, hostCount, started);
        // Each figure is printed when measured (a run that stalls still shows what it got), then the table again at the end.
        var table = new Table();
        table.Add("/healthz answered (s)", F(healthy));
        table.Add("all hosts Connected (s)", connected is null ? "not within 10 min" : F(connected.Value));
        // Why a start was slow (connect time varies from run to run on this box): the app's warnings so far, by kind.
        foreach (var (kind, count) in WarningKinds(app.Output).Take(6))
        {
            Console.WriteLine($"  warnings while connecting: {count} × {kind}");
        }

        // Right after the last host connected the first configuration cycles and the JIT still run: not steady yet.
        await Task.Delay(settle);
        var (idleCpu, idleRss) = await ProcessMeter.SteadyAsync(pid, window);
        table.Add("idle, no browser: CPU % of a core (simulated hosts + monitor)", F(idleCpu));
        table.Add("idle, no browser: RSS (MB)", F(idleRss));
        var vms = await ListVmsAsync(http);

        await using var chromium = await ScaleBrowsers.LaunchAsync(app.BaseAddress);
        var warm = await chromium.NewPageAsync();
        // Warm-up: the first circuit pays for JIT and caches; it is not counted. It stays open, like the overview's
        // circuits below, until the memory readings are done: a closed tab's circuit is kept for minutes and would
        // leave the heap between two readings.
        await ScaleBrowsers.OpenVmsAsync(warm);

        // Memory per circuit, two ways: RSS growth (the GC's headroom included: an upper bound that moves with the
        // GC's mood) and the live managed heap after a full GC (what the circuits' objects hold).
        var beforeRss = await ProcessMeter.SettledRssMbAsync(pid);
        var beforeHeap = await HeapMeter.LiveMbAsync(pid);
        var beforeHeld = CircuitHeap.Read(pid);
        table.Add("live heap with one circuit open (MB)", F(beforeHeap));
        for (var i = 0; i < browsers; i++)
        {
            await ScaleBrowsers.OpenLiveAsync(await chromium.NewPageAsync(), "/");
        }

        var overviewRss = (await ProcessMeter.SettledRssMbAsync(pid) - beforeRss) / browsers;
        var overviewHeap = (await HeapMeter.LiveMbAsync(pid) - beforeHeap) / browsers;
        var overviewHeld = CircuitHeap.Read(pid);
        table.Add("RSS growth per circuit on / (MB)", F(overviewRss));
        table.Add("live heap per circuit on / (MB)", F(overviewHeap));
        table.Add("held by the circuits alone, per circuit on / (MB)", F(PerCircuit(beforeHeld, overviewHeld)));

        // Circuits on /vms.
        beforeRss = await ProcessMeter.SettledRssMbAsync(pid);
        beforeHeap = await HeapMeter.LiveMbAsync(pid);
        beforeHeld = overviewHeld;
        var pages = new List<IPage>();
        var firstRows = new List<double>();
        var liveRows = new List<double>();
        for (var i = 0; i < browsers; i++)
        {
            var page = await chromium.NewPageAsync();
            var (first, live) = await ScaleBrowsers.OpenVmsAsync(page);
            firstRows.Add(first);
            liveRows.Add(live);
            pages.Add(page);
        }

        var vmsRss = (await ProcessMeter.SettledRssMbAsync(pid) - beforeRss) / browsers;
        var vmsHeap = (await HeapMeter.LiveMbAsync(pid) - beforeHeap) / browsers;
        var vmsHeld = PerCircuit(beforeHeld, CircuitHeap.Read(pid));
        table.Add("/vms first rows (ms, median of browsers)", F(Median(firstRows)));
        table.Add("/vms rows on the live circuit (ms, median)", F(Median(liveRows)));
        table.Add("RSS growth per circuit on /vms (MB)", F(vmsRss));
        table.Add("live heap per circuit on /vms (MB)", F(vmsHeap));
        table.Add("held by the circuits alone, per circuit on /vms (MB)", F(vmsHeld));

        // The CPU window is N browsers on /vms: the warm-up's and the overview's tabs close (their circuits, kept by
        // Blazor for minutes, do not render while their browser is away).
        await chromium.CloseAllExceptAsync(pages);

        // The heap readings stop the app for a while (ClrMD suspends it to walk the heap): its hosts' watch cycles then
        // catch up. The window starts once the app's CPU is steady again (two 10-s windows within 10 points; at most 2 min).
        await ProcessMeter.CalmAsync([pid], ProcessMeter.Steady, TimeSpan.FromMinutes(2));

        // What a person sees: the first browser's /vms, saved for a look (the README's screenshot); after the pause, so its
        // browser has its circuit back.
        var screenshot = Path.Combine(Path.GetTempPath(), "nestedhv-scale-vms.png");
        await pages[0].GetByTestId("reconnect-banner").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Hidden });
        await pages[0].ScreenshotAsync(new PageScreenshotOptions { Path = screenshot });
        Console.WriteLine($"  screenshot of /vms: {screenshot}");
        var (busyCpu, busyRss) = await ProcessMeter.SteadyAsync(pid, window);
        table.Add($"{browsers} browsers on /vms: CPU % of a core (all)", F(busyCpu));
        table.Add($"{browsers} browsers on /vms: CPU % above idle (the app's UI work)", F(busyCpu - idleCpu));
        table.Add($"{browsers} browsers on /vms: RSS (MB)", F(busyRss));

        var timings = await ScaleGridTimings.MeasureAsync(pages[0], vms, http);
        foreach (var (name, value) in timings.Rows)
        {
            table.Add(name, value);
        }

        table.Print();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scale: connected_s {(connected ?? -1):0} vms_ms {Median(liveRows):0} filter_ms {timings.FilterMs:0} circuit_mb {vmsHeld:0.0} cpu_pct {busyCpu:0}"));
        return 0;
    }

    // "[12:00:01 WRN] Host HV017 …": the message's first words, with host names and numbers taken out, counted.
    // The circuits opened between two readings of what circuits alone hold, and the MB each added.
    private static double PerCircuit(CircuitHeap.Held before, CircuitHeap.Held after) =>
        after.Circuits > before.Circuits ? (after.Mb - before.Mb) / (after.Circuits - before.Circuits) : double.NaN;

    private static IEnumerable<(string Kind, int Count)> WarningKinds(string output) => output
        .Split('\n')
        .Where(l => l.Contains(" WRN] ", StringComparison.Ordinal))
        .Select(l => System.Text.RegularExpressions.Regex.Replace(l[(l.IndexOf(" WRN] ", StringComparison.Ordinal) + 6)..], @"\b(HV|lab-)?\d[\w.-]*|\{[0-9a-f-]+\}", "#"))
        .Select(l => l.Length > 110 ? l[..110] : l)
        .GroupBy(l => l)
        .Select(g => (g.Key, g.Count()))
        .OrderByDescending(g => g.Item2);

    private static async Task<double?> UntilConnectedAsync(HttpClient http, int hosts, Stopwatch started)
    {
        while (started.Elapsed < TimeSpan.FromMinutes(10))
        {
            try
            {
                var list = await http.GetFromJsonAsync<List<JsonElement>>("/api/v1/hosts");
                if (list!.Count(h => h.GetProperty("status").GetString() == "connected") >= hosts)
                {
                    return started.Elapsed.TotalSeconds;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // A busy start: ask again.
            }

            await Task.Delay(500);
        }

        return null;
    }

    private static async Task<List<(string Host, string Name, Guid Id, string State)>> ListVmsAsync(HttpClient http)
    {
        var vms = new List<(string, string, Guid, string)>();
        foreach (var host in (await http.GetFromJsonAsync<List<JsonElement>>("/api/v1/hosts"))!.Select(h => h.GetProperty("name").GetString()!))
        {
            foreach (var vm in (await http.GetFromJsonAsync<List<JsonElement>>($"/api/v1/hosts/{Uri.EscapeDataString(host)}/vms"))!)
            {
                vms.Add((host, vm.GetProperty("name").GetString()!, vm.GetProperty("id").GetGuid(), vm.GetProperty("state").GetString()!));
            }
        }

        return vms;
    }

    private sealed class Table
    {
        private readonly List<(string Name, string Value)> _rows = [];

        public void Add(string name, string value)
        {
            _rows.Add((name, value));
            Console.WriteLine($"  {name}: {value}");
        }

        public void Print()
        {
            Console.WriteLine();
            var width = _rows.Max(r => r.Name.Length);
            foreach (var (name, value) in _rows)
            {
                Console.WriteLine($"{name.PadRight(width)}  {value}");
            }
        }
    }

    internal static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }
}
