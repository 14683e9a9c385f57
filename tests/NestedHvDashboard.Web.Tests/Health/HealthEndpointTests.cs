using System.Net;
using NestedHvDashboard.Web.Tests.Access;

namespace NestedHvDashboard.Web.Tests.Health;

/// <summary>
/// <c>/healthz</c> as the app maps it: every registered check answers there. (The database's own endpoint once shadowed
/// the health checks, so the thread-pool check was never served.)
/// </summary>
[Collection(DashboardServerCollection.Name)]
public sealed class HealthEndpointTests
{
    [Fact]
    public async Task A_starved_thread_pool_is_served_as_degraded_with_the_version()
    {
        // More threads than this limit always exist: the thread-pool check must say degraded.
        await using var server = await DashboardServer.StartAsync(new Dictionary<string, string?> { ["Health:ThreadPool:MaxThreads"] = "1" });
        using var client = server.NewClient();

        using var response = await client.GetAsync(new Uri("healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("degraded; thread-pool: thread pool starved: ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(NestedHvDashboard.Web.Data.DashboardVersion.Current, Assert.Single(response.Headers.GetValues("X-NestedHv-Version")));
    }

    [Fact]
    public async Task A_healthy_app_answers_ok_with_the_version()
    {
        await using var server = await DashboardServer.StartAsync(new Dictionary<string, string?>());
        using var client = server.NewClient();

        using var response = await client.GetAsync(new Uri("healthz", UriKind.Relative));

        Assert.Equal((HttpStatusCode.OK, "ok"), (response.StatusCode, await response.Content.ReadAsStringAsync()));
        Assert.Equal(NestedHvDashboard.Web.Data.DashboardVersion.Current, Assert.Single(response.Headers.GetValues("X-NestedHv-Version")));
    }
}
