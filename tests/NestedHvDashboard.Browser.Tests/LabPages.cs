using Microsoft.Playwright;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>What the overview and wall tests share: the default lab's hosts and opening a live page.</summary>
internal static class LabPages
{
    // Connecting the simulated hosts and the first inventory take a few seconds on a busy machine.
    public const float ConnectTimeoutMs = 30_000;

    // LabScenarios.HostNames in the simulator: the default lab the app runs when no hosts are configured.
    public static readonly string[] HostNames =
    [
        "HV-WS2016-01",
        "HV-WS2019-01",
        "HV-WS2022-AMD",
        "AZ-WS2025-TL",
        "WIN11-DEV",
        "HV-OPTERON-01",
    ];

    /// <summary>
    /// Opens <paramref name="path"/> and waits for Blazor's interactive circuit: its SignalR WebSocket
    /// to /_blazor and then the page's own "live" (the circuit's first render; before it the page is
    /// only the prerendered HTML).
    /// </summary>
    public static async Task<IPage> OpenLiveAsync(IBrowserContext context, string path, ColorScheme colorScheme = ColorScheme.Light) =>
        await GoLiveAsync(await context.NewPageAsync(), path, colorScheme);

    /// <summary>
    /// Loads <paramref name="path"/> afresh in <paramref name="page"/> (the same tab going on to another page, as after typing its
    /// address) and waits for its circuit as <see cref="OpenLiveAsync"/> does. Chromium keeps the tab's renderer process: a load
    /// there cost ~0.2 s of its CPU here, a new page ~0.6 s (a new renderer, its scripts and styles parsed again).
    /// </summary>
    public static async Task<IPage> GoLiveAsync(IPage page, string path, ColorScheme colorScheme = ColorScheme.Light)
    {
        // The system's light/dark preference, as the page sees it (prefers-color-scheme).
        await page.EmulateMediaAsync(new() { ColorScheme = colorScheme });
        var circuit = page.WaitForWebSocketAsync(new()
        {
            Predicate = socket => new Uri(socket.Url).AbsolutePath.StartsWith("/_blazor", StringComparison.Ordinal),
            Timeout = ConnectTimeoutMs,
        });
        await page.GotoAsync(path);
        var socket = await circuit;
        Assert.False(socket.IsClosed);
        await Assertions.Expect(page.GetByTestId("feed-state")).ToHaveTextAsync("live", new() { Timeout = ConnectTimeoutMs });
        return page;
    }

    /// <summary>
    /// Waits until the VM grid's virtualized rows stop being replaced: no row added to or removed from its body for
    /// <paramref name="quietMs"/>. Right after the page goes live the grid measures its viewport and fetches its window
    /// of rows again (the spacer callbacks), and the row components it replaces drop a click already in flight to them
    /// (the server logs "Skipping attempt to raise event … because the component … was already disposed"): a tick made
    /// in that moment is undone. Fails, naming the grid, if the rows keep changing for 20 s.
    /// </summary>
    public static Task WaitForGridRowsSettledAsync(IPage page, int quietMs = 1000) =>
        page.EvaluateAsync(
            """
            ([quietMs]) => new Promise((resolve, reject) => {
              const started = Date.now();
              let last = Date.now();
              let observed = null;
              const poll = setInterval(() => {
                const body = document.querySelector('[data-testid=vm-grid] tbody');
                if (body && body !== observed) {
                  observed = body;
                  last = Date.now();
                  new MutationObserver(() => { last = Date.now(); }).observe(body, { childList: true });
                }
                if (body && body.querySelector('input[type=checkbox]') && Date.now() - last >= quietMs) {
                  clearInterval(poll);
                  resolve();
                } else if (Date.now() - started > 20000) {
                  clearInterval(poll);
                  reject(new Error('the VM grid rows were still being replaced after 20 s'));
                }
              }, 50);
            })
            """,
            new object[] { quietMs });

    /// <summary>
    /// Ticks a VM grid row's box and waits until the circuit counts it ("N selected"). A tick that lands while the live grid
    /// replaces that row is undone (a known defect of the virtualized grid, see <see cref="WaitForGridRowsSettledAsync"/>):
    /// the box is then found unticked with the count unchanged, and the tick is made again, as a user would, at most three
    /// times. A tick the circuit took but counted wrongly fails at once.
    /// </summary>
    public static async Task TickGridRowAsync(IPage page, ILocator checkbox, int expectedSelected, float timeoutMs = 5_000)
    {
        var expected = $"{expectedSelected.ToString(System.Globalization.CultureInfo.InvariantCulture)} selected";
        for (var attempt = 1; ; attempt++)
        {
            await checkbox.CheckAsync();
            try
            {
                await Assertions.Expect(page.GetByTestId("selection-count")).ToHaveTextAsync(expected, new() { Timeout = timeoutMs });
                return;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
                if (await checkbox.IsCheckedAsync())
                {
                    throw;
                }
            }

            await WaitForGridRowsSettledAsync(page);
        }
    }

    /// <summary>Every lab host's tile says Connected.</summary>
    public static Task ExpectAllConnectedAsync(IPage page) =>
        Assertions.Expect(page.Locator("[data-testid=\"host-status\"]", new() { HasText = "Connected" }))
            .ToHaveCountAsync(HostNames.Length, new() { Timeout = ConnectTimeoutMs });

    /// <summary>Saves a PNG of the viewport and checks it is one, at the viewport's size.</summary>
    public static async Task SaveScreenshotAsync(IPage page, string name, int width, int height)
    {
        Directory.CreateDirectory(DashboardFixture.ScreenshotDirectory);
        var path = Path.Combine(DashboardFixture.ScreenshotDirectory, name);
        File.Delete(path);
        await page.ScreenshotAsync(new() { Path = path });

        var bytes = await File.ReadAllBytesAsync(path);
        Assert.True(bytes.Length > 10_000, $"{path} is only {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        // The IHDR chunk holds the image size (big-endian) right after the signature and chunk header.
        Assert.Equal(width, ReadBigEndian(bytes, 16));
        Assert.Equal(height, ReadBigEndian(bytes, 20));
    }

    private static int ReadBigEndian(byte[] bytes, int offset) =>
        (bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3];
}
