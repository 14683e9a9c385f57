using System.Text.RegularExpressions;
using Microsoft.Playwright;
using NestedHvDashboard.Browser.Tests;
using static NestedHvDashboard.Reliability.Tests.DashboardKilledGuestMatrixTests;

namespace NestedHvDashboard.Reliability.Tests;

/// <summary>
/// "The UI shows the outcome" after the dashboard was killed and started again, checked in Chromium as a user would look:
/// the activity page lists the change's entry Interrupted with the words that say where it stopped, and the VM's page shows
/// the VM in the power state (and nested setting) the host has it. Each failed look is a problem of the case, not an end of it.
/// </summary>
internal static class OutcomeOnPage
{
    // Generous: on a busy 2-core box a restarted app's first circuit and inventory may take tens of seconds.
    private const float Timeout = 180_000;

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = [.. HeadlessChromium.Arguments],
        });

    public static async Task<IBrowserContext> ContextAsync(IBrowser browser, DashboardProcess app, string signedIn)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1600, Height = 1000 },
            StorageState = signedIn,
        });
        context.SetDefaultTimeout(Timeout);
        return context;
    }

    /// <summary>
    /// The activity page (filtered to the host's Interrupted entries, as a user would look) lists entry <paramref name="entryId"/>
    /// as Interrupted, its row saying each of <paramref name="says"/>. Returns what the row said, for the printed matrix.
    /// </summary>
    public static async Task<string> ExpectInterruptedAsync(IBrowser browser, DashboardProcess app, string signedIn, string host, long entryId, IEnumerable<string> says, List<string> problems)
    {
        await using var context = await ContextAsync(browser, app, signedIn);
        var page = await context.NewPageAsync();
        var row = page.Locator($"tr[data-testid=activity-entry][data-id=\"{entryId}\"]");
        try
        {
            await page.GotoAsync($"/activity?host={Uri.EscapeDataString(host)}&result=Interrupted");
            await Assertions.Expect(row).ToHaveAttributeAsync("data-result", "Interrupted", new() { Timeout = Timeout });
            await Assertions.Expect(row.GetByTestId("activity-result-chip")).ToHaveTextAsync("Interrupted", new() { Timeout = Timeout });
        }
        catch (PlaywrightException ex)
        {
            problems.Add($"the activity page does not list entry {entryId} as Interrupted ({ex.Message.Split('\n')[0]})");
            return "not listed Interrupted";
        }

        var text = Regex.Replace(await row.InnerTextAsync(), @"\s+", " ");
        foreach (var said in says)
        {
            if (!text.Contains(said, StringComparison.Ordinal))
            {
                problems.Add($"the activity page's row does not say \"{said}\": {text}");
            }
        }

        return "Interrupted on /activity";
    }

    /// <summary>The VM's page shows it <paramref name="state"/> (and, when given, nested virtualization on or off) as the host has it.</summary>
    public static async Task<string> ExpectVmShownAsync(IBrowser browser, DashboardProcess app, string signedIn, string host, Guid vmId, string state, bool? nested, List<string> problems)
    {
        await using var context = await ContextAsync(browser, app, signedIn);
        var page = await context.NewPageAsync();
        try
        {
            await page.GotoAsync($"/hosts/{Uri.EscapeDataString(host)}/vms/{vmId}");
            await Assertions.Expect(page.GetByTestId("feed-state")).ToHaveTextAsync("live", new() { Timeout = Timeout });
            await Assertions.Expect(page.GetByTestId("vm-state")).ToHaveTextAsync(new Regex($"^\\s*{state}\\s*$"), new() { Timeout = Timeout });
            if (nested is { } on)
            {
                await Assertions.Expect(page.GetByTestId("fact-nested")).ToHaveTextAsync(on ? "On" : "Off", new() { Timeout = Timeout });
            }
        }
        catch (PlaywrightException ex)
        {
            problems.Add($"the VM page does not show the VM {state}{(nested is { } n ? $", nested {(n ? "On" : "Off")}" : "")} as the host has it ({ex.Message.Split('\n')[0]})");
            return "VM page wrong";
        }

        return $"VM page {state}{(nested is { } x ? $", nested {(x ? "On" : "Off")}" : "")}";
    }
}
