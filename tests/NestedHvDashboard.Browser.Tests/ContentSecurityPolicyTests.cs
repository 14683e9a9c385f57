using System.Collections.Concurrent;
using Microsoft.Playwright;
using static NestedHvDashboard.Browser.Tests.LabPages;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// The Content-Security-Policy against the real app in Chromium: Blazor, MudBlazor and our scripts run under it,
/// and nothing the pages do is blocked. Also the wall-link flow an administrator and a wall screen go through.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class ContentSecurityPolicyTests(DashboardFixture dashboard)
{
    [Fact]
    public async Task The_overview_the_admin_page_and_a_wall_opened_by_link_run_without_policy_violations()
    {
        await using var app = await DashboardProcess.StartAsync();
        var violations = new ConcurrentQueue<string>();

        await using var admin = await dashboard.NewContextAsync(app, 1920, 1080);
        await WatchAsync(admin, violations);

        // The fixture's context signed in through the real form (the sign-in page is watched by the flow test).

        var overview = await OpenLiveAsync(admin, "/");
        await ExpectAllConnectedAsync(overview);
        // MudBlazor's own scripts and styles at work: the navigation drawer and its icons.
        await Assertions.Expect(overview.Locator(".mud-nav-link", new() { HasText = "Wall links" })).ToBeVisibleAsync();

        var links = await OpenLiveAsync(admin, "/admin/wall-links");
        await links.GetByTestId("create-wall-link").ClickAsync();
        var name = Field(links, "wall-link-name-input");
        await name.FillAsync("NOC left");
        await name.BlurAsync();
        await links.GetByTestId("wall-link-create").ClickAsync();
        var field = Field(links, "wall-link-url");
        await Assertions.Expect(field).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("/wall/link/[A-Za-z0-9_-]{43}$"));
        var url = await field.InputValueAsync();
        await SaveScreenshotAsync(links, "wall-link-created-1920x1080.png", 1920, 1080);
        await links.GetByTestId("wall-link-done").ClickAsync();
        await Assertions.Expect(links.GetByTestId("wall-link-name")).ToHaveTextAsync("NOC left");
        await Assertions.Expect(links.GetByTestId("wall-link-state")).ToHaveTextAsync("active");
        await SaveScreenshotAsync(links, "wall-links-1920x1080.png", 1920, 1080);
        await links.SetViewportSizeAsync(1366, 768);
        await SaveScreenshotAsync(links, "wall-links-1366x768.png", 1366, 768);

        // A wall screen: a browser that never signed in, given only the link.
        await using var screen = await dashboard.AnonymousContextAsync(app, 1920, 1080);
        await WatchAsync(screen, violations);
        var wall = await OpenLiveAsync(screen, url);
        Assert.Equal("/wall", new Uri(wall.Url).AbsolutePath);
        await ExpectAllConnectedAsync(wall);
        // wall.js (a module import) keeps the clock: it runs under the policy.
        await Assertions.Expect(wall.GetByTestId("wall-clock")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"\d{1,2}:\d{2}"));
        await SaveScreenshotAsync(wall, "wall-by-link-1920x1080.png", 1920, 1080);

        // The same screen cannot open anything else.
        var other = await screen.NewPageAsync();
        await other.GotoAsync("/vms");
        Assert.Equal("/account/denied", new Uri(other.Url).AbsolutePath);

        Assert.True(violations.IsEmpty, string.Join("\n", violations));
        Assert.Empty(dashboard.OffLoopbackRequests);

        // And the watch does see a violation when there is one: an inline script is refused.
        await other.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; document.body.appendChild(s); }");
        using var seen = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (violations.IsEmpty && await poll.WaitForNextTickAsync(seen.Token))
        {
        }

        Assert.Contains(violations, v => v.Contains("script-src", StringComparison.Ordinal));
        Assert.Null(await other.EvaluateAsync<int?>("() => window.__inline ?? null"));
    }

    // MudBlazor puts the attributes on the input itself or on its wrapper, depending on the field.
    private static ILocator Field(IPage page, string testId) =>
        page.Locator($"input[data-testid={testId}], [data-testid={testId}] input");

    // Chromium reports a blocked script, style, image, font or connection both as a console error and as a
    // securitypolicyviolation event; the init script turns the event into a console line too (init scripts are not subject to the page's CSP).
    private static async Task WatchAsync(IBrowserContext context, ConcurrentQueue<string> violations)
    {
        await context.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation', e =>
              console.error(`Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`));
            """);
        context.Page += (_, page) =>
        {
            page.Console += (_, message) =>
            {
                if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                {
                    violations.Enqueue($"{page.Url}: {message.Text}");
                }
            };
            page.PageError += (_, error) => violations.Enqueue($"{page.Url}: page error {error}");
        };
    }
}
