using Microsoft.Playwright;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>The overview page in a real Chromium against the real app on 127.0.0.1.</summary>
[Collection(DashboardCollection.Name)]
public sealed class OverviewTests(DashboardFixture dashboard)
{
    // Connecting the simulated hosts and the first inventory take a few seconds on a busy machine.
    private const float ConnectTimeoutMs = 30_000;

    // LabScenarios.HostNames in the simulator: the default lab the app runs when no hosts are configured.
    private static readonly string[] HostNames =
    [
        "HV-WS2016-01",
        "HV-WS2019-01",
        "HV-WS2022-AMD",
        "AZ-WS2025-TL",
        "WIN11-DEV",
    ];

    [Fact]
    public async Task Shows_every_simulated_host_connected_and_the_Azure_security_type_failure()
    {
        await using var context = await dashboard.NewContextAsync();
        var page = await OpenOverviewAsync(context);

        await Assertions.Expect(page.Locator("[data-host]")).ToHaveCountAsync(HostNames.Length, new() { Timeout = ConnectTimeoutMs });
        foreach (var name in HostNames)
        {
            var status = page.Locator($"[data-host=\"{name}\"] [data-testid=\"host-status\"]");
            await Assertions.Expect(status).ToHaveTextAsync("Connected", new() { Timeout = ConnectTimeoutMs });
        }

        var azure = page.Locator("[data-host=\"AZ-WS2025-TL\"]");
        await Assertions.Expect(azure.GetByText("Azure security type is Standard: Fail", new() { Exact = true }))
            .ToBeVisibleAsync(new() { Timeout = ConnectTimeoutMs });

        Assert.Empty(dashboard.OffLoopbackRequests);

        // Every other host passes that check: the Fail is the Azure host's alone.
        await Assertions.Expect(page.GetByText("Azure security type is Standard: Fail", new() { Exact = true })).ToHaveCountAsync(1);
        foreach (var name in HostNames.Where(name => name != "AZ-WS2025-TL"))
        {
            await Assertions.Expect(page.Locator($"[data-host=\"{name}\"]").GetByText("Azure security type is Standard: Pass", new() { Exact = true }))
                .ToBeVisibleAsync();
        }
    }

    [Fact]
    public async Task A_second_context_sees_live_updates_without_reloading()
    {
        await using var first = await dashboard.NewContextAsync();
        await using var second = await dashboard.NewContextAsync();
        var firstPage = await OpenOverviewAsync(first);
        var page = await OpenOverviewAsync(second);

        // Wait for the interactive circuit: the hosts connect only through live updates after prerendering.
        var connected = page.Locator("[data-testid=\"host-status\"]", new() { HasText = "Connected" });
        await Assertions.Expect(connected).ToHaveCountAsync(HostNames.Length, new() { Timeout = ConnectTimeoutMs });

        // A marker on the window: a reload or navigation would drop it.
        await page.EvaluateAsync("() => { window.__notReloaded = true; }");
        var before = await CpuCellsAsync(page);
        Assert.Contains(before, cpu => cpu != "0 %");

        // The simulated CPU changes every 2 s; the monitor pushes it through the SignalR circuit.
        var changed = await page.WaitForFunctionAsync(
            """
            before => {
              const now = [...document.querySelectorAll('td[data-label="CPU"]')].map(td => td.textContent.trim());
              return now.length === before.length && now.some((text, i) => text !== before[i]);
            }
            """,
            before,
            new() { Timeout = 20_000, PollingInterval = 200 });
        Assert.NotNull(changed);

        Assert.True(await page.EvaluateAsync<bool>("() => window.__notReloaded === true"));
        var after = await CpuCellsAsync(page);
        Assert.Equal(before.Count, after.Count);
        Assert.NotEqual(before, after);
        Assert.All(after, cpu => Assert.Matches(@"^\d{1,3} %$", cpu));

        // The first context is live too.
        await Assertions.Expect(firstPage.Locator("[data-testid=\"host-status\"]", new() { HasText = "Connected" }))
            .ToHaveCountAsync(HostNames.Length, new() { Timeout = ConnectTimeoutMs });
        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    [Theory]
    [InlineData(1920, 1080)]
    [InlineData(1366, 768)]
    public async Task Screenshots_of_the_overview(int width, int height)
    {
        await using var context = await dashboard.NewContextAsync(width, height);
        var page = await OpenOverviewAsync(context);
        await Assertions.Expect(page.Locator("[data-testid=\"host-status\"]", new() { HasText = "Connected" }))
            .ToHaveCountAsync(HostNames.Length, new() { Timeout = ConnectTimeoutMs });
        await Assertions.Expect(page.GetByText("simulated lab", new() { Exact = true })).ToBeVisibleAsync();

        Directory.CreateDirectory(DashboardFixture.ScreenshotDirectory);
        var path = Path.Combine(DashboardFixture.ScreenshotDirectory, $"overview-{width}x{height}.png");
        File.Delete(path);
        await page.ScreenshotAsync(new() { Path = path });

        var bytes = await File.ReadAllBytesAsync(path);
        Assert.True(bytes.Length > 10_000, $"{path} is only {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        // The IHDR chunk holds the image size (big-endian) right after the signature and chunk header.
        Assert.Equal(width, ReadBigEndian(bytes, 16));
        Assert.Equal(height, ReadBigEndian(bytes, 20));
        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    // Opens / and waits for Blazor's interactive circuit: its SignalR WebSocket to /_blazor. Without
    // it the page would be only the prerendered HTML.
    private static async Task<IPage> OpenOverviewAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        var circuit = page.WaitForWebSocketAsync(new()
        {
            Predicate = socket => new Uri(socket.Url).AbsolutePath.StartsWith("/_blazor", StringComparison.Ordinal),
            Timeout = ConnectTimeoutMs,
        });
        await page.GotoAsync("/");
        var socket = await circuit;
        Assert.False(socket.IsClosed);
        await Assertions.Expect(page.GetByTestId("feed-state")).ToHaveTextAsync("live", new() { Timeout = ConnectTimeoutMs });
        return page;
    }

    private static int ReadBigEndian(byte[] bytes, int offset) =>
        (bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3];

    private static async Task<IReadOnlyList<string>> CpuCellsAsync(IPage page) =>
        [.. (await page.Locator("td[data-label=\"CPU\"]").AllTextContentsAsync()).Select(text => text.Trim())];
}
