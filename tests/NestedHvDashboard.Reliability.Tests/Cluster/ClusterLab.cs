using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Browser.Tests;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Cluster;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Tests.Data;

namespace NestedHvDashboard.Reliability.Tests.Cluster;

/// <summary>
/// Three dashboard instances (A, B, C) as real app processes in cluster mode on one real PostgreSQL, one real redis-server and
/// one shared simulated lab (<c>Simulator:SharedFolder</c>), lease 5 s: the class fixture every cluster fact shares. Each
/// fact leaves the three running and the lab settled.
/// </summary>
public sealed class ClusterLab : IAsyncLifetime
{
    /// <summary>The lease time the instances run with.</summary>
    public static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(5);

    /// <summary>The watch's cycle (<c>Inventory:Monitor:PollInterval</c>'s default).</summary>
    public static readonly TimeSpan Cycle = TimeSpan.FromSeconds(2);

    /// <summary>The instances' ids.</summary>
    public static readonly string[] Ids = ["A", "B", "C"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly PostgresServer _postgres = new();
    private readonly HashSet<Guid> _taken = [];
    private readonly Dictionary<string, HttpClient> _clients = [];
    private PostgresTestDatabase _database = null!;

    /// <summary>The lab's folder, shared by the three instances.</summary>
    public string SharedFolder { get; } = Directory.CreateTempSubdirectory("nestedhv-cluster-lab-").FullName;

    /// <summary>The real Redis.</summary>
    public RedisServer Redis { get; private set; } = null!;

    /// <summary>The lab (its hosts' state files).</summary>
    public SharedLabFolder Lab { get; private set; } = null!;

    /// <summary>The instances by id.</summary>
    public Dictionary<string, DashboardProcess> Instances { get; } = [];

    /// <summary>An administrator's API token, valid on every instance (one database).</summary>
    public string Token { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var postgres = _postgres.InitializeAsync();
        Redis = await RedisServer.StartNewAsync();
        await postgres;
        _database = await _postgres.CreateDatabaseAsync();

        // The lab written here, before any instance starts (they find it): the generated lab with every VM ready for nested
        // virtualization (its host's newest configuration version, no dynamic memory, no checkpoint), so each fact's change runs.
        Lab = SharedLabFolder.Open(SharedFolder, GenerateLab);

        // A first: it creates the first administrator; B and C find it.
        Instances["A"] = await DashboardProcess.StartAsync(Arguments("A"));
        var others = await Task.WhenAll(DashboardProcess.StartAsync(Arguments("B")), DashboardProcess.StartAsync(Arguments("C")));
        (Instances["B"], Instances["C"]) = (others[0], others[1]);
        Token = await CreateTokenAsync();
        foreach (var id in Ids)
        {
            _clients[id] = new HttpClient { BaseAddress = Instances[id].BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            _clients[id].DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        await SettledAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        foreach (var instance in Instances.Values)
        {
            await instance.DisposeAsync();
        }

        await Redis.DisposeAsync();
        await _postgres.DisposeAsync();
        Directory.Delete(SharedFolder, recursive: true);
    }

    /// <summary>The API client of instance <paramref name="id"/> (the administrator's token).</summary>
    public HttpClient Http(string id) => _clients[id];

    /// <summary>What instance <paramref name="id"/> says it owns (<c>GET /api/v1/cluster</c>), or null when it does not answer.</summary>
    public async Task<ClusterInstanceState?> StateAsync(string id)
    {
        try
        {
            using var response = await Http(id).GetAsync(new Uri("/api/v1" + ClusterEndpoints.Path, UriKind.Relative));
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<ClusterInstanceState>(Json) : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Each lab host with the instances (among <paramref name="ids"/>, default all running) that say they own it.</summary>
    public async Task<Dictionary<string, List<string>>> OwnersAsync(IEnumerable<string>? ids = null)
    {
        var owners = Lab.HostNames.ToDictionary(h => h, _ => new List<string>(), StringComparer.OrdinalIgnoreCase);
        foreach (var id in ids ?? Ids.Where(i => Instances[i].IsRunning))
        {
            foreach (var host in (await StateAsync(id))?.OwnedHosts ?? [])
            {
                if (owners.TryGetValue(host, out var list))
                {
                    list.Add(id);
                }
            }
        }

        return owners;
    }

    /// <summary>The hosts as instance <paramref name="id"/> lists them: status and when it last read each.</summary>
    public async Task<Dictionary<string, (string Status, DateTimeOffset? ReadAt)>> HostsAsync(string id)
    {
        try
        {
            var hosts = await Http(id).GetFromJsonAsync<JsonElement[]>(new Uri("/api/v1/hosts", UriKind.Relative), Json) ?? [];
            return hosts.ToDictionary(
                h => h.GetProperty("name").GetString()!,
                h => (h.GetProperty("status").GetString()!, h.GetProperty("readAt").ValueKind == JsonValueKind.Null ? (DateTimeOffset?)null : h.GetProperty("readAt").GetDateTimeOffset()),
                StringComparer.OrdinalIgnoreCase);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return [];
        }
    }

    /// <summary>
    /// Waits until every running instance answers, every lab host has exactly one owner among them, and each lists every
    /// host Connected: the lab as an operator expects it between two events.
    /// </summary>
    public Task SettledAsync() => Eventually.HoldsAsync(
        async () =>
        {
            var running = Ids.Where(i => Instances[i].IsRunning).ToList();
            var owners = await OwnersAsync(running);
            if (owners.Values.Any(o => o.Count != 1))
            {
                return false;
            }

            foreach (var id in running)
            {
                var hosts = await HostsAsync(id);
                if (!Lab.HostNames.All(h => hosts.TryGetValue(h, out var host) && host.Status == "connected"))
                {
                    return false;
                }
            }

            return true;
        },
        TimeSpan.FromSeconds(120),
        "every host owned once and Connected on every instance");

    /// <summary>A VM of <paramref name="host"/> in <paramref name="state"/> no other fact has used, by the lab's own state.</summary>
    public (Guid Id, string Name, bool Nested) TakeVm(string host, VMState state)
    {
        lock (_taken)
        {
            var vm = Lab.Read(host, h => h.Vms.FirstOrDefault(v => v.StateAt(DateTimeOffset.UtcNow) == state && !_taken.Contains(v.Id)))
                ?? throw new InvalidOperationException($"Host {host} of the shared lab has no unused {state} VM left.");
            _taken.Add(vm.Id);
            return (vm.Id, vm.Name, vm.ExposeVirtualizationExtensions);
        }
    }

    private static SimulatedLab GenerateLab() => NestedReadyLab.MakeReady(LabScenarios.Generate(6, 20, seed: 1));

    /// <summary>The VM as the lab itself holds it (not as any instance read it).</summary>
    public SimulatedVm VmInLab(string host, Guid id) => Lab.Read(host, h => h.Vms.Single(v => v.Id == id));

    /// <summary>The audit entries of <paramref name="vmId"/>, oldest first (all instances write one database).</summary>
    public async Task<List<AuditEntry>> AuditAsync(Guid vmId)
    {
        await using var db = await _database.Factory.CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().Where(e => e.VmId == vmId).OrderBy(e => e.Id).ToListAsync();
    }

    /// <summary>Starts a nested change through instance <paramref name="id"/>'s API; the operation's id.</summary>
    public async Task<Guid> ChangeNestedAsync(string id, string host, Guid vm, bool enabled, string? whenRunning = null)
    {
        using var posted = await Http(id).PostAsJsonAsync(new Uri($"/api/v1/hosts/{host}/vms/{vm}/nested", UriKind.Relative), new { enabled, whenRunning }, Json);
        var body = await posted.Content.ReadAsStringAsync();
        Assert.True(posted.IsSuccessStatusCode, $"Instance {id} refused the change: {(int)posted.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>The operation's status on the instance that received it ("running", "succeeded", "busy", ...).</summary>
    public async Task<string?> OperationAsync(string id, Guid operation)
    {
        try
        {
            var found = await Http(id).GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/operations/{operation}", UriKind.Relative), Json);
            return found.GetProperty("status").GetString();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private string[] Arguments(string id) =>
    [
        "--Cluster:Enabled", "true", "--Cluster:InstanceId", id, "--Cluster:LeaseSeconds", LeaseTime.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        "--Database:Provider", "PostgreSQL", "--ConnectionStrings:Dashboard", _database.Settings.ConnectionString,
        "--ConnectionStrings:Redis", Redis.ConnectionString,
        "--Simulator:Enabled", "true", "--Simulator:SharedFolder", SharedFolder,
        "--Serilog:MinimumLevel:Default", "Warning",
    ];

    private async Task<string> CreateTokenAsync()
    {
        var factory = _database.Factory;
        var tokens = new ApiTokens(factory, new DbAuditTrail(factory, TimeProvider.System, NullLogger<DbAuditTrail>.Instance), TimeProvider.System);
        var (created, error) = await tokens.CreateAsync(new Actor(DashboardProcess.AdminUser, DashboardRoles.Administrator, Channels.Browser, "127.0.0.1"), "cluster-tests", 1);
        return created?.Token ?? throw new InvalidOperationException($"No API token: {error}");
    }
}
