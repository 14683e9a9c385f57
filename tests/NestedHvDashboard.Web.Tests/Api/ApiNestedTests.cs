using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;

namespace NestedHvDashboard.Web.Tests.Api;

/// <summary>Changes through the API over real HTTP: the same services (roles, audit) as the pages, with the channel "API".</summary>
public sealed partial class ApiNestedTests(ApiServer api) : IClassFixture<ApiServer>
{
    private static Uri Vm(string vm) => new($"api/v1/hosts/{ApiServer.LabHost}/vms/{Uri.EscapeDataString(vm)}", UriKind.Relative);

    private static Uri Nested(string vm) => new($"api/v1/hosts/{ApiServer.LabHost}/vms/{Uri.EscapeDataString(vm)}/nested", UriKind.Relative);

    [Fact]
    public async Task An_operator_turns_nested_on_for_an_Off_VM_and_polls_the_operation_to_the_end()
    {
        var id = await api.AddVmAsync("api-operator-vm");
        using var client = api.Client(api.Tokens["operator"]);

        using var response = await client.PostAsJsonAsync(Nested(id.ToString()), new { enabled = true });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!;
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>(ApiServer.Json);
        var operationId = accepted.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/operations/{operationId}", location.OriginalString);
        Assert.Equal("api-operator-vm", accepted.GetProperty("vmName").GetString());

        var operation = await ApiServer.WaitForOperationAsync(client, location);
        Assert.Equal("succeeded", operation.GetProperty("status").GetString());
        Assert.Contains(operation.GetProperty("steps").EnumerateArray(), s => s.GetProperty("kind").GetString() == "SetNestedVirtualization" && s.GetProperty("status").GetString() == "done");
        Assert.True(api.Lab[ApiServer.LabHost].FindVm(id)!.ExposeVirtualizationExtensions);

        await Eventually.HoldsAsync(async () =>
        {
            var vm = await client.GetFromJsonAsync<JsonElement>(Vm(id.ToString()), ApiServer.Json);
            return vm.GetProperty("nestedVirtualization").GetBoolean();
        }, ApiServer.Patience, "the feed to show nested on");

        var entry = Assert.Single(await api.AuditAsync(), e => e.VmId == id);
        Assert.Equal(Channels.Api, entry.Channel);
        Assert.Equal(api.Users["operator"], entry.Actor);
        Assert.Equal(DashboardRoles.Operator, entry.Role);
        Assert.Equal("Enable nested", entry.Action);
        Assert.Equal(AuditResults.Succeeded, entry.Result);
        Assert.Equal(operationId, entry.CorrelationId);
        Assert.Equal("127.0.0.1", entry.RemoteAddress);
    }

    [Fact]
    public async Task A_viewer_reads_everything_but_its_change_is_refused_with_403_and_stored_as_denied()
    {
        var id = await api.AddVmAsync("api-viewer-vm");
        using var client = api.Client(api.Tokens["viewer"]);
        foreach (var path in new[] { "api/v1/hosts", $"api/v1/hosts/{ApiServer.LabHost}", $"api/v1/hosts/{ApiServer.LabHost}/vms", $"api/v1/hosts/{ApiServer.LabHost}/vms/{id}", $"api/v1/hosts/{ApiServer.LabHost}/vms/api-viewer-vm/readiness" })
        {
            using var read = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(read.StatusCode == HttpStatusCode.OK, $"GET {path}: {read.StatusCode}");
        }

        using var refused = await client.PostAsJsonAsync(Nested("api-viewer-vm"), new { enabled = true });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.False(api.Lab[ApiServer.LabHost].FindVm(id)!.ExposeVirtualizationExtensions);
        var denied = Assert.Single(await api.AuditAsync(), e => e.Actor == api.Users["viewer"] && e.Result == AuditResults.Denied && e.VmName == "api-viewer-vm");
        Assert.Equal(Channels.Api, denied.Channel);
        Assert.Contains("Operator role", denied.Message, StringComparison.Ordinal);
        Assert.Contains(api.Server.LogLines, l => l.Contains("was refused", StringComparison.Ordinal) && l.Contains("POST", StringComparison.Ordinal) && l.Contains("/nested", StringComparison.Ordinal) && l.Contains(api.Users["viewer"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_running_VM_needs_a_choice_and_bad_requests_name_the_field()
    {
        using var client = api.Client(api.Tokens["administrator"]);
        var before = api.Lab[ApiServer.LabHost].FindVm("web-01")!;
        Assert.False(before.ExposeVirtualizationExtensions);

        using (var conflict = await client.PostAsJsonAsync(Nested("web-01"), new { enabled = true }))
        {
            Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
            var problem = await conflict.Content.ReadFromJsonAsync<JsonElement>(ApiServer.Json);
            var detail = problem.GetProperty("detail").GetString()!;
            Assert.Contains("'web-01'", detail, StringComparison.Ordinal);
            Assert.Contains("shutDown", detail, StringComparison.Ordinal);
            Assert.Contains("turnOff", detail, StringComparison.Ordinal);
            Assert.Contains("nextShutdown", detail, StringComparison.Ordinal);
        }

        using (var missing = await client.PostAsJsonAsync(Nested("web-01"), new { whenRunning = "shutDown" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
            var problem = await missing.Content.ReadFromJsonAsync<JsonElement>(ApiServer.Json);
            Assert.True(problem.GetProperty("errors").TryGetProperty("enabled", out _));
        }

        using (var wrong = await client.PostAsJsonAsync(Nested("web-01"), new { enabled = true, whenRunning = "later" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            var problem = await wrong.Content.ReadFromJsonAsync<JsonElement>(ApiServer.Json);
            Assert.Contains("later", problem.GetProperty("errors").GetProperty("whenRunning")[0].GetString(), StringComparison.Ordinal);
        }

        using (var noHost = await client.GetAsync(new Uri("api/v1/hosts/NO-SUCH-HOST/vms", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, noHost.StatusCode);
            Assert.Contains("'NO-SUCH-HOST'", (await noHost.Content.ReadFromJsonAsync<JsonElement>(ApiServer.Json)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using (var noVm = await client.PostAsJsonAsync(Nested("no-such-vm"), new { enabled = true }))
        {
            Assert.Equal(HttpStatusCode.NotFound, noVm.StatusCode);
            Assert.Contains("'no-such-vm'", (await noVm.Content.ReadFromJsonAsync<JsonElement>(ApiServer.Json)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.False(api.Lab[ApiServer.LabHost].FindVm("web-01")!.ExposeVirtualizationExtensions);
        // Each refusal is in the trail (running VM, missing field, wrong choice), none of them as a change that ran.
        Assert.Equal([AuditResults.Refused, AuditResults.Refused, AuditResults.Refused], (await api.AuditAsync()).Where(e => e.VmName == "web-01").Select(e => e.Result));
    }

    [Fact]
    public async Task Next_shutdown_leaves_the_change_pending_and_mac_spoofing_is_set_per_adapter()
    {
        using var client = api.Client(api.Tokens["operator"]);
        using (var deferred = await client.PostAsJsonAsync(Nested("web-02"), new { enabled = true, whenRunning = "nextShutdown" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, deferred.StatusCode);
            var operation = await ApiServer.WaitForOperationAsync(client, deferred.Headers.Location!);
            Assert.Equal("deferred", operation.GetProperty("status").GetString());
        }

        var vm = await client.GetFromJsonAsync<JsonElement>(Vm("web-02"), ApiServer.Json);
        Assert.True(vm.GetProperty("pendingChange").GetProperty("enable").GetBoolean());

        var id = await api.AddVmAsync("api-mac-vm");
        var adapter = api.Lab[ApiServer.LabHost].FindVm(id)!.NetworkAdapters.Single().Name;
        using (var set = await client.PutAsJsonAsync(new Uri($"api/v1/hosts/{ApiServer.LabHost}/vms/{id}/adapters/{Uri.EscapeDataString(adapter)}/mac-spoofing", UriKind.Relative), new { enabled = true }))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
            var after = await set.Content.ReadFromJsonAsync<JsonElement>(ApiServer.Json);
            Assert.True(after.GetProperty("networkAdapters")[0].GetProperty("macAddressSpoofing").GetBoolean());
        }

        Assert.True(api.Lab[ApiServer.LabHost].FindVm(id)!.NetworkAdapters.Single().MacAddressSpoofing);
        using (var noAdapter = await client.PutAsJsonAsync(new Uri($"api/v1/hosts/{ApiServer.LabHost}/vms/{id}/adapters/nope/mac-spoofing", UriKind.Relative), new { enabled = true }))
        {
            Assert.Equal(HttpStatusCode.NotFound, noAdapter.StatusCode);
        }

        using (var all = await client.PutAsJsonAsync(new Uri($"api/v1/hosts/{ApiServer.LabHost}/vms/{id}/adapters/mac-spoofing", UriKind.Relative), new { enabled = false }))
        {
            Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        }

        Assert.False(api.Lab[ApiServer.LabHost].FindVm(id)!.NetworkAdapters.Single().MacAddressSpoofing);
        var entries = (await api.AuditAsync()).Where(e => e.VmId == id).ToList();
        Assert.Equal(["MAC spoofing on", "MAC spoofing off"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(Channels.Api, e.Channel));
    }
}
