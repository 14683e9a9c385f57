using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace NestedHvDashboard.Benchmarks;

/// <summary>What one person does on /vms with 10,000 rows, timed from the action to what the page shows.</summary>
internal sealed record ScaleGridTimings(List<(string Name, string Value)> Rows, double FilterMs)
{
    private const string Count = "document.querySelector('[data-testid=vm-count]').textContent.trim()";

    public static async Task<ScaleGridTimings> MeasureAsync(IPage page, List<(string Host, string Name, Guid Id, string State)> vms, HttpClient http)
    {
        var rows = new List<(string, string)>();
        var total = vms.Count;

        // Search: one VM's full name (the typed text waits out the box's debounce before it filters).
        var target = vms[vms.Count / 2];
        var expected = vms.Count(v => v.Name.Contains(target.Name, StringComparison.OrdinalIgnoreCase) || v.Host.Contains(target.Name, StringComparison.OrdinalIgnoreCase));
        var watch = Stopwatch.StartNew();
        await page.Locator("input[data-testid=vm-search]").FillAsync(target.Name);
        var searchMs = await ScaleBrowsers.UntilAsync(page, watch, $"{Count} === '{expected} of {total} VMs'");
        rows.Add(("search one VM by name (ms, incl. debounce)", ScaleBenchmark.F(searchMs)));

        // Live change: that VM's MAC spoofing flipped through the API, until its row shows it.
        var mac = page.Locator($"tr:has([data-vm='{target.Name}'][data-host='{target.Host}']) [data-testid=vm-mac]");
        var shown = (await mac.TextContentAsync())?.Trim();
        if (shown is "On" or "Off")
        {
            var wanted = shown == "On" ? "Off" : "On";
            watch.Restart();
            using var response = await http.PutAsJsonAsync(
                new Uri($"/api/v1/hosts/{Uri.EscapeDataString(target.Host)}/vms/{target.Id}/adapters/mac-spoofing", UriKind.Relative), new { enabled = wanted == "On" });
            var answered = watch.Elapsed.TotalMilliseconds;
            var liveMs = await ScaleBrowsers.UntilAsync(page, watch,
                $"[...document.querySelectorAll(\"[data-vm='{target.Name}']\")].some(s => s.closest('tr')?.querySelector('[data-testid=vm-mac]')?.textContent.trim() === '{wanted}')");
            rows.Add(("live change into the grid (ms from the API call; API answered at)", $"{ScaleBenchmark.F(liveMs)} ({ScaleBenchmark.F(answered)}, {(int)response.StatusCode})"));
        }
        else
        {
            rows.Add(("live change into the grid", $"skipped: the VM's MAC spoofing reads '{shown}'"));
        }

        // Clear the search, then the state filter "Off" (a button: no debounce).
        watch.Restart();
        await page.Locator("input[data-testid=vm-search]").FillAsync("");
        var clearMs = await ScaleBrowsers.UntilAsync(page, watch, $"{Count} === '{total} of {total} VMs'");
        rows.Add(("clear the search back to every VM (ms, incl. debounce)", ScaleBenchmark.F(clearMs)));
        var off = vms.Count(v => v.State == "Off");
        watch.Restart();
        await page.Locator("[data-testid=filter-state] button").Filter(new LocatorFilterOptions { HasText = "Off" }).ClickAsync();
        var filterMs = await ScaleBrowsers.UntilAsync(page, watch, $"{Count}.endsWith(' of {total} VMs') && {Count} !== '{total} of {total} VMs'");
        rows.Add(($"filter state Off (ms; {off} VMs were Off at listing)", ScaleBenchmark.F(filterMs)));

        // Select all the filtered rows, then open the bulk dialog.
        watch.Restart();
        await page.Locator("thead input[type=checkbox]").First.CheckAsync(new LocatorCheckOptions { Force = true });
        var selectMs = await ScaleBrowsers.UntilAsync(page, watch, "document.querySelector('[data-testid=selection-count]') !== null");
        var selected = (await page.GetByTestId("selection-count").TextContentAsync())?.Trim();
        rows.Add(($"select all ({selected}) (ms)", ScaleBenchmark.F(selectMs)));
        watch.Restart();
        await page.GetByTestId("bulk-enable").ClickAsync();
        var dialogMs = await ScaleBrowsers.UntilAsync(page, watch, "document.querySelector('[data-testid=bulk-confirm]') !== null");
        rows.Add(("bulk confirmation dialog open (ms)", ScaleBenchmark.F(dialogMs)));
        await page.GetByTestId("bulk-cancel").ClickAsync();
        return new ScaleGridTimings(rows, filterMs);
    }
}
