using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;

namespace NestedHvDashboard.Web.Tests.Api;

/// <summary>A VM name full of PowerShell travels through the API as data: it reaches exactly its VM and is stored verbatim.</summary>
public sealed class MaliciousVmNameTests(ApiServer api) : IClassFixture<ApiServer>
{
    public static readonly string[] Names = ["x'; Remove-Item C:\\ -Recurse; '", "$(Get-Process)", "\"; Stop-Computer; \""];

    [Fact]
    public async Task Nested_is_enabled_by_name_on_exactly_that_VM_and_the_audit_keeps_the_name_verbatim()
    {
        var ids = new Dictionary<string, Guid>();
        foreach (var name in Names)
        {
            ids[name] = await api.AddVmAsync(name);
        }

        var before = LabState();
        using var client = api.Client(api.Tokens["operator"]);
        foreach (var name in Names)
        {
            using var response = await client.PostAsJsonAsync(
                new Uri($"api/v1/hosts/{ApiServer.LabHost}/vms/{Uri.EscapeDataString(name)}/nested", UriKind.Relative), new { enabled = true });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var operation = await ApiServer.WaitForOperationAsync(client, response.Headers.Location!);
            Assert.Equal("succeeded", operation.GetProperty("status").GetString());
            Assert.Equal(name, operation.GetProperty("vmName").GetString());
            Assert.Equal(ids[name], operation.GetProperty("vmId").GetGuid());

            var vm = await client.GetFromJsonAsync<JsonElement>(new Uri($"api/v1/hosts/{ApiServer.LabHost}/vms/{ids[name]}", UriKind.Relative), ApiServer.Json);
            Assert.Equal(name, vm.GetProperty("name").GetString());
        }

        var after = LabState();
        foreach (var (key, state) in before)
        {
            var changed = Names.Any(n => key.EndsWith($"/{ids[n]}", StringComparison.Ordinal));
            Assert.True(changed ? after[key] == state.Replace("nested=False", "nested=True", StringComparison.Ordinal) : after[key] == state, $"{key}: {state} → {after[key]}");
        }

        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        var audit = await api.AuditAsync();
        foreach (var name in Names)
        {
            var entry = Assert.Single(audit, e => e.VmId == ids[name]);
            Assert.Equal(name, entry.VmName);
            Assert.Equal(Channels.Api, entry.Channel);
            Assert.Equal(AuditResults.Succeeded, entry.Result);
        }
    }

    /// <summary>Every simulated VM's settings (not its live metrics), by host and id.</summary>
    private Dictionary<string, string> LabState() =>
        api.Lab.Hosts.SelectMany(h => h.Read(x => x.Vms.Select(v => (
            Key: $"{x.Name}/{v.Id}",
            State: $"name={v.Name} state={v.State} nested={v.ExposeVirtualizationExtensions} dm={v.DynamicMemoryEnabled} mem={v.MemoryStartupBytes} cpus={v.ProcessorCount} " +
                $"version={v.Version} checkpoints={v.Checkpoints.Count} adapters={string.Join(",", v.NetworkAdapters.Select(a => $"{a.Name}:{a.MacAddress}:{a.MacAddressSpoofing}"))}")).ToList()))
            .ToDictionary(p => p.Key, p => p.State);
}
