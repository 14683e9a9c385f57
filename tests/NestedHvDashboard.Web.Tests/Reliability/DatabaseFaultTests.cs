using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Tests.Access;
using NestedHvDashboard.Web.Tests.Api;

namespace NestedHvDashboard.Web.Tests.Reliability;

/// <summary>
/// The real app over HTTP while its database cannot be written: its filesystem full to the last byte (a small tmpfs),
/// or a lock held longer than the busy timeout. Reads still answer; a change is refused naming the database's reason
/// and nothing runs on the host; <c>/healthz</c> says what is wrong, and "ok" again once it is over.
/// </summary>
[Collection(DashboardServerCollection.Name)]
public sealed class DatabaseFaultTests
{
    private const string Host = ApiServer.LabHost;

    [Fact]
    public async Task A_full_disk_leaves_reads_working_refuses_changes_cleanly_and_shows_in_healthz()
    {
        using var filesystem = SmallFilesystem.Mount(48);
        var lab = await LabAsync(filesystem.Path, new Dictionary<string, string?>());
        await using var server = lab.Server;

        // Everything the database will hold is written (WAL checkpointed and truncated): the next write needs a new block.
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(filesystem.Path, "dashboard.db")};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA wal_checkpoint(TRUNCATE);";
            await checkpoint.ExecuteNonQueryAsync();
        }

        filesystem.Fill();

        await AssertDegradedAsync(lab, "database unwritable", "full");

        filesystem.Free();
        await AssertHealthyAgainAsync(lab);
    }

    [Fact]
    public async Task A_lock_held_longer_than_the_busy_timeout_leaves_reads_working_and_refuses_changes_cleanly()
    {
        var lab = await LabAsync(null, new Dictionary<string, string?> { ["Database:BusyTimeout"] = "00:00:01" });
        await using var server = lab.Server;

        await using (var holder = new SqliteConnection($"Data Source={Path.Combine(server.DataFolder, "dashboard.db")};Pooling=false"))
        {
            await holder.OpenAsync();
            await using var begin = holder.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();

            await AssertDegradedAsync(lab, "database locked", "locked");

            await using var rollback = holder.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }

        await AssertHealthyAgainAsync(lab);
    }

    // A token never used before (its first use writes LastUsedAt), a read, a change and the health check, all while broken.
    private static async Task AssertDegradedAsync(Lab lab, string health, string reason)
    {
        using (var reader = Client(lab.Server, lab.FreshToken))
        {
            using var hosts = await reader.GetAsync(new Uri("api/v1/hosts", UriKind.Relative));
            // A fresh-clone run once had 500 here (not reproduced): the answer and the server's last lines say why next time.
            Assert.True(
                hosts.StatusCode == HttpStatusCode.OK,
                $"GET api/v1/hosts answered {(int)hosts.StatusCode}: {await hosts.Content.ReadAsStringAsync()}\nThe server's last lines:\n{string.Join("\n", lab.Server.LogLines.TakeLast(30))}");
            Assert.Equal(6, (await hosts.Content.ReadFromJsonAsync<JsonElement>(ApiServer.Json)).GetArrayLength());
        }

        await Eventually.HoldsAsync(
            () => lab.Server.LogLines.Any(l => l.Contains("last use could not be written", StringComparison.Ordinal)),
            ApiServer.Patience,
            "the failed LastUsedAt write to be logged");

        using (var changer = Client(lab.Server, lab.OperatorToken))
        {
            using var posted = await changer.PostAsJsonAsync(new Uri($"api/v1/hosts/{Host}/vms/{lab.VmId}/nested", UriKind.Relative), new { enabled = true });
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
            var operation = await ApiServer.WaitForOperationAsync(changer, posted.Headers.Location!);
            Assert.Equal("refused", operation.GetProperty("status").GetString());
            var message = operation.GetProperty("message").GetString()!;
            Assert.Contains("the database cannot be written", message, StringComparison.Ordinal);
            Assert.Contains(reason, message, StringComparison.Ordinal);
            Assert.Empty(operation.GetProperty("steps").EnumerateArray());
        }

        Assert.False(lab.Simulated[Host].FindVm(lab.VmId)!.ExposeVirtualizationExtensions);

        using var anonymous = lab.Server.NewClient();
        using var healthz = await anonymous.GetAsync(new Uri("healthz", UriKind.Relative));
        var said = await healthz.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, healthz.StatusCode);
        Assert.StartsWith(health, said, StringComparison.Ordinal);
        Assert.Contains("dashboard.db", said, StringComparison.Ordinal);
    }

    private static async Task AssertHealthyAgainAsync(Lab lab)
    {
        using var anonymous = lab.Server.NewClient();
        using (var healthz = await anonymous.GetAsync(new Uri("healthz", UriKind.Relative)))
        {
            Assert.Equal((HttpStatusCode.OK, "ok"), (healthz.StatusCode, await healthz.Content.ReadAsStringAsync()));
        }

        using var changer = Client(lab.Server, lab.OperatorToken);
        using var posted = await changer.PostAsJsonAsync(new Uri($"api/v1/hosts/{Host}/vms/{lab.VmId}/nested", UriKind.Relative), new { enabled = true });
        var operation = await ApiServer.WaitForOperationAsync(changer, posted.Headers.Location!);
        Assert.Equal("succeeded", operation.GetProperty("status").GetString());
        Assert.True(lab.Simulated[Host].FindVm(lab.VmId)!.ExposeVirtualizationExtensions);
    }

    private static async Task<Lab> LabAsync(string? dataFolder, Dictionary<string, string?> settings)
    {
        var server = await DashboardServer.StartAsync(settings, dataFolder: dataFolder);
        try
        {
            await server.CreateUserAsync("olivia-db", DashboardRoles.Operator);
            await server.CreateUserAsync("victor-db", DashboardRoles.Viewer);
            var operatorToken = await TokenAsync(server, "olivia-db", DashboardRoles.Operator);
            var freshToken = await TokenAsync(server, "victor-db", DashboardRoles.Viewer);
            var simulated = server.Services.GetRequiredService<HostDirectory>().Lab!.Lab;
            var vm = simulated[Host].AddVm("db-fault-vm").Id;
            using var client = Client(server, operatorToken);
            await Eventually.HoldsAsync(async () =>
            {
                using var response = await client.GetAsync(new Uri($"api/v1/hosts/{Host}/vms/{vm}", UriKind.Relative));
                return response.StatusCode == HttpStatusCode.OK;
            }, ApiServer.Patience, "the VM to reach the inventory");
            return new Lab(server, operatorToken, freshToken, vm, simulated);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private static async Task<string> TokenAsync(DashboardServer server, string userName, string role)
    {
        var (created, error) = await server.Services.GetRequiredService<ApiTokens>()
            .CreateAsync(new Actor(userName, role, Channels.Browser, "127.0.0.1"), "fault test", null);
        Assert.True(created is not null, error);
        return created.Token;
    }

    private static HttpClient Client(DashboardServer server, string token)
    {
        var client = server.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private sealed record Lab(DashboardServer Server, string OperatorToken, string FreshToken, Guid VmId, NestedHvDashboard.Simulator.State.SimulatedLab Simulated);
}
