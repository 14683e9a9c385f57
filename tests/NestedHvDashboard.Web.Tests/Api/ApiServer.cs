using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Tests.Access;

namespace NestedHvDashboard.Web.Tests.Api;

/// <summary>
/// The real app (<see cref="DashboardServer"/>) with one user per role, each with a personal access token, and a user
/// whose role was taken away after its token was made. Shared by the tests of one class.
/// </summary>
public sealed class ApiServer : IAsyncLifetime
{
    /// <summary>The host the tests add their own VMs to (Intel, Windows Server 2019: nested virtualization passes).</summary>
    public const string LabHost = LabScenarios.HostNames.Ws2019Intel;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>How long the tests wait for the app to show what they brought about (the feed, the audit trail).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public DashboardServer Server { get; private set; } = null!;

    /// <summary>Each role's user name ("none": a user with no role).</summary>
    public Dictionary<string, string> Users { get; } = new()
    {
        ["viewer"] = "victor-api",
        ["operator"] = "olivia-api",
        ["administrator"] = "ada-api",
        ["none"] = "nobody-api",
    };

    /// <summary>Each role's token.</summary>
    public Dictionary<string, string> Tokens { get; } = [];

    public async Task InitializeAsync()
    {
        // The matrix signs in every role several times from 127.0.0.1: more than the sign-in form's default limit.
        // The tests send hundreds of requests a minute from one token: the API's rate limit is for clients and has its own tests (ApiRateLimitTests).
        Server = await DashboardServer.StartAsync(new Dictionary<string, string?>
        {
            ["Auth:SignIn:PermitsPerMinute"] = "1000",
            ["Api:RateLimit:PermitsPerToken"] = "100000",
            ["Api:RateLimit:PermitsPerUser"] = "100000",
        });
        foreach (var (key, name) in Users)
        {
            var role = key switch
            {
                "viewer" => DashboardRoles.Viewer,
                "operator" => DashboardRoles.Operator,
                "administrator" => DashboardRoles.Administrator,
                _ => DashboardRoles.Viewer,
            };
            await Server.CreateUserAsync(name, role);
            Tokens[key] = await CreateTokenAsync(name, role);
        }

        // The role is taken away after the token was made: the token must follow the user's roles as they are now.
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
            var nobody = await users.FindByNameAsync(Users["none"]);
            Assert.True((await users.RemoveFromRoleAsync(nobody!, DashboardRoles.Viewer)).Succeeded);
        }

        await WaitForLabAsync();
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A token made through the service, as the tokens page makes one.</summary>
    public async Task<string> CreateTokenAsync(string userName, string role, int? days = null)
    {
        var (created, error) = await Server.Services.GetRequiredService<ApiTokens>()
            .CreateAsync(new Actor(userName, role, Channels.Browser, "127.0.0.1"), "test token", days);
        Assert.True(created is not null, error);
        return created.Token;
    }

    /// <summary>A client (no cookies) sending <paramref name="token"/> as its bearer token, or nothing when null.</summary>
    public HttpClient Client(string? token)
    {
        var client = Server.NewClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>The simulated lab itself (not the dashboard's view of it).</summary>
    public SimulatedLab Lab => Server.Services.GetRequiredService<HostDirectory>().Lab!.Lab;

    /// <summary>Adds a VM (Off, static memory, the host's default version) to <see cref="LabHost"/> and waits until the API lists it.</summary>
    public async Task<Guid> AddVmAsync(string name)
    {
        var vm = Lab[LabHost].AddVm(name);
        using var client = Client(Tokens["administrator"]);
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await client.GetAsync(new Uri($"api/v1/hosts/{LabHost}/vms/{vm.Id}", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK;
        }, Patience, $"VM '{name}' to reach the inventory");
        return vm.Id;
    }

    /// <summary>Polls GET <paramref name="location"/> until the operation has ended; returns it.</summary>
    public static async Task<JsonElement> WaitForOperationAsync(HttpClient client, Uri location)
    {
        JsonElement operation = default;
        await Eventually.HoldsAsync(async () =>
        {
            operation = await client.GetFromJsonAsync<JsonElement>(location, Json);
            return operation.GetProperty("completedAt").ValueKind != JsonValueKind.Null;
        }, Patience, $"operation {location} to end");
        return operation;
    }

    /// <summary>Every audit entry, oldest first.</summary>
    public async Task<List<AuditEntry>> AuditAsync()
    {
        await using var db = await Server.Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }

    private async Task WaitForLabAsync()
    {
        using var client = Client(Tokens["administrator"]);
        await Eventually.HoldsAsync(async () =>
        {
            var hosts = await client.GetFromJsonAsync<JsonElement>(new Uri("api/v1/hosts", UriKind.Relative), Json);
            return hosts.GetArrayLength() == 6 && hosts.EnumerateArray().All(h => h.GetProperty("status").GetString() == "connected");
        }, Patience, "the six lab hosts to be connected");
    }
}
