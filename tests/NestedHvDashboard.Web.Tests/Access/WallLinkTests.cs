using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Tests.Access;

/// <summary>Wall links over real HTTP against the real app: the link opens /wall and nothing else, until revoked.</summary>
public sealed class WallLinkTests : IAsyncLifetime
{
    private static readonly Actor Admin = new(FirstAdministrator.UserName, DashboardRoles.Administrator, Channels.Browser, "127.0.0.1");

    private DashboardServer _server = null!;

    private WallLinks Links => _server.Services.GetRequiredService<WallLinks>();

    public async Task InitializeAsync() => _server = await DashboardServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_link_opens_the_wall_and_nothing_else()
    {
        var made = await Links.CreateAsync(Admin, "NOC left", null);
        Assert.True(made.Succeeded, made.Message);
        using var wall = await OpenAsync(made.Path!);

        using var page = await wall.GetAsync(new Uri("wall", UriKind.Relative));
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"/wall answered {(int)page.StatusCode} {page.Headers.Location}");
        using var circuit = await wall.PostAsync(new Uri("_blazor/negotiate?negotiateVersion=1", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, circuit.StatusCode);

        foreach (var path in new[] { "", "vms", "activity", "connections", "hosts/lab-host-1", "hosts/lab-host-1/vms", "admin/wall-links" })
        {
            using var other = await wall.GetAsync(new Uri("/" + path, UriKind.Relative));
            Assert.True(other.StatusCode == HttpStatusCode.Forbidden || other.Headers.Location?.AbsolutePath == "/account/denied",
                $"/{path} answered a wall link with {(int)other.StatusCode} {other.Headers.Location}");
        }

        using var hub = await wall.PostAsync(new Uri("hubs/inventory/negotiate?negotiateVersion=1", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Forbidden, hub.StatusCode);
        using var api = await wall.GetAsync(new Uri("api/v1/hosts", UriKind.Relative));
        Assert.NotEqual(HttpStatusCode.OK, api.StatusCode);

        var row = Assert.Single(await Links.ListAsync());
        Assert.NotNull(row.LastUsedAt);
    }

    [Fact]
    public async Task A_revoked_link_stops_the_wall_at_its_next_request_and_opens_no_more()
    {
        var made = await Links.CreateAsync(Admin, "Lobby", null);
        using var wall = await OpenAsync(made.Path!);
        using (var before = await wall.GetAsync(new Uri("wall", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var revoked = await Links.RevokeAsync(Admin, made.Link!.Id);
        Assert.True(revoked.Succeeded, revoked.Message);

        using var after = await wall.GetAsync(new Uri("wall", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/account/login", after.Headers.Location!.AbsolutePath);

        using var again = _server.NewClient();
        using var link = await again.GetAsync(new Uri(made.Path!, UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, link.StatusCode);
        Assert.Contains("This wall link is not valid (revoked or mistyped)", await link.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // An open wall circuit asks the same at its next revalidation.
        await using var scope = _server.Services.CreateAsyncScope();
        var validator = scope.ServiceProvider.GetServices<IPrincipalValidator>().Single(v => v.Handles(WallLinks.PrincipalFor(made.Link)));
        Assert.False(await validator.IsStillValidAsync(WallLinks.PrincipalFor(made.Link), CancellationToken.None));
    }

    [Fact]
    public async Task A_mistyped_link_is_not_found()
    {
        await Links.CreateAsync(Admin, "Real", null);
        using var client = _server.NewClient();
        using var response = await client.GetAsync(new Uri("wall/link/not-a-real-token", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.Contains(WallLinkClaims.CookieName, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_tagged_link_shows_its_tag_only_whatever_the_address_says()
    {
        var made = await Links.CreateAsync(Admin, "Nested screen", "nested");
        using var client = _server.NewClient();
        using var opened = await client.GetAsync(new Uri(made.Path!, UriKind.Relative));
        Assert.Equal("/wall?tag=nested", opened.Headers.Location!.OriginalString);

        var page = await client.GetStringAsync(new Uri("wall?tag=simulated", UriKind.Relative));
        Assert.Contains("data-testid=\"wall-filter\">nested</span>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_viewer_cannot_create_or_revoke_links_and_the_audit_says_denied()
    {
        var viewer = new Actor("vera", DashboardRoles.Viewer, Channels.Browser, "127.0.0.1");
        var refused = await Links.CreateAsync(viewer, "Sneaky", null);
        Assert.False(refused.Succeeded);
        Assert.Null(refused.Path);
        Assert.Contains("Administrator", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await Links.ListAsync());

        var made = await Links.CreateAsync(Admin, "Kept", null);
        var notRevoked = await Links.RevokeAsync(viewer, made.Link!.Id);
        Assert.False(notRevoked.Succeeded);
        Assert.True(Assert.Single(await Links.ListAsync()).Active);

        await using var db = await _server.Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync();
        var entries = await db.AuditEntries.Where(e => e.Actor == "vera").ToListAsync();
        Assert.Contains(entries, e => e.Action == "Create wall link" && e.Result == AuditResults.Denied);
        Assert.Contains(entries, e => e.Action == "Revoke wall link" && e.Result == AuditResults.Denied);
        Assert.Contains(await db.AuditEntries.ToListAsync(), e => e.Action == "Create wall link" && e.Actor == "admin" && e.Result == AuditResults.Succeeded);
    }

    [Fact]
    public async Task Names_are_required_and_unique()
    {
        Assert.False((await Links.CreateAsync(Admin, "  ", null)).Succeeded);
        Assert.True((await Links.CreateAsync(Admin, "Wall A", null)).Succeeded);
        var twice = await Links.CreateAsync(Admin, "wall a", null);
        Assert.False(twice.Succeeded);
        Assert.Contains("exists already", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_is_kept_only_as_its_hash_and_never_logged()
    {
        var made = await Links.CreateAsync(Admin, "Secret keeper", null);
        var token = made.Path![WallLinks.PathPrefix.Length..];
        Assert.Equal(43, token.Length);
        using (var wall = await OpenAsync(made.Path))
        {
            using var page = await wall.GetAsync(new Uri("wall", UriKind.Relative));
        }

        await Links.RevokeAsync(Admin, made.Link!.Id);
        using (var late = _server.NewClient())
        {
            using var refused = await late.GetAsync(new Uri(made.Path, UriKind.Relative));
        }

        await using (var db = await _server.Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync())
        {
            var stored = await db.WallLinks.SingleAsync();
            Assert.Equal(TokenHash.Of(token), stored.Hash);
            Assert.Equal(64, stored.Hash.Length);
            Assert.Equal(token[..8], stored.Prefix);
        }

        // Every file of the data folder (the database and its journal), byte for byte.
        foreach (var file in Directory.EnumerateFiles(_server.DataFolder, "*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            Assert.DoesNotContain(token, await reader.ReadToEndAsync(), StringComparison.Ordinal);
        }

        Assert.Contains(_server.LogLines, l => l.Contains("Secret keeper", StringComparison.Ordinal));
        var leaks = _server.LogLines.Where(l => l.Contains(token, StringComparison.Ordinal)).ToList();
        Assert.True(leaks.Count == 0, string.Join('\n', leaks));
    }

    // A browser that followed the link: it holds the wall cookie and was sent to /wall.
    private async Task<HttpClient> OpenAsync(string path)
    {
        var client = _server.NewClient();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/wall", response.Headers.Location!.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), v => v.StartsWith(WallLinkClaims.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("expires=", cookie, StringComparison.OrdinalIgnoreCase);
        return client;
    }
}
