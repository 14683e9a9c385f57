using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;

namespace NestedHvDashboard.Web.Tests.Api;

/// <summary>POST /api/v1/hosts/{host}/vms/{vm}/fixes/{ruleId} over real HTTP: the readiness list's fix service, roles and audit, channel "API".</summary>
public sealed class ApiFixTests(ApiServer api) : IClassFixture<ApiServer>
{
    private const long Gb = 1024L * 1024 * 1024;

    private static Uri Fix(Guid vm, string ruleId) => new($"api/v1/hosts/{ApiServer.LabHost}/vms/{vm}/fixes/{ruleId}", UriKind.Relative);

    // A lab VM with 2 GB startup memory, once the inventory shows it so.
    private async Task<Guid> SmallVmAsync(string name, VMState state = VMState.Off)
    {
        var id = await api.AddVmAsync(name);
        api.Lab[ApiServer.LabHost].Update(h =>
        {
            var vm = h.Vms.Find(v => v.Id == id)!;
            vm.MemoryStartupBytes = 2 * Gb;
            if (state is VMState.Running)
            {
                vm.State = VMState.Running;
                vm.RunningSince = DateTimeOffset.UtcNow;
            }
        });
        using var client = api.Client(api.Tokens["viewer"]);
        await Eventually.HoldsAsync(async () =>
        {
            var readiness = await client.GetFromJsonAsync<JsonElement>(new Uri($"api/v1/hosts/{ApiServer.LabHost}/vms/{id}/readiness", UriKind.Relative), ApiServer.Json);
            var memory = readiness.GetProperty("vmChecks").EnumerateArray().Single(c => c.GetProperty("ruleId").GetString() == "vm.startup-memory");
            var read = await client.GetFromJsonAsync<JsonElement>(new Uri($"api/v1/hosts/{ApiServer.LabHost}/vms/{id}", UriKind.Relative), ApiServer.Json);
            return memory.GetProperty("status").GetString() != "pass"
                && string.Equals(read.GetProperty("state").GetString(), state.ToString(), StringComparison.OrdinalIgnoreCase);
        }, TimeSpan.FromSeconds(30), $"VM '{name}' to read 2 GB startup memory, {state}");
        return id;
    }

    [Fact]
    public async Task An_operator_sets_4_GB_startup_memory_and_the_audit_trail_says_so()
    {
        var id = await SmallVmAsync("api-fix-memory");
        using var client = api.Client(api.Tokens["operator"]);

        using var response = await client.PostAsJsonAsync(Fix(id, "vm.startup-memory"), new { });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var operation = await ApiServer.WaitForOperationAsync(client, response.Headers.Location!);
        Assert.Equal("succeeded", operation.GetProperty("status").GetString());
        Assert.Equal(4 * Gb, api.Lab[ApiServer.LabHost].FindVm(id)!.MemoryStartupBytes);
        var entry = Assert.Single(await api.AuditAsync(), e => e.VmId == id);
        Assert.Equal(Channels.Api, entry.Channel);
        Assert.Equal("Set startup memory to 4 GB", entry.Action);
        Assert.Equal(AuditResults.Succeeded, entry.Result);
    }

    [Fact]
    public async Task A_running_vm_needs_whenRunning_a_passing_check_is_409_and_an_unknown_rule_is_400_naming_the_fixes()
    {
        var id = await SmallVmAsync("api-fix-running", VMState.Running);
        using var client = api.Client(api.Tokens["operator"]);

        using var running = await client.PostAsJsonAsync(Fix(id, "vm.startup-memory"), new { });
        Assert.Equal(HttpStatusCode.Conflict, running.StatusCode);
        Assert.Contains("The VM is Running and the change needs it Off",
            (await running.Content.ReadFromJsonAsync<JsonElement>(ApiServer.Json)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var passing = await client.PostAsJsonAsync(Fix(id, "vm.dynamic-memory"), new { });
        Assert.Equal(HttpStatusCode.Conflict, passing.StatusCode);
        Assert.Contains("is not offered: the check passes",
            (await passing.Content.ReadFromJsonAsync<JsonElement>(ApiServer.Json)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var unknown = await client.PostAsJsonAsync(Fix(id, "vm.generation"), new { whenRunning = "shutDown" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var errors = (await unknown.Content.ReadFromJsonAsync<JsonElement>(ApiServer.Json)).GetProperty("errors").GetProperty("ruleId")[0].GetString();
        Assert.Contains("'vm.generation' has no fix the dashboard makes", errors, StringComparison.Ordinal);
        Assert.Contains("vm.startup-memory", errors, StringComparison.Ordinal);

        using var shutDownFirst = await client.PostAsJsonAsync(Fix(id, "vm.startup-memory"), new { whenRunning = "shutDown" });
        Assert.Equal(HttpStatusCode.Accepted, shutDownFirst.StatusCode);
        var operation = await ApiServer.WaitForOperationAsync(client, shutDownFirst.Headers.Location!);
        Assert.Equal("succeeded", operation.GetProperty("status").GetString());
        var vm = api.Lab[ApiServer.LabHost].FindVm(id)!;
        Assert.Equal((4 * Gb, VMState.Running), (vm.MemoryStartupBytes, vm.StateAt(DateTimeOffset.UtcNow)));
    }
}
