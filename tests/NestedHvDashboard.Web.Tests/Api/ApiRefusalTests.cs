using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;

namespace NestedHvDashboard.Web.Tests.Api;

/// <summary>Refusals before any service runs are audited, and a body that cannot be bound is a problem naming the field.</summary>
public sealed partial class ApiNestedTests
{
    private static Uri NestedOn(string host, string vm) => new($"api/v1/hosts/{host}/vms/{Uri.EscapeDataString(vm)}/nested", UriKind.Relative);

    [Fact]
    public async Task Every_refusal_of_a_change_is_stored_as_refused_with_its_reason()
    {
        var id = await api.AddVmAsync("api-refused-vm");
        api.Lab[ApiServer.LabHost].FindVm(id)!.State = NestedHvDashboard.Simulator.HyperV.VMState.Running;
        await Eventually.HoldsAsync(async () =>
        {
            using var probe = api.Client(api.Tokens["operator"]);
            var vm = await probe.GetFromJsonAsync<JsonElement>(new Uri($"api/v1/hosts/{ApiServer.LabHost}/vms/{id}", UriKind.Relative), ApiServer.Json);
            return vm.GetProperty("state").GetString() == "Running";
        }, ApiServer.Patience, "the VM to show Running");
        using var client = api.Client(api.Tokens["operator"]);

        (HttpStatusCode Status, string Reason)[] expected =
        [
            (HttpStatusCode.Conflict, "is Running"),
            (HttpStatusCode.BadRequest, "enabled: Required"),
            (HttpStatusCode.BadRequest, "whenRunning: 'later' is not a choice"),
            (HttpStatusCode.BadRequest, "enabled: 'enabled' must be true or false"),
        ];
        HttpContent[] bodies =
        [
            JsonContent.Create(new { enabled = true }),
            JsonContent.Create(new { whenRunning = "shutDown" }),
            JsonContent.Create(new { enabled = true, whenRunning = "later" }),
            new StringContent("{\"enabled\":\"yes\"}", Encoding.UTF8, "application/json"),
        ];
        for (var i = 0; i < bodies.Length; i++)
        {
            using var response = await client.PostAsync(NestedOn(ApiServer.LabHost, "api-refused-vm"), bodies[i]);
            Assert.Equal(expected[i].Status, response.StatusCode);
        }

        using (var noHost = await client.PostAsJsonAsync(NestedOn("NO-SUCH-HOST", "x"), new { enabled = true }))
        {
            Assert.Equal(HttpStatusCode.NotFound, noHost.StatusCode);
        }

        using (var noVm = await client.PutAsJsonAsync(new Uri($"api/v1/hosts/{ApiServer.LabHost}/vms/api-refused-missing/adapters/mac-spoofing", UriKind.Relative), new { enabled = true }))
        {
            Assert.Equal(HttpStatusCode.NotFound, noVm.StatusCode);
        }

        var trail = await api.AuditAsync();
        var refused = trail.Where(e => e.VmName == "api-refused-vm").ToList();
        Assert.Equal(expected.Length, refused.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(AuditResults.Refused, refused[i].Result);
            Assert.Equal(Channels.Api, refused[i].Channel);
            Assert.Equal(api.Users["operator"], refused[i].Actor);
            Assert.Equal(ApiServer.LabHost, refused[i].Host);
            Assert.Equal("API POST /api/v1/hosts/{host}/vms/{vm}/nested", refused[i].Action);
            Assert.Contains(expected[i].Reason, refused[i].Message, StringComparison.Ordinal);
            Assert.EndsWith("Nothing was changed.", refused[i].Message, StringComparison.Ordinal);
            Assert.NotNull(refused[i].CompletedAt);
        }

        var host = Assert.Single(trail, e => e.Host == "NO-SUCH-HOST");
        Assert.Equal(AuditResults.Refused, host.Result);
        Assert.Contains("no host named 'NO-SUCH-HOST'", host.Message, StringComparison.Ordinal);
        var vmMissing = Assert.Single(trail, e => e.VmName == "api-refused-missing");
        Assert.Equal(AuditResults.Refused, vmMissing.Result);
        Assert.Contains("no VM with the id or name 'api-refused-missing'", vmMissing.Message, StringComparison.Ordinal);
        Assert.False(api.Lab[ApiServer.LabHost].FindVm(id)!.ExposeVirtualizationExtensions);
    }

    public static TheoryData<string, string?, string, string> UnreadableBodies => new()
    {
        { "wrong type", "{\"enabled\":\"yes\"}", "enabled", "'enabled' must be true or false" },
        { "wrong type of an optional field", "{\"enabled\":true,\"whenRunning\":5}", "whenRunning", "'whenRunning' must be a string" },
        { "malformed JSON", "{\"enabled\": tru", "enabled", "'enabled' must be true or false" },
        { "not an object", "[1,2]", "body", "The body is not a JSON object" },
        { "empty body", "", "body", "A JSON body is required" },
        { "not JSON", null, "body", "The body must be JSON with Content-Type: application/json" },
    };

    [Theory]
    [MemberData(nameof(UnreadableBodies))]
    public async Task A_body_that_cannot_be_bound_is_a_problem_naming_the_field_and_no_header_is_logged(string what, string? json, string field, string message)
    {
        var token = api.Tokens["operator"];
        using var client = api.Client(token);
        using var content = json is null ? new StringContent("enabled=yes", Encoding.UTF8, "text/plain") : new StringContent(json, Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(NestedOn(ApiServer.LabHost, "web-03"), content);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Authorization", text, StringComparison.OrdinalIgnoreCase);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Contains(message, problem.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(api.Server.LogLines, l => l.Contains(token, StringComparison.Ordinal) || l.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase));
    }
}
