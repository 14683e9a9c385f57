using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Inventory;
using NestedHvDashboard.Web.Tests.Access;

namespace NestedHvDashboard.Web.Tests.Api;

/// <summary>
/// Who may open what, over real HTTP on loopback: anonymous, a user with no role, Viewer, Operator and Administrator ×
/// every page (with the sign-in cookie), every API route (with a bearer token, and with the cookie, which must not open it)
/// and the inventory hub (cookie and token). Expected answers are listed once, here; a new page or route goes in these tables.
/// </summary>
public sealed class AuthorizationMatrixTests(ApiServer api) : IClassFixture<ApiServer>
{
    /// <summary>The callers, lowest first.</summary>
    public static readonly string[] Callers = ["anonymous", "none", "viewer", "operator", "administrator"];

    private const string Host = ApiServer.LabHost;

    /// <summary>
    /// Every page and cookie-read endpoint with what it needs: "view" (Viewer and up), "administer", or "signed-in" (any
    /// signed-in account, even one without a role). {vm} is a lab VM's id.
    /// </summary>
    public static readonly (string Path, string Needs)[] Pages =
    [
        ("/", "view"), ("/wall", "view"), ("/vms", "view"), ("/activity", "view"), ("/activity/export.csv", "view"), ("/connections", "view"),
        ($"/hosts/{Host}", "view"), ($"/hosts/{Host}/vms", "view"), ($"/hosts/{Host}/networking", "view"), ($"/hosts/{Host}/vms/{{vm}}", "view"),
        ("/account/tokens", "view"), ("/admin/users", "administer"), ("/admin/wall-links", "administer"), ("/account/password", "signed-in"),
    ];

    /// <summary>
    /// Every API route with a request that passes validation only when authorization passed, and the status a caller with
    /// the right role gets (a change route is sent without its required field, so it answers 400 and changes nothing).
    /// </summary>
    public static readonly (string Method, string Path, string? Body, string Needs, string Allowed)[] ApiRoutes =
    [
        ("GET", "/api/v1/hosts", null, "view", "200"),
        ("GET", $"/api/v1/hosts/{Host}", null, "view", "200"),
        ("GET", $"/api/v1/hosts/{Host}/vms", null, "view", "200"),
        ("GET", $"/api/v1/hosts/{Host}/vms/web-01", null, "view", "200"),
        ("GET", $"/api/v1/hosts/{Host}/vms/web-01/readiness", null, "view", "200"),
        ("POST", $"/api/v1/hosts/{Host}/vms/web-01/nested", "{}", "operate", "400"),
        ("POST", $"/api/v1/hosts/{Host}/vms/web-01/power", "{}", "operate", "400"),
        ("POST", $"/api/v1/hosts/{Host}/vms/web-01/fixes/vm.no-such-rule", "{}", "operate", "400"),
        ("PUT", $"/api/v1/hosts/{Host}/vms/web-01/adapters/mac-spoofing", "{}", "operate", "400"),
        ("PUT", $"/api/v1/hosts/{Host}/vms/web-01/adapters/Network%20Adapter/mac-spoofing", "{}", "operate", "400"),
        ("GET", $"/api/v1/operations/{Guid.Empty}", null, "view", "404"),
        ("GET", "/api/v1/tokens", null, "view", "200"),
        ("DELETE", "/api/v1/tokens/999999", null, "view", "404"),
        ("GET", "/api/v1/blueprints", null, "view", "200"),
        ("GET", "/api/v1/blueprints/no-such-lab", null, "view", "404"),
        ("PUT", "/api/v1/blueprints/no-such-lab", "{}", "operate", "400"),
        ("DELETE", "/api/v1/blueprints/no-such-lab", null, "operate", "404"),
        ("POST", "/api/v1/blueprints/no-such-lab/review", null, "view", "404"),
        ("POST", "/api/v1/blueprints/no-such-lab/apply", "{}", "operate", "400"),
        ("GET", "/api/v1/blueprints/no-such-lab/run", null, "view", "404"),
        ("GET", "/api/v1/blueprints/no-such-lab/drift", null, "view", "404"),
    ];

    private static bool Has(string caller, string needs) => needs switch
    {
        "view" => caller is "viewer" or "operator" or "administrator",
        "operate" => caller is "operator" or "administrator",
        _ => caller is "administrator",
    };

    [Fact]
    public async Task Every_API_route_answers_each_role_exactly_with_a_token_and_401_to_a_cookie()
    {
        var failures = new List<string>();
        foreach (var caller in Callers)
        {
            using var withToken = api.Client(caller == "anonymous" ? null : api.Tokens[caller]);
            using var withCookie = caller == "anonymous" ? api.Server.NewClient() : await api.Server.SignedInClientAsync(api.Users[caller]);
            foreach (var (method, path, body, needs, allowed) in ApiRoutes)
            {
                var expected = caller == "anonymous" ? "401" : Has(caller, needs) ? allowed : "403";
                Check(failures, $"{caller} token {method} {path}", expected, await SendAsync(withToken, method, path, body));
                Check(failures, $"{caller} cookie {method} {path}", "401", await SendAsync(withCookie, method, path, body));
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Every_page_answers_each_role_exactly_with_the_cookie()
    {
        var vm = api.Lab[Host].FindVm("web-01")!.Id;
        var failures = new List<string>();
        foreach (var caller in Callers)
        {
            using var client = caller == "anonymous" ? api.Server.NewClient() : await api.Server.SignedInClientAsync(api.Users[caller]);
            foreach (var (path, needs) in Pages)
            {
                var page = path.Replace("{vm}", vm.ToString(), StringComparison.Ordinal);
                var expected = caller == "anonymous" ? "302 /account/login"
                    : needs == "signed-in" || Has(caller, needs) ? "200"
                    : "302 /account/denied";
                Check(failures, $"{caller} GET {page}", expected, await SendAsync(client, "GET", page, null));
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_bearer_token_opens_no_page_and_no_circuit_only_the_API_the_hub_and_the_CSV_export()
    {
        var vm = api.Lab[Host].FindVm("web-01")!.Id;
        var failures = new List<string>();
        foreach (var caller in Callers.Where(c => c != "anonymous"))
        {
            using var client = api.Client(api.Tokens[caller]);
            foreach (var (path, _) in Pages)
            {
                var page = path.Replace("{vm}", vm.ToString(), StringComparison.Ordinal);
                // The token is not looked at off its routes: a page answers as to a browser that is not signed in.
                var expected = path != "/activity/export.csv" ? "302 /account/login"
                    : Has(caller, "view") ? "200"
                    : "403";
                Check(failures, $"{caller} token GET {page}", expected, await SendAsync(client, "GET", page, null));
            }

            Check(failures, $"{caller} token POST /_blazor/negotiate", "401", await SendAsync(client, "POST", "/_blazor/negotiate?negotiateVersion=1", null));
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_wall_link_opens_the_wall_and_its_circuit_and_nothing_else()
    {
        var made = await api.Server.Services.GetRequiredService<WallLinks>()
            .CreateAsync(new Actor("admin", DashboardRoles.Administrator, Channels.Browser, "127.0.0.1"), "Matrix wall", null);
        Assert.True(made.Succeeded, made.Message);
        var cookies = new CookieContainer();
        using var wall = api.Server.NewClient(cookies);
        Assert.Equal("302 /wall", await SendAsync(wall, "GET", made.Path!, null));

        var vm = api.Lab[Host].FindVm("web-01")!.Id;
        var failures = new List<string>();
        foreach (var (path, _) in Pages)
        {
            var page = path.Replace("{vm}", vm.ToString(), StringComparison.Ordinal);
            Check(failures, $"wall GET {page}", page == "/wall" ? "200" : "302 /account/denied", await SendAsync(wall, "GET", page, null));
        }

        Check(failures, "wall POST /account/password", "302 /account/denied", await SendAsync(wall, "POST", "/account/password", null));
        Check(failures, "wall POST /_blazor/negotiate", "200", await SendAsync(wall, "POST", "/_blazor/negotiate?negotiateVersion=1", null));
        foreach (var (method, path, body, _, _) in ApiRoutes)
        {
            Check(failures, $"wall {method} {path}", "401", await SendAsync(wall, method, path, body));
        }

        Check(failures, "wall hub by cookie", "403", await SubscribeAsync(o => o.Cookies = cookies));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task The_inventory_hub_streams_to_a_role_by_cookie_or_token_and_refuses_the_rest()
    {
        var failures = new List<string>();
        foreach (var caller in Callers)
        {
            var cookies = new CookieContainer();
            if (caller != "anonymous")
            {
                using var browser = api.Server.NewClient(cookies);
                using var signIn = await DashboardServer.PostSignInAsync(browser, api.Users[caller], DashboardServer.UserPassword);
                Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            }

            var expected = caller switch
            {
                "anonymous" => "401",
                "none" => "403",
                _ => "streams",
            };
            Check(failures, $"{caller} hub by cookie", expected, await SubscribeAsync(o => o.Cookies = cookies));
            if (caller != "anonymous")
            {
                Check(failures, $"{caller} hub by token", expected, await SubscribeAsync(o => o.AccessTokenProvider = () => Task.FromResult<string?>(api.Tokens[caller])));
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private async Task<string> SubscribeAsync(Action<HttpConnectionOptions> configure)
    {
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(api.Server.BaseAddress, InventoryHub.Path.TrimStart('/')), configure)
            .Build();
        try
        {
            await connection.StartAsync();
        }
        catch (HttpRequestException ex) when (ex.StatusCode is { } status)
        {
            return ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var item in connection.StreamAsync<JsonElement>("Subscribe", (string?)null, timeout.Token))
        {
            return item.GetProperty("kind").GetString() == InventoryStreamItem.SnapshotKind && item.GetProperty("hosts").GetArrayLength() == 6
                ? "streams"
                : $"streamed {item}";
        }

        return "stream ended empty";
    }

    private static async Task<string> SendAsync(HttpClient client, string method, string path, string? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path.TrimStart('/'), UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location is not { } location)
        {
            return status;
        }

        return $"{status} {(location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0])}";
    }

    private static void Check(List<string> failures, string what, string expected, string actual)
    {
        if (expected != actual)
        {
            failures.Add($"{what}: expected {expected}, got {actual}");
        }
    }
}
