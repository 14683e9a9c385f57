using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Tests.Access;

namespace NestedHvDashboard.Web.Tests.Api;

/// <summary>Personal access tokens over real HTTP: sign-in, revocation, expiry, lockout, and the cookie that does not open the API.</summary>
public sealed class ApiTokenTests(ApiServer api) : IClassFixture<ApiServer>
{
    private static readonly Uri Hosts = new("api/v1/hosts", UriKind.Relative);

    [Fact]
    public async Task A_token_opens_the_API_until_it_is_revoked_and_is_never_stored_or_logged()
    {
        var token = await api.CreateTokenAsync(api.Users["viewer"], DashboardRoles.Viewer);
        Assert.Matches("^nhv_[A-Za-z0-9_-]{43}$", token);
        using var client = api.Client(token);

        using (var ok = await client.GetAsync(Hosts))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // The last use is written in the background (a read never waits for a write): the list shows it once written.
        JsonElement mine;
        JsonElement? used = null;
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            do
            {
                mine = await client.GetFromJsonAsync<JsonElement>(new Uri("api/v1/tokens", UriKind.Relative), ApiServer.Json, patience.Token);
                var listed = mine.EnumerateArray().Single(t => token.StartsWith(t.GetProperty("prefix").GetString()!, StringComparison.Ordinal));
                if (listed.GetProperty("lastUsedAt").ValueKind != JsonValueKind.Null)
                {
                    used = listed;
                }
                else
                {
                    await Task.Delay(50, patience.Token);
                }
            }
            while (used is null);
        }

        var entry = used.Value;
        Assert.Equal(api.Users["viewer"], entry.GetProperty("owner").GetString());
        Assert.DoesNotContain(mine.EnumerateArray(), t => t.GetProperty("owner").GetString() != api.Users["viewer"]);

        using (var revoke = await client.DeleteAsync(new Uri($"api/v1/tokens/{entry.GetProperty("id").GetInt32()}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        using (var refused = await client.GetAsync(Hosts))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("Bearer error=\"invalid_token\"", refused.Headers.WwwAuthenticate.ToString());
            Assert.Equal("", await refused.Content.ReadAsStringAsync());
        }

        await using (var scope = api.Server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DashboardDbContext>();
            var stored = await db.ApiTokens.AsNoTracking().SingleAsync(t => t.Id == entry.GetProperty("id").GetInt32());
            Assert.Equal(TokenHash.Of(token), stored.Hash);
            Assert.Equal(token[..8], stored.Prefix);
            Assert.NotNull(stored.RevokedAt);
        }

        var audit = await api.AuditAsync();
        Assert.Contains(audit, e => e.Action == "Create API token" && e.Actor == api.Users["viewer"] && e.Result == AuditResults.Succeeded);
        Assert.Contains(audit, e => e.Action == "Revoke API token" && e.Actor == api.Users["viewer"] && e.Channel == Channels.Api && e.Result == AuditResults.Succeeded);
        Assert.DoesNotContain(audit, e => $"{e.Parameters} {e.Message} {e.Before} {e.After}".Contains(token[8..], StringComparison.Ordinal));
        Assert.DoesNotContain(api.Server.LogLines, l => l.Contains(token[8..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_expired_token_a_made_up_one_and_a_locked_out_users_get_the_same_401()
    {
        var expired = await api.CreateTokenAsync(api.Users["operator"], DashboardRoles.Operator, days: 1);
        await using (var scope = api.Server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DashboardDbContext>();
            var hash = TokenHash.Of(expired);
            await db.ApiTokens.Where(t => t.Hash == hash).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTime.UtcNow.AddMinutes(-1)));
        }

        await api.Server.CreateUserAsync("locked-api", DashboardRoles.Administrator);
        var locked = await api.CreateTokenAsync("locked-api", DashboardRoles.Administrator);
        await using (var scope = api.Server.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
            var user = await users.FindByNameAsync("locked-api");
            await users.SetLockoutEndDateAsync(user!, DateTimeOffset.UtcNow.AddHours(1));
        }

        foreach (var token in new[] { expired, locked, "nhv_" + new string('A', 43), "not-even-a-token" })
        {
            using var client = api.Client(token);
            using var response = await client.GetAsync(Hosts);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
            Assert.Equal("", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task The_sign_in_cookie_alone_does_not_open_the_API()
    {
        using var browser = await api.Server.SignedInClientAsync(FirstAdministrator.UserName, DashboardServer.AdminPassword);
        using (var page = await browser.GetAsync(new Uri("vms", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using var response = await browser.GetAsync(Hosts);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        using var post = await browser.PostAsJsonAsync(new Uri($"api/v1/hosts/{ApiServer.LabHost}/vms/web-01/nested", UriKind.Relative), new { enabled = true, whenRunning = "turnOff" });
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
    }

    [Fact]
    public async Task Someone_elses_token_cannot_be_revoked_but_an_administrator_sees_and_revokes_any()
    {
        var operatorToken = await api.CreateTokenAsync(api.Users["operator"], DashboardRoles.Operator);
        using var admin = api.Client(api.Tokens["administrator"]);
        var all = await admin.GetFromJsonAsync<JsonElement>(new Uri("api/v1/tokens", UriKind.Relative), ApiServer.Json);
        var id = all.EnumerateArray().Single(t => t.GetProperty("prefix").GetString() == operatorToken[..8] && t.GetProperty("owner").GetString() == api.Users["operator"])
            .GetProperty("id").GetInt32();
        Assert.Contains(all.EnumerateArray(), t => t.GetProperty("owner").GetString() == api.Users["viewer"]);

        using (var viewer = api.Client(api.Tokens["viewer"]))
        using (var refused = await viewer.DeleteAsync(new Uri($"api/v1/tokens/{id}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }

        using (var stillWorks = api.Client(operatorToken))
        using (var ok = await stillWorks.GetAsync(Hosts))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using (var revoked = await admin.DeleteAsync(new Uri($"api/v1/tokens/{id}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        using var gone = api.Client(operatorToken);
        using var refusedNow = await gone.GetAsync(Hosts);
        Assert.Equal(HttpStatusCode.Unauthorized, refusedNow.StatusCode);
    }

    [Fact]
    public async Task Creating_a_token_needs_a_name_and_a_sane_expiry()
    {
        var tokens = api.Server.Services.GetRequiredService<ApiTokens>();
        var actor = new Actor(api.Users["viewer"], DashboardRoles.Viewer, Channels.Browser, "127.0.0.1");
        Assert.Contains("name", (await tokens.CreateAsync(actor, "  ", null)).Error, StringComparison.Ordinal);
        Assert.Contains("expiry", (await tokens.CreateAsync(actor, "x", 0)).Error, StringComparison.Ordinal);
        var (none, refusal) = await tokens.CreateAsync(new Actor(api.Users["none"], null, Channels.Browser, "127.0.0.1"), "x", null);
        Assert.Null(none);
        Assert.Contains(api.Users["none"], refusal, StringComparison.Ordinal);
    }
}
