using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Inventory;
using NestedHvDashboard.Web.Tests.Access;

namespace NestedHvDashboard.Web.Tests.Hardening;

/// <summary>Security headers, HTTPS, error detail, request limits and antiforgery over real HTTP against the real app.</summary>
public sealed class HardeningTests
{
    private const string ThrowPath = "/test/throw";
    private const string SecretDetail = "detail-that-must-stay-on-the-server";

    [Fact]
    public async Task Pages_and_the_sign_in_page_carry_the_security_headers()
    {
        await using var server = await DashboardServer.StartAsync();
        using var anonymous = server.NewClient();
        using var signIn = await anonymous.GetAsync(new Uri("account/login", UriKind.Relative));
        using var admin = await server.SignedInClientAsync(FirstAdministrator.UserName, DashboardServer.AdminPassword);
        using var overview = await admin.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);

        foreach (var response in new[] { signIn, overview })
        {
            var policy = string.Join("; ", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
            Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
            Assert.Contains("object-src 'none'", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
            Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
            Assert.Contains("camera=()", Assert.Single(response.Headers.GetValues("Permissions-Policy")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_operator_can_let_another_site_frame_the_wall()
    {
        await using var server = await DashboardServer.StartAsync(new Dictionary<string, string?> { ["Hardening:FrameAncestors"] = "https://signage.example" });
        using var client = server.NewClient();
        using var response = await client.GetAsync(new Uri("account/login", UriKind.Relative));
        var policies = response.Headers.GetValues("Content-Security-Policy").ToList();
        Assert.All(policies, p => Assert.Contains("frame-ancestors https://signage.example", p, StringComparison.Ordinal));
        Assert.False(response.Headers.Contains("X-Frame-Options"));
    }

    [Fact]
    public async Task Outside_development_http_is_redirected_to_https()
    {
        await using var server = await DashboardServer.StartAsync(new Dictionary<string, string?> { ["Hardening:HttpsPort"] = "8443" }, environment: "Production");
        using var client = server.NewClient();
        using var response = await client.GetAsync(new Uri("account/login", UriKind.Relative));
        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal("https://127.0.0.1:8443/account/login", response.Headers.Location!.AbsoluteUri);
    }

    [Fact]
    public async Task Behind_a_tls_proxy_the_forwarded_https_request_is_served_with_hsts()
    {
        await using var server = await DashboardServer.StartAsync(new Dictionary<string, string?> { ["Hardening:ForwardedHeaders"] = "true", ["Hardening:HttpsPort"] = "443" }, environment: "Production");
        using var client = server.NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("account/login", UriKind.Relative));
        request.Headers.Host = "dashboard.example";
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("max-age=31536000", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));

        using var plain = new HttpRequestMessage(HttpMethod.Get, new Uri("account/login", UriKind.Relative));
        plain.Headers.Host = "dashboard.example";
        using var redirected = await client.SendAsync(plain);
        Assert.Equal(HttpStatusCode.PermanentRedirect, redirected.StatusCode);
        Assert.Equal("https://dashboard.example/account/login", redirected.Headers.Location!.AbsoluteUri);
    }

    [Fact]
    public async Task In_development_there_is_no_https_redirect()
    {
        await using var server = await DashboardServer.StartAsync();
        using var client = server.NewClient();
        using var response = await client.GetAsync(new Uri("account/login", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Outside_development_an_error_shows_no_detail_and_the_hubs_send_none()
    {
        await using var server = await DashboardServer.StartAsync(
            new Dictionary<string, string?> { ["Hardening:RequireHttps"] = "false" }, ThrowingEndpoint, environment: "Production");
        using var client = await server.SignedInClientAsync(FirstAdministrator.UserName, DashboardServer.AdminPassword);
        using var response = await client.GetAsync(new Uri(ThrowPath, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("Something went wrong", body, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretDetail, body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        Assert.Contains(server.LogLines, l => l.Contains(SecretDetail, StringComparison.Ordinal));

        Assert.False(server.Services.GetRequiredService<IOptions<CircuitOptions>>().Value.DetailedErrors);
        var inventoryHub = server.Services.GetRequiredService<IOptions<HubOptions<InventoryHub>>>().Value;
        Assert.False(inventoryHub.EnableDetailedErrors);
        Assert.Equal(32 * 1024, inventoryHub.MaximumReceiveMessageSize);
    }

    [Fact]
    public async Task In_development_the_error_detail_shows()
    {
        await using var server = await DashboardServer.StartAsync(services: ThrowingEndpoint);
        using var client = await server.SignedInClientAsync(FirstAdministrator.UserName, DashboardServer.AdminPassword);
        using var response = await client.GetAsync(new Uri(ThrowPath, UriKind.Relative));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains(SecretDetail, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(server.Services.GetRequiredService<IOptions<CircuitOptions>>().Value.DetailedErrors);
    }

    [Fact]
    public async Task An_oversize_body_is_refused_with_413()
    {
        await using var server = await DashboardServer.StartAsync(new Dictionary<string, string?> { ["Hardening:MaxRequestBodyBytes"] = "65536" });
        using var client = server.NewClient();
        using var body = new ByteArrayContent(new byte[100_000]);
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        using var response = await client.PostAsync(new Uri("account/sign-in", UriKind.Relative), body);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task The_sign_in_form_needs_its_antiforgery_token()
    {
        await using var server = await DashboardServer.StartAsync();
        using var client = server.NewClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = FirstAdministrator.UserName,
            ["Password"] = DashboardServer.AdminPassword,
            ["ReturnUrl"] = "/",
        });
        using var forged = await client.PostAsync(new Uri("account/sign-in", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.False(forged.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(".NestedHv.Auth=", StringComparison.Ordinal)));

        using var real = await DashboardServer.PostSignInAsync(client, FirstAdministrator.UserName, DashboardServer.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, real.StatusCode);
        Assert.Equal("/", real.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_blazor_hub_refuses_anonymous_connections()
    {
        await using var server = await DashboardServer.StartAsync();
        using var anonymous = server.NewClient();
        using var refused = await anonymous.PostAsync(new Uri("_blazor/negotiate?negotiateVersion=1", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var inventory = await anonymous.PostAsync(new Uri("hubs/inventory/negotiate?negotiateVersion=1", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Unauthorized, inventory.StatusCode);

        await server.CreateUserAsync("vic", DashboardRoles.Viewer);
        using var viewer = await server.SignedInClientAsync("vic");
        using var accepted = await viewer.PostAsync(new Uri("_blazor/negotiate?negotiateVersion=1", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    // A request that fails inside the app, after every middleware of Program.cs (the exception handler among them);
    // a path with no endpoint still needs a signed-in user (the fallback policy).
    private static void ThrowingEndpoint(IServiceCollection services) =>
        services.AddSingleton<IStartupFilter, ThrowingStartupFilter>();

    private sealed class ThrowingStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Run(context => context.Request.Path == ThrowPath
                ? throw new InvalidOperationException(SecretDetail)
                : Task.CompletedTask);
        };
    }
}
