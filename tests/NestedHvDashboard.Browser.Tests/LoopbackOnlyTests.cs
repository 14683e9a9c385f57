using Microsoft.Playwright;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// The browser tests stay on loopback: a request anywhere else fails on this machine (HeadlessChromium's proxy switches send
/// it to a closed port on 127.0.0.1) and is recorded, so the tests that check <see cref="DashboardFixture.OffLoopbackRequests"/>
/// is empty would see one the pages made.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class LoopbackOnlyTests(DashboardFixture dashboard)
{
    [Fact]
    public async Task A_request_to_another_origin_fails_here_and_is_recorded()
    {
        const string elsewhere = "http://nestedhv-elsewhere.invalid/";
        await using var context = await dashboard.AnonymousContextAsync();
        var page = await context.NewPageAsync();
        try
        {
            var error = await Assert.ThrowsAsync<PlaywrightException>(() => page.GotoAsync(elsewhere));
            Assert.Contains("ERR_PROXY_CONNECTION_FAILED", error.Message, StringComparison.Ordinal);
            await Eventually.HoldsAsync(() => dashboard.OffLoopbackRequests.Contains(elsewhere), TimeSpan.FromSeconds(10), $"{elsewhere} recorded");

            // The dashboard itself still answers (a new page: the first one shows Chromium's error page): loopback is not sent to the proxy.
            var healthz = await (await context.NewPageAsync()).GotoAsync("/healthz");
            Assert.NotNull(healthz);
            Assert.Equal(200, healthz.Status);
        }
        finally
        {
            dashboard.Forget(elsewhere);
        }
    }
}
