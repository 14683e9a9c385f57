using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Blueprints;
using NestedHvDashboard.Web.Inventory;
using NestedHvDashboard.Web.Tests.Blueprints;

namespace NestedHvDashboard.Web.Tests.Api;

/// <summary>/api/v1/blueprints and the hub's blueprint methods over real HTTP: import, export, refusals with path and line, audit, drift pushed live.</summary>
public sealed class ApiBlueprintTests(ApiServer api) : IClassFixture<ApiServer>
{
    private static Uri At(string path) => new($"api/v1/blueprints{path}", UriKind.Relative);

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    private async Task<HubConnection> HubAsync(string token)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(api.Server.BaseAddress, InventoryHub.Path.TrimStart('/')), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        await connection.StartAsync();
        return connection;
    }

    [Fact]
    public async Task An_operator_imports_YAML_and_gets_it_back_as_a_file_or_the_model_and_a_viewer_reads_but_cannot_import()
    {
        var file = BlueprintFiles.ExampleLab().Replace("name: example-lab", "name: api-lab", StringComparison.Ordinal);
        using var operatorClient = api.Client(api.Tokens["operator"]);
        using var viewer = api.Client(api.Tokens["viewer"]);

        using (var put = await operatorClient.PutAsync(At("/api-lab"), Yaml(file)))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Contains("saved (2 L1, 6 L2 VMs)", (await put.Content.ReadFromJsonAsync<JsonElement>(ApiServer.Json)).GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        using (var denied = await viewer.PutAsync(At("/api-lab"), Yaml(file)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }

        var list = await viewer.GetFromJsonAsync<JsonElement>(At(""), ApiServer.Json);
        var summary = list.EnumerateArray().Single(b => b.GetProperty("name").GetString() == "api-lab");
        Assert.Equal((2, 6, api.Users["operator"]), (summary.GetProperty("l1Count").GetInt32(), summary.GetProperty("l2Count").GetInt32(), summary.GetProperty("updatedBy").GetString()));

        using var asJson = await viewer.GetAsync(At("/API-LAB?format=json"));
        Assert.Equal("application/json", asJson.Content.Headers.ContentType?.MediaType);
        Assert.Equal("api-lab.json", asJson.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var exported = BlueprintText.Parse(await asJson.Content.ReadAsStringAsync());
        Assert.Equal(BlueprintFiles.Content(BlueprintText.Parse(file).Blueprint), BlueprintFiles.Content(exported.Blueprint));
        using var asYaml = await viewer.GetAsync(At("/api-lab?format=yaml"));
        Assert.Equal("application/yaml", asYaml.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("name: api-lab", await asYaml.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var model = await viewer.GetFromJsonAsync<JsonElement>(At("/api-lab"), ApiServer.Json);
        Assert.Equal("externalSwitch", model.GetProperty("l1s")[1].GetProperty("network").GetProperty("kind").GetString(), ignoreCase: true);

        var entry = (await api.AuditAsync()).Last(e => e.Action == BlueprintService.SaveAction && e.Result == AuditResults.Succeeded);
        Assert.Equal((Channels.Api, api.Users["operator"]), (entry.Channel, entry.Actor));
    }

    [Fact]
    public async Task A_bad_file_is_400_with_each_problems_path_and_line_and_a_name_unlike_the_URLs_is_refused()
    {
        using var client = api.Client(api.Tokens["operator"]);
        var file = BlueprintFiles.ExampleLab().Replace("name: example-lab", "name: bad-lab", StringComparison.Ordinal)
            .Replace("        ipAddress: 192.168.100.11", "        ipAddress: 192.168.200.11", StringComparison.Ordinal)
            .Replace("    processorCount: 4\n    memory: 16GB\n    configurationVersion", "    processorCount: four\n    memory: 16GB\n    configurationVersion", StringComparison.Ordinal);

        using var bad = await client.PutAsync(At("/bad-lab"), Yaml(file));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>(ApiServer.Json)).GetProperty("errors");
        Assert.Equal("'processorCount' must be a whole number; found 'four'. (line 11)", errors.GetProperty("l1s[0].processorCount")[0].GetString());

        using var shape = await client.PutAsync(At("/bad-lab"), Yaml(file.Replace("processorCount: four", "processorCount: 4", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.BadRequest, shape.StatusCode);
        var shapeErrors = (await shape.Content.ReadFromJsonAsync<JsonElement>(ApiServer.Json)).GetProperty("errors");
        Assert.Contains("not inside the NAT prefix", shapeErrors.GetProperty("l1s[0].l2s[1].ipAddress")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("(line 32)", shapeErrors.GetProperty("l1s[0].l2s[1].ipAddress")[0].GetString(), StringComparison.Ordinal);

        using var renamed = await client.PutAsync(At("/other-name"), Yaml(BlueprintFiles.ExampleLab()));
        Assert.Equal(HttpStatusCode.BadRequest, renamed.StatusCode);
        Assert.Contains("must be the same", await renamed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var missing = await client.GetAsync(At("/bad-lab"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains(await api.AuditAsync(), e => e.Action == BlueprintService.SaveAction && e.Result == AuditResults.Refused && e.Message!.Contains("line 11", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Apply_needs_credentials_and_a_clean_review_and_never_records_the_password_then_delete_removes_it()
    {
        using var client = api.Client(api.Tokens["operator"]);
        // On a host the dashboard does not know: the review has a problem, so apply is refused before anything runs.
        var file = BlueprintFiles.ExampleLab().Replace("name: example-lab", "name: apply-lab", StringComparison.Ordinal)
            .Replace("host: HV-WS2022-AMD", "host: HV-NOT-ADDED", StringComparison.Ordinal);
        (await client.PutAsync(At("/apply-lab"), Yaml(file))).Dispose();

        using var noCredentials = await client.PostAsJsonAsync(At("/apply-lab/apply"), new { l1Guests = new { userName = "admin" } });
        Assert.Equal(HttpStatusCode.BadRequest, noCredentials.StatusCode);
        using var refused = await client.PostAsJsonAsync(At("/apply-lab/apply"), new { l1Guests = new { userName = "lab\\admin", password = "Secret-guest-pass-9" } });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("HV-NOT-ADDED", (await refused.Content.ReadFromJsonAsync<JsonElement>(ApiServer.Json)).GetProperty("errors").ToString(), StringComparison.Ordinal);
        using var noRun = await client.GetAsync(At("/apply-lab/run"));
        Assert.Equal(HttpStatusCode.NotFound, noRun.StatusCode);
        Assert.All(await api.AuditAsync(), e => Assert.DoesNotContain("Secret-guest-pass-9", $"{e.Parameters} {e.Message} {e.Before} {e.After} {e.HostError}", StringComparison.Ordinal));
        Assert.Equal(2, (await api.AuditAsync()).Count(e => e.Action == BlueprintService.ApplyAction && e.Result == AuditResults.Refused));

        using var deleted = await client.DeleteAsync(At("/apply-lab"));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var again = await client.DeleteAsync(At("/apply-lab"));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task The_hub_lists_blueprints_and_pushes_drift_of_an_applied_blueprint_which_the_REST_drift_route_shows_too()
    {
        using var client = api.Client(api.Tokens["operator"]);
        var file = BlueprintFiles.ExampleLab().Replace("name: example-lab", "name: drift-lab", StringComparison.Ordinal);
        (await client.PutAsync(At("/drift-lab"), Yaml(file))).Dispose();
        await using var hub = await HubAsync(api.Tokens["viewer"]);
        var pushed = new TaskCompletionSource<JsonElement>();
        hub.On<JsonElement>(BlueprintHubNotifier.DriftChangedMethod, drift => pushed.TrySetResult(drift));

        var listed = await hub.InvokeAsync<JsonElement>("GetBlueprints");
        Assert.Contains(listed.EnumerateArray(), b => b.GetProperty("name").GetString() == "drift-lab");

        // A run that succeeded, as the runner stores it: drift now compares the lab, where the L1s were never made.
        var store = api.Server.Services.GetRequiredService<IBlueprintStore>();
        await store.SaveRunAsync(new BlueprintRun(Guid.NewGuid(), "drift-lab", api.Users["operator"], DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, BlueprintRunState.Succeeded, []));
        api.Server.Services.GetRequiredService<BlueprintDriftMonitor>().Refresh();

        var drift = await pushed.Task.WaitAsync(ApiServer.Patience);
        Assert.Contains(drift.EnumerateArray(), d => d.GetProperty("blueprint").GetString() == "drift-lab" && d.GetProperty("kind").GetString() == "L1Missing");
        var fromHub = await hub.InvokeAsync<JsonElement>("GetBlueprintDrift", "drift-lab");
        Assert.Equal(2, fromHub.GetArrayLength());
        var fromRest = await client.GetFromJsonAsync<JsonElement>(At("/drift-lab/drift"), ApiServer.Json);
        Assert.Equal(["L1Missing", "L1Missing"], fromRest.GetProperty("drift").EnumerateArray().Select(d => d.GetProperty("kind").GetString()));
        Assert.Contains("gone from host", fromRest.GetProperty("drift")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
