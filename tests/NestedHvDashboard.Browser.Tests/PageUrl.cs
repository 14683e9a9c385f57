using Microsoft.Playwright;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// Waiting for a page's address alone. Playwright's WaitForURLAsync with WaitUntil=Commit hangs when the address already
/// matches as it is called (it then waits for a "commit" load state, which is never raised): a fast sign-in redirect lost that
/// race on CI and the test ran out of its three minutes. The address Playwright keeps for the page is polled instead.
/// </summary>
public static class PageUrl
{
    /// <summary>Returns once the page's address satisfies <paramref name="holds"/>; throws <see cref="TimeoutException"/> past <paramref name="limit"/>.</summary>
    public static async Task WaitUntilAsync(IPage page, Func<Uri, bool> holds, TimeSpan limit, string what)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(holds);
        var deadline = DateTime.UtcNow + limit;
        while (!holds(new Uri(page.Url)))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds:0} s for {what}; the page is at {page.Url}.");
            }

            await Task.Delay(50);
        }
    }
}
