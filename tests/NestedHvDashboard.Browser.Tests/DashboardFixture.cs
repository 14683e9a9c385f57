using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>One dashboard process and one headless Debian Chromium (never a downloaded browser) for the collection.</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public DashboardProcess App { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: TestResults/screenshots under the test output folder.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new FileNotFoundException($"{ChromiumPath} is missing: ./build.sh test installs the Debian chromium package.");
        }

        // The app starts while the browser launches; if either fails, the other is still stopped.
        var app = DashboardProcess.StartAsync();
        try
        {
            _playwright = await Playwright.CreateAsync();
            Browser = await LaunchChromiumAsync(_playwright);
        }
        catch
        {
            await using (await app)
            {
                throw;
            }
        }

        App = await app;
    }

    private static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
            ],
        });

    /// <summary>Requests the page tried to send anywhere but the dashboard on 127.0.0.1; they are aborted.</summary>
    public ConcurrentQueue<string> OffLoopbackRequests { get; } = new();

    /// <summary>
    /// A fresh context (its own cookies and storage) at the given viewport, on the dashboard's address.
    /// Any request to another origin is aborted and recorded, so the tests stay on loopback.
    /// </summary>
    public Task<IBrowserContext> NewContextAsync(int width = 1366, int height = 768) => NewContextAsync(App, width, height);

    /// <summary>The same, on another dashboard process (one a test starts for itself, e.g. to restart it).</summary>
    public async Task<IBrowserContext> NewContextAsync(DashboardProcess app, int width = 1366, int height = 768)
    {
        ArgumentNullException.ThrowIfNull(app);
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var origin = app.BaseAddress.GetLeftPart(UriPartial.Authority);
        await context.RouteAsync("**/*", async route =>
        {
            var url = route.Request.Url;
            if (url.StartsWith(origin + "/", StringComparison.Ordinal) || url == origin)
            {
                await route.ContinueAsync();
            }
            else
            {
                OffLoopbackRequests.Enqueue(url);
                await route.AbortAsync();
            }
        });
        return context;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard in Chromium";
}
