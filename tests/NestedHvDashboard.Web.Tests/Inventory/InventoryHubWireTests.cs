using System.Buffers;
using System.Text.Json;
using MessagePack;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Web.Inventory;

namespace NestedHvDashboard.Web.Tests.Inventory;

/// <summary>What a client outside .NET reads from the hub: enums as names, and each VM's readiness in the stream.</summary>
public sealed class InventoryHubWireTests : InventoryHubTestBase
{
    private static readonly Guid A = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid B = Guid.Parse("00000000-0000-0000-0000-00000000000b");

    [Fact]
    public async Task The_JSON_protocol_writes_enums_as_their_names()
    {
        Store.SetHostStatus("hv1", new HostStatus(HostConnectionState.Connected, DateTimeOffset.UtcNow));
        Store.ApplyInventory("hv1", Read("hv1", Vm(A, "lab-dc")));
        await using var connection = await ConnectAsync(messagePack: false);
        using var stop = new CancellationTokenSource();
        // JsonElement: the items as the server wrote them, as a JavaScript client gets them.
        await using var stream = connection.StreamAsync<JsonElement>("Subscribe", null, stop.Token).GetAsyncEnumerator(stop.Token);

        var snapshot = await NextAsync(stream);
        var host = snapshot.GetProperty("hosts")[0];
        Assert.Equal("Connected", host.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("Amd", host.GetProperty("facts").GetProperty("processorVendor").GetString());
        Assert.Contains("\"state\":\"Running\"", host.GetProperty("vms")[0].GetRawText(), StringComparison.Ordinal);
        var readiness = Assert.Single(snapshot.GetProperty("readiness").EnumerateArray());
        Assert.Equal(A, readiness.GetProperty("vmId").GetGuid());
        Assert.Equal(JsonValueKind.String, readiness.GetProperty("worst").ValueKind);

        Store.ApplyInventory("hv1", Read("hv1", Vm(A, "lab-dc") with { State = Core.VirtualMachines.VmState.Off }));
        var change = (await NextAsync(stream)).GetProperty("changes")[0];
        Assert.Equal("VmChanged", change.GetProperty("kind").GetString());
        Assert.Equal("Off", change.GetProperty("vm").GetProperty("state").GetString());
    }

    [Fact]
    public void The_MessagePack_protocol_writes_enums_as_their_names()
    {
        Store.SetHostStatus("hv1", new HostStatus(HostConnectionState.Connected, DateTimeOffset.UtcNow));
        Store.ApplyInventory("hv1", Read("hv1", Vm(A, "lab-dc")));
        var protocol = Services.GetServices<IHubProtocol>().Single(p => p.Name == "messagepack");
        var written = new ArrayBufferWriter<byte>();
        protocol.WriteMessage(new StreamItemMessage("1", InventoryStreamItem.Snapshot(Store.GetSnapshot())), written);

        // A binary hub message is a varint length, then the MessagePack array [type, headers, id, item].
        var frame = written.WrittenMemory;
        var prefix = 0;
        while ((frame.Span[prefix++] & 0x80) != 0)
        {
        }

        var json = MessagePackSerializer.ConvertToJson(frame[prefix..]);
        Assert.Contains("\"State\":\"Connected\"", json, StringComparison.Ordinal);
        Assert.Contains("\"ProcessorVendor\":\"Amd\"", json, StringComparison.Ordinal);
        Assert.Contains("\"State\":\"Running\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Each_item_carries_the_readiness_of_the_VMs_it_is_about(bool messagePack)
    {
        Store.ApplyInventory("hv1", Read("hv1", Vm(A, "a"), Vm(B, "b")));
        Store.SetHostStatus("hv2", new HostStatus(HostConnectionState.Connecting, DateTimeOffset.UtcNow));
        await using var connection = await ConnectAsync(messagePack);
        using var stop = new CancellationTokenSource();
        await using var stream = connection.StreamAsync<InventoryStreamItem>("Subscribe", null, stop.Token).GetAsyncEnumerator(stop.Token);

        // The snapshot: every VM of a host that answered, summed up as the VM page's checklist.
        var snapshot = await NextAsync(stream);
        Assert.Equal([A, B], snapshot.Readiness.Select(r => r.VmId));
        var expected = VmReadiness.Of("hv1", Facts("hv1"), Vm(A, "a"));
        Assert.Equal((expected.Host, expected.Worst), (snapshot.Readiness[0].Host, snapshot.Readiness[0].Worst));
        Assert.Empty(snapshot.Readiness[0].FailingRuleIds);

        // A VM that changes: its readiness comes with the change, the other VM's does not.
        Store.ApplyInventory("hv1", Read("hv1", Vm(A, "a") with { ProcessorCount = 4 }, Vm(B, "b")));
        var changed = await NextAsync(stream);
        Assert.Equal(InventoryStreamItem.ChangesKind, changed.Kind);
        Assert.Equal([A], changed.Readiness.Select(r => r.VmId));

        // Host facts that fail a host rule: every VM of the host fails vm.host-support.
        var other = Facts("hv1") with { ProcessorVendor = ProcessorVendor.Other, ProcessorManufacturer = "Some maker" };
        Store.ApplyInventory("hv1", new HostInventory(other, [Vm(A, "a") with { ProcessorCount = 4 }, Vm(B, "b")], DateTimeOffset.UtcNow));
        var refreshed = await NextAsync(stream);
        Assert.Contains(refreshed.Changes, c => c.Kind == InventoryChangeKind.HostChanged);
        Assert.Equal([A, B], refreshed.Readiness.Select(r => r.VmId).Order());
        Assert.All(refreshed.Readiness, r =>
        {
            Assert.Equal(ReadinessStatus.Fail, r.Worst);
            Assert.Contains(ReadinessRuleIds.VmHostSupport, r.FailingRuleIds);
        });

        // A VM gone: its readiness goes with it, nothing is said for the VM left.
        Store.ApplyInventory("hv1", new HostInventory(other, [Vm(B, "b")], DateTimeOffset.UtcNow));
        var removed = await NextAsync(stream);
        Assert.Equal([(InventoryChangeKind.VmRemoved, A)], removed.Changes.Select(c => (c.Kind, c.VmId)));
        Assert.Empty(removed.Readiness);
    }
}
