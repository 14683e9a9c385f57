using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Tests.Api;

namespace NestedHvDashboard.Web.Tests.Reliability;

/// <summary>
/// The attack probe's burst, repeated over real HTTP against the real app: 50 simultaneous nested changes by an Operator
/// across 26 VMs, with a Viewer's refused POSTs among them, five times. Every attempt leaves exactly one complete audit
/// entry, and what the API and the trail report is what the host did.
/// </summary>
public sealed class ConcurrentAuditTests(ApiServer api) : IClassFixture<ApiServer>
{
    private const int Vms = 26;
    private const int Changes = 50;
    private const int Denials = 10;
    private const int Runs = 5;

    [Fact]
    public async Task Fifty_concurrent_changes_five_times_leave_one_complete_entry_each_that_matches_the_host()
    {
        var ids = await AddVmsAsync();
        using var operatorClient = api.Client(api.Tokens["operator"]);
        using var viewerClient = api.Client(api.Tokens["viewer"]);

        for (var run = 0; run < Runs; run++)
        {
            var enable = run % 2 == 0;
            // Repeated denials share a row and count on it (RepeatCount): every refused attempt is counted, none lost.
            var deniedBefore = (await api.AuditAsync()).Where(e => e.Actor == api.Users["viewer"] && e.Result == AuditResults.Denied).Sum(e => e.RepeatCount);
            var changes = Enumerable.Range(0, Changes).Select(i => PostAsync(operatorClient, ids[i % Vms], enable));
            var denials = Enumerable.Range(0, Denials).Select(i => PostAsync(viewerClient, ids[i % Vms], enable));
            var answers = await Task.WhenAll(changes.Concat(denials));

            var operations = answers[..Changes];
            Assert.All(operations, a => Assert.True(a.Status == HttpStatusCode.Accepted, $"run {run}: an Operator's POST answered {a.Status}: {a.Body}"));
            Assert.All(answers[Changes..], a => Assert.True(a.Status == HttpStatusCode.Forbidden, $"run {run}: a Viewer's POST answered {a.Status}: {a.Body}"));

            var ended = await Task.WhenAll(operations.Select(a => ApiServer.WaitForOperationAsync(operatorClient, a.Location!)));
            foreach (var operation in ended)
            {
                var status = operation.GetProperty("status").GetString();
                Assert.True(status is "succeeded" or "noChange" or "busy", $"run {run}: operation ended {status}: {operation.GetProperty("message").GetString()}");
            }

            var entries = await api.AuditAsync();
            foreach (var operation in ended)
            {
                var id = operation.GetProperty("id").GetGuid();
                var entry = Assert.Single(entries, e => e.CorrelationId == id);
                var expected = operation.GetProperty("status").GetString() == "busy" ? AuditResults.Refused : AuditResults.Succeeded;
                Assert.True(entry.Result == expected, $"run {run}: audit entry {entry.Id} is {entry.Result} ({entry.Message}) for an operation that ended {operation.GetProperty("status").GetString()}");
                Assert.NotNull(entry.CompletedAt);
                if (expected == AuditResults.Succeeded)
                {
                    Assert.Contains($"nested {(enable ? "on" : "off")}", entry.After, StringComparison.Ordinal);
                }
            }

            var deniedAfter = entries.Where(e => e.Actor == api.Users["viewer"] && e.Result == AuditResults.Denied).Sum(e => e.RepeatCount);
            Assert.Equal(Denials, deniedAfter - deniedBefore);

            // Each VM had at least one change that went through: the host has what the trail says.
            foreach (var vm in ids)
            {
                Assert.Contains(ended, o => o.GetProperty("vmId").GetGuid() == vm && o.GetProperty("status").GetString() is "succeeded" or "noChange");
                Assert.Equal((vm, enable), (vm, api.Lab[ApiServer.LabHost].FindVm(vm)!.ExposeVirtualizationExtensions));
            }
        }

        Assert.DoesNotContain(await api.AuditAsync(), e => e.Result == AuditResults.Started);
    }

    private async Task<Guid[]> AddVmsAsync()
    {
        var ids = Enumerable.Range(0, Vms).Select(i => api.Lab[ApiServer.LabHost].AddVm($"burst-{i:00}").Id).ToArray();
        using var client = api.Client(api.Tokens["administrator"]);
        await Eventually.HoldsAsync(async () =>
        {
            var listed = await client.GetFromJsonAsync<JsonElement>(new Uri($"api/v1/hosts/{ApiServer.LabHost}/vms", UriKind.Relative), ApiServer.Json);
            var seen = listed.EnumerateArray().Select(v => v.GetProperty("id").GetGuid()).ToHashSet();
            return ids.All(seen.Contains);
        }, ApiServer.Patience, $"the {Vms} VMs to reach the inventory");
        return ids;
    }

    private static async Task<Answer> PostAsync(HttpClient client, Guid vm, bool enable)
    {
        using var response = await client.PostAsJsonAsync(
            new Uri($"api/v1/hosts/{ApiServer.LabHost}/vms/{vm}/nested", UriKind.Relative), new { enabled = enable });
        return new Answer(response.StatusCode, response.Headers.Location, await response.Content.ReadAsStringAsync());
    }

    private sealed record Answer(HttpStatusCode Status, Uri? Location, string Body);
}
