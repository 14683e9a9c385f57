using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Tests.Access;

namespace NestedHvDashboard.Web.Tests.Api;

/// <summary>
/// The API's volume limits over real HTTP: per token, per user (all tokens together), refused requests counted too, and a
/// Viewer's repeated denied changes stored as one row with a count. The window is an hour, so it never turns mid-test.
/// </summary>
public sealed class ApiRateLimitTests : IAsyncLifetime
{
    private const int PerToken = 3;
    private const int PerUser = 5;
    private DashboardServer _server = null!;

    public async Task InitializeAsync() => _server = await DashboardServer.StartAsync(new Dictionary<string, string?>
    {
        ["Api:RateLimit:PermitsPerToken"] = PerToken.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Api:RateLimit:PermitsPerUser"] = PerUser.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Api:RateLimit:Window"] = "01:00:00",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<HttpClient> ClientAsync(string userName, string role, bool newUser = true)
    {
        if (newUser)
        {
            await _server.CreateUserAsync(userName, role);
        }

        var (created, error) = await _server.Services.GetRequiredService<ApiTokens>()
            .CreateAsync(new Actor(userName, role, Channels.Browser, "127.0.0.1"), "rate test", null);
        Assert.True(created is not null, error);
        var client = _server.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Token);
        return client;
    }

    private static async Task<JsonElement> TooManyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task A_token_and_then_its_user_are_limited_with_429_naming_the_limit_and_other_users_are_not()
    {
        using var first = await ClientAsync("rita-rate", DashboardRoles.Viewer);
        for (var i = 0; i < PerToken; i++)
        {
            using var ok = await first.GetAsync(new Uri("api/v1/hosts", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using (var over = await first.GetAsync(new Uri("api/v1/hosts", UriKind.Relative)))
        {
            var problem = await TooManyAsync(over);
            Assert.Equal("Api:RateLimit:PermitsPerToken", problem.GetProperty("limit").GetString());
            Assert.Contains($"{PerToken} requests per 60 minutes per token", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains("rita-rate", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // A second token of the same user has its own allowance, but the user's (5, all tokens) has 2 left.
        using var second = await ClientAsync("rita-rate", DashboardRoles.Viewer, newUser: false);
        for (var i = 0; i < PerUser - PerToken; i++)
        {
            using var ok = await second.GetAsync(new Uri("api/v1/hosts", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using (var over = await second.GetAsync(new Uri("api/v1/hosts", UriKind.Relative)))
        {
            var problem = await TooManyAsync(over);
            Assert.Equal("Api:RateLimit:PermitsPerUser", problem.GetProperty("limit").GetString());
            Assert.Contains($"{PerUser} requests per 60 minutes per user", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var other = await ClientAsync("oscar-rate", DashboardRoles.Operator);
        using (var ok = await other.GetAsync(new Uri("api/v1/hosts", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
    }

    [Fact]
    public async Task A_viewers_denied_changes_count_against_the_limit_and_are_one_audit_row_with_a_count()
    {
        using var viewer = await ClientAsync("vera-rate", DashboardRoles.Viewer);
        var nested = new Uri($"api/v1/hosts/{LabScenarios.HostNames.Ws2019Intel}/vms/web-01/nested", UriKind.Relative);
        for (var i = 0; i < PerToken; i++)
        {
            using var denied = await viewer.PostAsJsonAsync(nested, new { enabled = true });
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }

        using (var over = await viewer.PostAsJsonAsync(nested, new { enabled = true }))
        {
            await TooManyAsync(over);
        }

        await using var db = await _server.Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync();
        var rows = await db.AuditEntries.AsNoTracking().Where(e => e.Actor == "vera-rate" && e.Channel == Channels.Api).ToListAsync();
        var row = Assert.Single(rows);
        Assert.Equal((AuditResults.Denied, PerToken), (row.Result, row.RepeatCount));
        Assert.Equal(Channels.Api, row.Channel);
    }
}
