using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>One dashboard process and one headless Debian Chromium (never a downloaded browser) for the collection.</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string ChromiumPath = HeadlessChromium.ExecutablePath;

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

        // An expectation without its own timeout waits 15 s, not Playwright's 5: on a busy 2-core box (this lane beside the
        // reliability lane) a user's creation answered after more than 5 s and failed a fresh-clone run. A state that is
        // wrong stays wrong, and fails all the same; only a slow right one passes.
        Assertions.SetDefaultExpectTimeout(15_000);

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
            Args = [.. HeadlessChromium.Arguments],
        });

    /// <summary>Requests the pages tried to send anywhere but the dashboard on 127.0.0.1; they fail on this machine (see <see cref="HeadlessChromium"/>).</summary>
    public ConcurrentQueue<string> OffLoopbackRequests { get; } = new();

    /// <summary>Takes <paramref name="url"/> out of <see cref="OffLoopbackRequests"/>: for a test that makes such a request on purpose.</summary>
    public void Forget(string url)
    {
        var kept = new List<string>();
        while (OffLoopbackRequests.TryDequeue(out var recorded))
        {
            if (recorded != url)
            {
                kept.Add(recorded);
            }
        }

        kept.ForEach(OffLoopbackRequests.Enqueue);
    }

    // The signed-in storage state (the sign-in cookie) per dashboard (its data folder holds the users and the cookie keys, across a restart) and user: the real form is driven once each.
    private readonly ConcurrentDictionary<(string DataFolder, string User), Lazy<Task<string>>> _signedIn = new();

    /// <summary>
    /// A fresh context (its own storage) at the given viewport on the collection's dashboard, signed in as the first administrator.
    /// Any request to another origin fails and is recorded, so the tests stay on loopback.
    /// </summary>
    public Task<IBrowserContext> NewContextAsync(int width = 1366, int height = 768) => NewContextAsync(App, width, height);

    /// <summary>
    /// The same on <paramref name="app"/> (one a test starts for itself, e.g. to restart it), signed in as <paramref name="user"/>.
    /// The first time for a user the real sign-in form is filled in and posted; later contexts start with the cookie it got.
    /// </summary>
    public async Task<IBrowserContext> NewContextAsync(
        DashboardProcess app, int width = 1366, int height = 768, string user = DashboardProcess.AdminUser, string password = DashboardProcess.AdminPassword)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(user);
        var signedIn = _signedIn.GetOrAdd((app.DataFolder, user), _ => new Lazy<Task<string>>(() => SignInAsync(app, user, password)));
        return await ContextAsync(app, width, height, await signedIn.Value);
    }

    /// <summary>One tab on <paramref name="app"/>, signed in as the first administrator, for pages at several sizes and themes in turn.</summary>
    public async Task<BrowserTab> NewTabAsync(DashboardProcess app) => new(await NewContextAsync(app));

    /// <summary>The same on the collection's dashboard.</summary>
    public Task<BrowserTab> NewTabAsync() => NewTabAsync(App);

    /// <summary>
    /// After <paramref name="user"/> signed out of the collection's dashboard: signing out gives the user a new security
    /// stamp, which ends every cookie of theirs, so the next context signs in through the form again.
    /// </summary>
    public void SignedOut(string user) => _signedIn.TryRemove((App.DataFolder, user), out _);

    /// <summary>A fresh context that is signed in as nobody.</summary>
    public Task<IBrowserContext> AnonymousContextAsync(int width = 1366, int height = 768) => ContextAsync(App, width, height, null);

    /// <summary>A fresh context on <paramref name="app"/> that is signed in as nobody.</summary>
    public Task<IBrowserContext> AnonymousContextAsync(DashboardProcess app, int width = 1366, int height = 768) => ContextAsync(app, width, height, null);

    // The sign-in page's form, as a person fills it; it comes back to /healthz (anonymous, and no circuit to wait for).
    private async Task<string> SignInAsync(DashboardProcess app, string user, string password)
    {
        await using var context = await ContextAsync(app, 1366, 768, null);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login?ReturnUrl=%2Fhealthz");
        await page.GetByTestId("user-name").FillAsync(user);
        await page.GetByTestId("password").FillAsync(password);
        await page.GetByTestId("sign-in").ClickAsync();
        // Only the URL is needed (the sign-in cookie came with the redirect), so no wait for the page's load event: a run
        // with the CPU saturated once timed out waiting for /healthz's load after its URL had matched.
        try
        {
            // 60 s: CI once ran out of 30 s here with the reliability lanes starting apps beside this one on 2 cores.
            await PageUrl.WaitUntilAsync(
                page,
                url => !url.AbsolutePath.StartsWith("/account/", StringComparison.Ordinal) || url.Query.Contains("error=", StringComparison.Ordinal),
                TimeSpan.FromSeconds(60),
                "the sign-in form to redirect");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"Signing in as {user}: still at {page.Url} after 60 s.\nThe app's sign-in lines and errors:\n{SignInLog(app)}", ex);
        }

        // Signed in unless the form sent us back to itself (with error=...): the cookie comes with any other redirect. No wait for
        // the page's load event here either: CI once timed out on it (30 s) and so lost where the sign-in had ended.
        var at = new Uri(page.Url);
        if (at.AbsolutePath.StartsWith("/account/", StringComparison.Ordinal))
        {
            string said;
            try
            {
                said = string.Join(" ", await page.GetByTestId("sign-in-error").AllInnerTextsAsync());
            }
            catch (PlaywrightException ex)
            {
                said = $"(its error text could not be read: {ex.Message})";
            }

            throw new InvalidOperationException($"Signing in as {user} ended at {at.PathAndQuery}: {said}\nThe app's sign-in lines and errors:\n{SignInLog(app)}");
        }

        return await context.StorageStateAsync();
    }

    private static string SignInLog(DashboardProcess app) =>
        string.Join("\n", app.Output.Split('\n').Where(line => line.Contains("sign", StringComparison.OrdinalIgnoreCase) || line.Contains("ERR", StringComparison.Ordinal) || line.Contains("WRN", StringComparison.Ordinal)).TakeLast(20));

    private async Task<IBrowserContext> ContextAsync(DashboardProcess app, int width, int height, string? storageState)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            StorageState = storageState,
        });
        // 60 s to load a page and for an action, not Playwright's 30 s: a CI run timed out opening / and waiting for the circuit's
        // WebSocket while the reliability lane started six dashboards beside this one on 2 cores. A page that never loads still fails.
        context.SetDefaultNavigationTimeout(60_000);
        context.SetDefaultTimeout(60_000);
        // Recorded, not routed: Chromium sends everything but loopback to a closed port on 127.0.0.1 (HeadlessChromium's proxy
        // switches), so such a request fails without leaving the machine; routing every request through Playwright instead
        // turned the HTTP cache off and sent each of a page's requests through the driver and this process.
        var origin = app.BaseAddress.GetLeftPart(UriPartial.Authority);
        context.Request += (_, request) =>
        {
            var url = request.Url;
            if (!url.StartsWith(origin + "/", StringComparison.Ordinal) && url != origin && !url.StartsWith("data:", StringComparison.Ordinal) && !url.StartsWith("blob:", StringComparison.Ordinal))
            {
                OffLoopbackRequests.Enqueue(url);
            }
        };
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
