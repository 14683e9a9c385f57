using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;

namespace NestedHvDashboard.Web.Tests.Api;

/// <summary>POST /api/v1/hosts/{host}/vms/{vm}/power over real HTTP: the power bar's service, roles and audit, channel "API".</summary>
public sealed class ApiPowerTests(ApiServer api) : IClassFixture<ApiServer>
{
    private static Uri Power(string vm) => new($"api/v1/hosts/{ApiServer.LabHost}/vms/{Uri.EscapeDataString(vm)}/power", UriKind.Relative);

    [Fact]
    public async Task An_operator_starts_an_Off_VM_and_polls_the_operation_to_the_end()
    {
        var id = await api.AddVmAsync("api-power-vm");
        using var client = api.Client(api.Tokens["operator"]);

        using var response = await client.PostAsJsonAsync(Power(id.ToString()), new { action = "start" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var operation = await ApiServer.WaitForOperationAsync(client, response.Headers.Location!);
        Assert.Equal("succeeded", operation.GetProperty("status").GetString());
        Assert.Equal(VMState.Running, api.Lab[ApiServer.LabHost].FindVm(id)!.StateAt(DateTimeOffset.UtcNow));
        var entry = Assert.Single(await api.AuditAsync(), e => e.VmId == id);
        Assert.Equal(Channels.Api, entry.Channel);
        Assert.Equal("Start VM", entry.Action);
        Assert.Equal(AuditResults.Succeeded, entry.Result);
    }

    [Fact]
    public async Task An_action_the_state_does_not_allow_is_409_with_the_reason_and_an_unknown_action_is_400_naming_the_choices()
    {
        var id = await api.AddVmAsync("api-power-off-vm");
        using var client = api.Client(api.Tokens["operator"]);

        using var conflict = await client.PostAsJsonAsync(Power(id.ToString()), new { action = "resume" });
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var problem = await conflict.Content.ReadFromJsonAsync<JsonElement>(ApiServer.Json);
        Assert.Contains("The VM is Off; only a paused VM can be resumed.", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var unknown = await client.PostAsJsonAsync(Power(id.ToString()), new { action = "explode" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var errors = (await unknown.Content.ReadFromJsonAsync<JsonElement>(ApiServer.Json)).GetProperty("errors").GetProperty("action")[0].GetString();
        Assert.Contains("'explode' is not an action", errors, StringComparison.Ordinal);
        Assert.Contains("deleteSavedState", errors, StringComparison.Ordinal);
        Assert.Equal(VMState.Off, api.Lab[ApiServer.LabHost].FindVm(id)!.StateAt(DateTimeOffset.UtcNow));
    }
}
