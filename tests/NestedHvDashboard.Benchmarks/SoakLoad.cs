using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// The soak's load on the app: random nested and MAC spoofing changes through the REST API at a fixed rate (each
/// nested operation followed to its end), and SignalR hub clients reading the live feed.
/// </summary>
internal sealed class SoakLoad(Uri baseAddress, string token) : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30), DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
    private readonly ConcurrentDictionary<string, int> _errors = new();
    private readonly ConcurrentBag<Guid> _operations = [];
    private readonly ConcurrentBag<Task> _following = [];
    private readonly List<HubConnection> _clients = [];
    private long _hubItems;
    private volatile bool _stopping;
    private int _nestedAttempts;
    private int _macAttempts;

    /// <summary>Changes answered 2xx: nested operations accepted, MAC spoofing changes the host made or refused.</summary>
    public int NestedAttempts => Volatile.Read(ref _nestedAttempts);

    public int MacAttempts => Volatile.Read(ref _macAttempts);

    /// <summary>The ids of the nested operations the API accepted (each is its audit entry's correlation id).</summary>
    public IReadOnlyCollection<Guid> Operations => _operations;

    public IReadOnlyDictionary<string, int> Errors => _errors;

    public long HubItems => Interlocked.Read(ref _hubItems);

    public int HubClients => _clients.Count(c => c.State is HubConnectionState.Connected);

    public async Task<List<JsonElement>> GetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<List<JsonElement>>(Json) ?? [];
    }

    /// <summary>Every running or off VM of every host, or null (the failure counted by kind) when a listing request failed.</summary>
    public async Task<IReadOnlyList<(string Host, JsonElement Vm)>?> ListVmsAsync()
    {
        try
        {
            var vms = new List<(string Host, JsonElement Vm)>();
            foreach (var host in (await GetAsync("/api/v1/hosts")).Select(h => h.GetProperty("name").GetString()!))
            {
                vms.AddRange((await GetAsync($"/api/v1/hosts/{Uri.EscapeDataString(host)}/vms"))
                    .Where(v => v.GetProperty("state").GetString() is "Running" or "Off")
                    .Select(v => (host, v)));
            }

            return vms;
        }
        catch (HttpRequestException ex)
        {
            Error(ex.StatusCode is { } status ? string.Create(CultureInfo.InvariantCulture, $"list http {(int)status}") : $"list {ex.GetType().Name}");
            return null;
        }
        catch (TaskCanceledException)
        {
            Error("list timeout");
            return null;
        }
    }

    /// <summary>
    /// The host's status in the live view ("connected", "unreachable", ...), or null when it is not listed or the request
    /// failed (counted by kind: the token's rate limit answers 429 when the polling is too eager).
    /// </summary>
    public async Task<string?> HostStatusAsync(string host)
    {
        try
        {
            return (await GetAsync("/api/v1/hosts")).FirstOrDefault(h => h.GetProperty("name").GetString() == host) is { ValueKind: JsonValueKind.Object } found
                ? found.GetProperty("status").GetString()
                : null;
        }
        catch (HttpRequestException ex)
        {
            Error(ex.StatusCode is { } status ? string.Create(CultureInfo.InvariantCulture, $"host status http {(int)status}") : $"host status {ex.GetType().Name}");
            return null;
        }
        catch (TaskCanceledException)
        {
            Error("host status timeout");
            return null;
        }
    }

    public async Task StartHubClientsAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(_http.BaseAddress!, "/hubs/inventory"), HttpTransportType.WebSockets, o =>
                {
                    o.SkipNegotiation = true;
                    o.AccessTokenProvider = () => Task.FromResult<string?>(_http.DefaultRequestHeaders.Authorization!.Parameter);
                })
                .WithAutomaticReconnect()
                .Build();
            await connection.StartAsync();
            _clients.Add(connection);
            _ = ReadAsync(connection);
        }
    }

    /// <summary>One random change on one of <paramref name="vms"/>: nested on/off with shut down or turn off (3 in 4), else MAC spoofing.</summary>
    public async Task ChangeAsync(IReadOnlyList<(string Host, JsonElement Vm)> vms, Random random)
    {
        if (vms.Count == 0)
        {
            return;
        }

        var (host, vm) = vms[random.Next(vms.Count)];
        var path = $"/api/v1/hosts/{Uri.EscapeDataString(host)}/vms/{vm.GetProperty("id").GetGuid()}";
        try
        {
            if (random.Next(4) < 3)
            {
                var body = new { enabled = !vm.GetProperty("nestedVirtualization").GetBoolean(), whenRunning = random.Next(2) == 0 ? "shutDown" : "turnOff" };
                using var response = await _http.PostAsJsonAsync(new Uri(path + "/nested", UriKind.Relative), body, Json);
                if (Count(response, "nested") && await response.Content.ReadFromJsonAsync<JsonElement>(Json) is { ValueKind: JsonValueKind.Object } operation)
                {
                    Interlocked.Increment(ref _nestedAttempts);
                    var id = operation.GetProperty("id").GetGuid();
                    _operations.Add(id);
                    _following.Add(FollowAsync(id));
                }
            }
            else
            {
                using var response = await _http.PutAsJsonAsync(new Uri(path + "/adapters/mac-spoofing", UriKind.Relative), new { enabled = random.Next(2) == 0 }, Json);
                if (Count(response, "mac-spoofing"))
                {
                    Interlocked.Increment(ref _macAttempts);
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Error($"request {ex.GetType().Name}");
        }
    }

    /// <summary>Waits (bounded) until every accepted nested operation has ended.</summary>
    public async Task DrainAsync(TimeSpan limit)
    {
        using var bound = new CancellationTokenSource(limit);
        try
        {
            await Task.WhenAll(_following).WaitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            Error("operation still running at the end");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        _http.Dispose();
    }

    private bool Count(HttpResponseMessage response, string what)
    {
        if (response.IsSuccessStatusCode)
        {
            return true;
        }

        Error(string.Create(CultureInfo.InvariantCulture, $"{what} http {(int)response.StatusCode}"));
        return false;
    }

    // Polls the operation until it is no longer running and counts how it ended (the API keeps the last 500).
    private async Task FollowAsync(Guid id)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            try
            {
                using var response = await _http.GetAsync(new Uri($"/api/v1/operations/{id}", UriKind.Relative));
                if (response.StatusCode is HttpStatusCode.NotFound)
                {
                    Error("operation forgotten before it was read");
                    return;
                }

                var operation = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
                var status = operation.GetProperty("status").GetString();
                if (status != "running")
                {
                    if (status is not ("succeeded" or "noChange"))
                    {
                        Error($"operation {status}");
                    }

                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
            {
                Error($"operation poll {ex.GetType().Name}");
            }
        }
    }

    private async Task ReadAsync(HubConnection connection)
    {
        try
        {
            await foreach (var _ in connection.StreamAsync<JsonElement>("Subscribe", (string?)null))
            {
                Interlocked.Increment(ref _hubItems);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException && !_stopping)
        {
            Error($"hub {ex.GetType().Name}");
        }
    }

    private void Error(string kind) => _errors.AddOrUpdate(kind, 1, (_, n) => n + 1);
}
