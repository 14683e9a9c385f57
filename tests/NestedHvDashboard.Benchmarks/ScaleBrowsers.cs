using System.Diagnostics;
using Microsoft.Playwright;
using NestedHvDashboard.Browser.Tests;
using NestedHvDashboard.TestSupport;

namespace NestedHvDashboard.Benchmarks;

/// <summary>Headless Debian Chromium through Playwright, signed in as the first administrator, as the browser tests drive it.</summary>
internal sealed class ScaleBrowsers : IAsyncDisposable
{
    private const string ChromiumPath = HeadlessChromium.ExecutablePath;
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly Uri _baseAddress;
    private readonly List<IBrowserContext> _contexts = [];
    private string? _signedIn;

    private ScaleBrowsers(IPlaywright playwright, IBrowser browser, Uri baseAddress) => (_playwright, _browser, _baseAddress) = (playwright, browser, baseAddress);

    public static async Task<ScaleBrowsers> LaunchAsync(Uri baseAddress)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = [.. HeadlessChromium.Arguments],
        });
        return new ScaleBrowsers(playwright, browser, baseAddress);
    }

    /// <summary>A new signed-in browser context (its own cookies, its own circuit) with one page.</summary>
    public async Task<IPage> NewPageAsync(int width = 1366, int height = 768)
    {
        _signedIn ??= await SignInAsync();
        var context = await NewContextAsync(_signedIn, width, height);
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(180_000);
        return page;
    }

    /// <summary>Navigates to <paramref name="path"/> and waits until the page is interactive ("live").</summary>
    public static async Task<double> OpenLiveAsync(IPage page, string path)
    {
        var watch = Stopwatch.StartNew();
        await page.GotoAsync(path);
        await page.GetByTestId("feed-state").Filter(new LocatorFilterOptions { HasText = "live" }).WaitForAsync();
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>Navigates to /vms; returns the ms to the first grid rows and to the first rows on the live circuit.</summary>
    public static async Task<(double FirstRowsMs, double LiveRowsMs)> OpenVmsAsync(IPage page)
    {
        var watch = Stopwatch.StartNew();
        await page.GotoAsync("/vms", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await page.Locator("[data-testid=vm-table] [data-vm]").First.WaitForAsync();
        var first = watch.Elapsed.TotalMilliseconds;
        await page.GetByTestId("feed-state").Filter(new LocatorFilterOptions { HasText = "live" }).WaitForAsync();
        await page.Locator("[data-testid=vm-table] [data-vm]").First.WaitForAsync();
        return (first, watch.Elapsed.TotalMilliseconds);
    }

    /// <summary>Waits (polling in the page) until <paramref name="condition"/> (a JS expression) is true; returns ms since <paramref name="watch"/> started.</summary>
    public static async Task<double> UntilAsync(IPage page, Stopwatch watch, string condition)
    {
        await page.WaitForFunctionAsync(condition, null, new PageWaitForFunctionOptions { PollingInterval = 10, Timeout = 120_000 });
        return watch.Elapsed.TotalMilliseconds;
    }

    private async Task<string> SignInAsync()
    {
        await using var context = await NewContextAsync(null, 1366, 768);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(180_000);
        await page.GotoAsync("/account/login?ReturnUrl=%2Fhealthz");
        await page.GetByTestId("user-name").FillAsync(DashboardProcess.AdminUser);
        await page.GetByTestId("password").FillAsync(DashboardProcess.AdminPassword);
        await page.GetByTestId("sign-in").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/healthz");
        return await context.StorageStateAsync();
    }

    private Task<IBrowserContext> NewContextAsync(string? storageState, int width, int height) =>
        _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            StorageState = storageState,
            // The app's CSP forbids eval; the harness's page.WaitForFunction conditions are evaluated strings.
            BypassCSP = true,
        });

    /// <summary>Closes every context opened so far (their circuits end).</summary>
    public async Task CloseAllAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }

        _contexts.Clear();
    }

    /// <summary>Closes every context but those of <paramref name="keep"/>.</summary>
    public async Task CloseAllExceptAsync(IReadOnlyCollection<IPage> keep)
    {
        foreach (var context in _contexts.Where(c => !keep.Any(p => p.Context == c)).ToList())
        {
            await context.DisposeAsync();
            _contexts.Remove(context);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAllAsync();
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
