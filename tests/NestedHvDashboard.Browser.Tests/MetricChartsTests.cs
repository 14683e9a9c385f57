using System.Text.RegularExpressions;
using Microsoft.Playwright;
using NestedHvDashboard.Simulator.Scenarios;
using static NestedHvDashboard.Browser.Tests.LabPages;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// The live CPU and memory charts in a real Chromium against the simulated lab: the tiles' sparklines, a VM's charts and
/// a host's, at the three widths in both themes, and a chart taking the next sample by itself.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed partial class MetricChartsTests(DashboardFixture dashboard)
{
    // Samples come every 15 s: two readings can take 30 s after the lab connected, more on a busy machine.
    private const float ReadingsTimeoutMs = 90_000;

    // LabScenarios: k8s-node-01, Running with dynamic memory on the AMD host; no other browser test changes it.
    private const string Host = "HV-WS2022-AMD";
    private const string VmName = "k8s-node-01";

    [Theory]
    [InlineData(1920, 1080)]
    [InlineData(1366, 768)]
    [InlineData(800, 900)]
    public async Task Tiles_the_vm_page_and_the_host_page_chart_the_last_hour_in_both_themes(int width, int height)
    {
        await using var tab = await dashboard.NewTabAsync();
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            var theme = scheme == ColorScheme.Dark ? "dark" : "light";
            var page = await tab.OpenAsync("/", width, height, scheme);
            await ExpectAllConnectedAsync(page);

            // Every tile draws its host's CPU once two samples are in, and says it in words.
            var sparklines = page.Locator("[data-testid=tiles] [data-testid=tile-sparkline]");
            await Assertions.Expect(sparklines).ToHaveCountAsync(HostNames.Length, new() { Timeout = ReadingsTimeoutMs });
            await Assertions.Expect(page.Locator($"[data-host=\"{Host}\"] [data-testid=tile-sparkline] svg"))
                .ToHaveAttributeAsync("aria-label", SparklineSummary(), new() { Timeout = ReadingsTimeoutMs });
            await Assertions.Expect(page.Locator($"[data-host=\"{Host}\"] [data-testid=tile-sparkline] path.nhv-chart__line"))
                .ToHaveAttributeAsync("d", new Regex("^M"), new() { Timeout = ReadingsTimeoutMs });
            await SaveScreenshotAsync(page, $"charts-overview-{width}x{height}-{theme}.png", width, height);

            var id = LabScenarios.CreateDefaultLab()[Host].FindVm(VmName)?.Id ?? throw new InvalidOperationException($"The default lab has no {VmName}.");
            await page.EvaluateAsync("url => Blazor.navigateTo(url)", $"/hosts/{Host}/vms/{id}");
            await Assertions.Expect(page.GetByTestId("vm-name")).ToHaveTextAsync(VmName, new() { Timeout = ConnectTimeoutMs });
            var cpu = page.GetByTestId("chart-cpu");
            await Assertions.Expect(cpu.GetByTestId("chart-summary")).ToHaveTextAsync(CpuSummary(), new() { Timeout = ReadingsTimeoutMs });
            await Assertions.Expect(cpu.Locator("svg")).ToHaveAttributeAsync("aria-label", CpuSummary());
            await Assertions.Expect(cpu.Locator(".nhv-chart__y span")).ToHaveTextAsync(["100 %", "50 %", "0 %"]);
            await Assertions.Expect(cpu.Locator(".nhv-chart__x span")).ToHaveTextAsync(["−60 min", "−30 min", "now"]);
            await Assertions.Expect(page.GetByTestId("chart-memory").GetByTestId("chart-summary")).ToHaveTextAsync(MemorySummary());
            await Assertions.Expect(page.GetByTestId("chart-memory").Locator(".nhv-chart__y span").Last).ToHaveTextAsync("0");
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), "the VM page scrolls sideways");
            await page.GetByTestId("metrics-card").ScrollIntoViewIfNeededAsync();
            await SaveScreenshotAsync(page, $"charts-vm-{width}x{height}-{theme}.png", width, height);

            if (scheme == ColorScheme.Light && width == 1920)
            {
                // Live: the next sample reaches the open page by itself (no reload: the window marker stays).
                await page.EvaluateAsync("() => { window.__notReloaded = true; }");
                var end = await page.GetByTestId("metrics-card").GetAttributeAsync("data-end");
                await Assertions.Expect(page.GetByTestId("metrics-card")).Not.ToHaveAttributeAsync("data-end", end!, new() { Timeout = ReadingsTimeoutMs });
                Assert.True(await page.EvaluateAsync<bool>("() => window.__notReloaded === true"), "the page reloaded");
            }

            await page.EvaluateAsync("url => Blazor.navigateTo(url)", $"/hosts/{Host}");
            await Assertions.Expect(page.GetByTestId("metrics-source")).ToContainTextAsync("average of its running VMs", new() { Timeout = ConnectTimeoutMs });
            await Assertions.Expect(page.GetByTestId("chart-cpu").GetByTestId("chart-summary")).ToHaveTextAsync(CpuSummary());
            await Assertions.Expect(page.GetByTestId("chart-memory").Locator(".nhv-chart__title")).ToHaveTextAsync("Memory assigned to VMs");
            await page.GetByTestId("metrics-card").ScrollIntoViewIfNeededAsync();
            await SaveScreenshotAsync(page, $"charts-host-{width}x{height}-{theme}.png", width, height);
            Assert.Empty(dashboard.OffLoopbackRequests);
        }
    }

    [GeneratedRegex(@"^CPU \d+ % now, peak \d+ % in the last hour$")]
    private static partial Regex CpuSummary();

    [GeneratedRegex(@"^Memory [\d.]+ (MB|GB) now, peak [\d.]+ (MB|GB) in the last hour$")]
    private static partial Regex MemorySummary();

    [GeneratedRegex(@"^HV-WS2022-AMD: VM CPU \(average of running VMs\), CPU \d+ % now, peak \d+ % in the last hour$")]
    private static partial Regex SparklineSummary();
}
