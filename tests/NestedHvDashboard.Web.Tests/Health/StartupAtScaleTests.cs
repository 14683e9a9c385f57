using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Tests.Access;

namespace NestedHvDashboard.Web.Tests.Health;

/// <summary>
/// The guard against thread-pool starvation at start-up: the real app on a generated lab of 200 simulated hosts answers
/// /healthz while its hosts are still connecting. (All 200 opening at once once kept /healthz silent for minutes.)
/// </summary>
[Collection(DashboardServerCollection.Name)]
public sealed class StartupAtScaleTests
{
    private const int Hosts = 200;

    [Fact]
    public async Task Healthz_answers_while_200_hosts_are_still_connecting_and_none_waiting_its_turn_is_unreachable()
    {
        await using var server = await DashboardServer.StartAsync(new Dictionary<string, string?>
        {
            ["Simulator:Hosts"] = Hosts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Simulator:Vms"] = (Hosts * 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var store = server.Services.GetRequiredService<InventoryStore>();
        using var client = server.NewClient();
        client.Timeout = TimeSpan.FromMinutes(3);

        using var response = await client.GetAsync(new Uri("healthz", UriKind.Relative));
        var states = store.GetSnapshot().Hosts.Select(h => h.Status.State).ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(body == "ok" || body.StartsWith("degraded; thread-pool: thread pool starved: ", StringComparison.Ordinal), body);
        Assert.Equal(Hosts, states.Count);
        Assert.True(states.Count(s => s == HostConnectionState.Connected) < Hosts, "Every host was Connected before /healthz answered.");
        Assert.DoesNotContain(HostConnectionState.Unreachable, states);
    }
}
