using System.Net;
using System.Text.Json;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Health;
using NestedHvDashboard.Web.Logging;
using NestedHvDashboard.Web.Tests.Access;

namespace NestedHvDashboard.Web.Tests.Deployment;

/// <summary>
/// The published app in Production on loopback, as an operator starts it from its folder: its stylesheets are served
/// (they come from MudBlazor's package, which only a publish lays out for Production), it says its version, it logs to
/// the data folder, and it simulates nothing unless Simulator:Enabled says so.
/// </summary>
public sealed class PublishedAppTests(PublishedApp published) : IClassFixture<PublishedApp>
{
    private const string MudBlazorCss = "_content/MudBlazor/MudBlazor.min.css";
    private const string LabHost = LabScenarios.HostNames.Ws2016Intel;

    [Fact]
    public async Task The_published_app_starts_in_Production_with_its_assets_its_version_its_log_file_and_nothing_simulated()
    {
        await using var app = await published.StartAsync("Production", new Dictionary<string, string> { [FirstAdministrator.PasswordSetting] = DashboardServer.AdminPassword });
        using var client = NewClient(app);

        using (var health = await client.GetAsync(new Uri("healthz", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("ok", await health.Content.ReadAsStringAsync());
            var version = Assert.Single(health.Headers.GetValues(VersionHeader.Name));
            Assert.Equal(PublishedApp.ConfiguredVersion(), version);
        }

        using (var css = await client.GetAsync(new Uri(MudBlazorCss, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, css.StatusCode);
            Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
            Assert.True((await css.Content.ReadAsByteArrayAsync()).Length > 100_000, "MudBlazor.min.css is not the real stylesheet.");
        }

        using (var appCss = await client.GetAsync(new Uri("css/app.css", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, appCss.StatusCode);
        }

        var signIn = await client.GetStringAsync(new Uri("account/login", UriKind.Relative));
        Assert.Contains($"href=\"{MudBlazorCss}\"", signIn, StringComparison.Ordinal);
        Assert.Contains("href=\"css/app.css\"", signIn, StringComparison.Ordinal);

        using var admin = await SignedInAdminAsync(app);
        var overview = await admin.GetStringAsync(new Uri("", UriKind.Relative));
        Assert.Contains("data-testid=\"no-hosts\"", overview, StringComparison.Ordinal);
        using (var lab = await admin.GetAsync(new Uri($"simulator/hosts/{LabHost}/vms", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, lab.StatusCode);
        }

        var logs = Directory.GetFiles(Path.Combine(app.DataFolder, DashboardLogging.FolderName), "dashboard-*.log");
        var log = File.ReadAllText(Assert.Single(logs));
        Assert.Contains("Now listening on: " + app.BaseAddress.OriginalString.TrimEnd('/'), log, StringComparison.Ordinal);
        Assert.Contains("the simulated lab is off", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_Simulator_Enabled_the_published_app_runs_the_simulated_lab_in_Production()
    {
        await using var app = await published.StartAsync("Production", new Dictionary<string, string>
        {
            [FirstAdministrator.PasswordSetting] = DashboardServer.AdminPassword,
            ["Simulator:Enabled"] = "true",
        });

        using var admin = await SignedInAdminAsync(app);
        using var lab = await admin.GetAsync(new Uri($"simulator/hosts/{LabHost}/vms", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, lab.StatusCode);
        using var vms = JsonDocument.Parse(await lab.Content.ReadAsStringAsync());
        Assert.NotEqual(0, vms.RootElement.GetArrayLength());
        var overview = await admin.GetStringAsync(new Uri("", UriKind.Relative));
        Assert.DoesNotContain("data-testid=\"no-hosts\"", overview, StringComparison.Ordinal);
        Assert.Contains("simulated lab", overview, StringComparison.Ordinal);

        // The lab's hosts are read through PowerShell runspaces: the published layout must carry PowerShell's modules.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (!app.Output.Contains($"Host {LabHost} connected with", StringComparison.Ordinal))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(90), $"{LabHost} did not connect within 90 s:\n{app.Output}");
            await poll.WaitForNextTickAsync();
        }
    }

    private static HttpClient NewClient(PublishedAppProcess app) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = app.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

    private static async Task<HttpClient> SignedInAdminAsync(PublishedAppProcess app)
    {
        var client = NewClient(app);
        using var response = await DashboardServer.PostSignInAsync(client, FirstAdministrator.UserName, DashboardServer.AdminPassword);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString.Contains("/account/login", StringComparison.Ordinal) != true,
            $"Signing in as admin answered {(int)response.StatusCode} {response.Headers.Location}:\n{app.Output}");
        return client;
    }
}
