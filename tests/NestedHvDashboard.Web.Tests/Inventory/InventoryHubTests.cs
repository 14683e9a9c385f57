using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Inventory;
using NestedHvDashboard.Web.Tests.Access;

namespace NestedHvDashboard.Web.Tests.Inventory;

/// <summary>The hub end to end: the .NET SignalR client against Kestrel on a free loopback port.</summary>
public sealed class InventoryHubTests : InventoryHubTestBase
{
    private static readonly Guid A = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid B = Guid.Parse("00000000-0000-0000-0000-00000000000b");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Subscribe_streams_a_snapshot_then_changes(bool messagePack)
    {
        Store.SetHostStatus("hv1", new HostStatus(HostConnectionState.Connected, DateTimeOffset.UtcNow));
        Store.ApplyInventory("hv1", Read("hv1", Vm(A, "lab-dc")));
        Store.SetHostStatus("hv2", new HostStatus(HostConnectionState.Unreachable, DateTimeOffset.UtcNow, "Read inventory on host 'hv2': host unreachable: Connection refused"));
        await using var connection = await ConnectAsync(messagePack);
        using var stop = new CancellationTokenSource();
        await using var stream = connection.StreamAsync<InventoryStreamItem>("Subscribe", null, stop.Token).GetAsyncEnumerator(stop.Token);

        var snapshot = await NextAsync(stream);
        Assert.Equal(InventoryStreamItem.SnapshotKind, snapshot.Kind);
        Assert.Equal(["hv1", "hv2"], snapshot.Hosts.Select(h => h.Name));
        var hv1 = snapshot.Hosts[0];
        var vm = Assert.Single(hv1.Vms);
        Assert.True(vm.SameAs(Vm(A, "lab-dc")), "the VM did not survive the trip intact");
        Assert.True(hv1.Facts.SameAs(Facts("hv1")), "the host facts did not survive the trip intact");
        Assert.Equal(HostConnectionState.Unreachable, snapshot.Hosts[1].Status.State);
        Assert.Contains("Connection refused", snapshot.Hosts[1].Status.LastError, StringComparison.Ordinal);

        Store.ApplyInventory("hv1", Read("hv1", Vm(A, "lab-dc", cpu: 37, spoofing: true), Vm(B, "nested-01")));
        var changes = new List<InventoryChange>();
        while (changes.Count < 2)
        {
            var item = await NextAsync(stream);
            Assert.Equal(InventoryStreamItem.ChangesKind, item.Kind);
            Assert.Empty(item.Hosts);
            changes.AddRange(item.Changes);
        }

        Assert.Equal([(InventoryChangeKind.VmChanged, A), (InventoryChangeKind.VmAdded, B)], changes.Select(c => (c.Kind, c.VmId)));
        Assert.Equal(37, changes[0].Vm!.CpuUsagePercent);
        Assert.True(changes[0].Vm!.NetworkAdapters[0].MacAddressSpoofing);
        Assert.Equal("nested-01", changes[1].Vm!.Name);
        Assert.All(changes, c => Assert.Equal(("hv1", 3L), (c.Host, c.Version)));

        Store.SetHostStatus("hv2", new HostStatus(HostConnectionState.AuthenticationFailed, DateTimeOffset.UtcNow, "Access is denied."));
        var host = Assert.Single((await NextAsync(stream)).Changes);
        Assert.Equal((InventoryChangeKind.HostChanged, "hv2", HostConnectionState.AuthenticationFailed), (host.Kind, host.Host, host.Status!.State));

        // A host taken out of the dashboard: the client is told to drop it.
        Store.RemoveHost("hv2");
        var removed = Assert.Single((await NextAsync(stream)).Changes);
        Assert.Equal((InventoryChangeKind.HostRemoved, "hv2", host.Version + 1), (removed.Kind, removed.Host, removed.Version));
        Assert.Null(removed.Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Subscribe_to_one_host_streams_only_that_host(bool messagePack)
    {
        Store.ApplyInventory("hv1", Read("hv1", Vm(A, "a")));
        Store.ApplyInventory("hv2", Read("hv2", Vm(B, "b")));
        await using var connection = await ConnectAsync(messagePack);
        using var stop = new CancellationTokenSource();
        await using var stream = connection.StreamAsync<InventoryStreamItem>("Subscribe", "hv2", stop.Token).GetAsyncEnumerator(stop.Token);

        var snapshot = await NextAsync(stream);
        Assert.Equal(["hv2"], snapshot.Hosts.Select(h => h.Name));

        Store.ApplyInventory("hv1", Read("hv1", Vm(A, "a2")));
        Store.ApplyInventory("hv2", Read("hv2", Vm(B, "b2")));
        var change = Assert.Single((await NextAsync(stream)).Changes);
        Assert.Equal(("hv2", B, "b2"), (change.Host, change.VmId, change.Vm!.Name));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cpu_and_uptime_reach_the_client_as_metrics_items_never_as_changes(bool messagePack)
    {
        Store.ApplyInventory("hv1", Read("hv1", Vm(A, "a"), Vm(B, "b")));
        await using var connection = await ConnectAsync(messagePack);
        using var stop = new CancellationTokenSource();
        await using var stream = connection.StreamAsync<InventoryStreamItem>("Subscribe", null, stop.Token).GetAsyncEnumerator(stop.Token);
        await NextAsync(stream);

        Store.ApplyInventory("hv1", Read("hv1", Vm(A, "a", cpu: 55) with { Uptime = TimeSpan.FromHours(5) }, Vm(B, "b")));

        var item = await NextAsync(stream);
        Assert.Equal(InventoryStreamItem.MetricsKind, item.Kind);
        Assert.Empty(item.Changes);
        var update = Assert.Single(item.Metrics);
        Assert.Equal("hv1", update.Host);
        Assert.Equal([new VmMetric(A, 55, TimeSpan.FromHours(5))], update.Vms);
    }

    [Fact]
    public async Task A_client_that_stops_streaming_frees_its_subscription()
    {
        await using var connection = await ConnectAsync(messagePack: false);
        using var stop = new CancellationTokenSource();
        var stream = connection.StreamAsync<InventoryStreamItem>("Subscribe", null, stop.Token).GetAsyncEnumerator(stop.Token);
        await NextAsync(stream);
        Assert.Equal(1, Store.SubscriberCount);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await stream.MoveNextAsync());
        await stream.DisposeAsync();

        await Eventually.HoldsAsync(() => Store.SubscriberCount == 0, Patience, "the server to drop the subscription");
    }

    [Fact]
    public async Task A_connection_may_hold_only_the_configured_number_of_streams_and_a_stopped_one_frees_its_place()
    {
        Store.ApplyInventory("hv1", Read("hv1", Vm(A, "a")));
        await using var connection = await ConnectAsync(messagePack: false);
        var stops = new List<CancellationTokenSource>();
        var streams = new List<IAsyncEnumerator<InventoryStreamItem>>();
        try
        {
            for (var i = 0; i < MaxStreams; i++)
            {
                stops.Add(new CancellationTokenSource());
                streams.Add(connection.StreamAsync<InventoryStreamItem>("Subscribe", null, stops[i].Token).GetAsyncEnumerator(stops[i].Token));
                Assert.Equal(InventoryStreamItem.SnapshotKind, (await NextAsync(streams[i])).Kind);
            }

            // One more on the same connection is refused, naming the limit and the setting.
            await using (var over = connection.StreamAsync<InventoryStreamItem>("Subscribe", null).GetAsyncEnumerator())
            {
                var refused = await Assert.ThrowsAsync<HubException>(async () => await over.MoveNextAsync().AsTask().WaitAsync(Patience));
                Assert.Contains($"already has {MaxStreams} inventory streams open", refused.Message, StringComparison.Ordinal);
                Assert.Contains("Inventory:Hub:MaxStreamsPerConnection", refused.Message, StringComparison.Ordinal);
            }

            Assert.Equal(MaxStreams, Store.SubscriberCount);

            // Another connection has its own allowance.
            await using (var other = await ConnectAsync(messagePack: true))
            {
                using var stopOther = new CancellationTokenSource();
                await using var otherStream = other.StreamAsync<InventoryStreamItem>("Subscribe", null, stopOther.Token).GetAsyncEnumerator(stopOther.Token);
                Assert.Equal(InventoryStreamItem.SnapshotKind, (await NextAsync(otherStream)).Kind);
                await stopOther.CancelAsync();
            }

            // A stopped stream gives its place back.
            await stops[0].CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await streams[0].MoveNextAsync());
            await Eventually.HoldsAsync(() => Store.SubscriberCount == MaxStreams - 1, Patience, "the server to drop one of its subscriptions");

            using var again = new CancellationTokenSource();
            await using var replacement = connection.StreamAsync<InventoryStreamItem>("Subscribe", null, again.Token).GetAsyncEnumerator(again.Token);
            Assert.Equal(InventoryStreamItem.SnapshotKind, (await NextAsync(replacement)).Kind);
            await again.CancelAsync();
        }
        finally
        {
            foreach (var stop in stops)
            {
                await stop.CancelAsync();
                stop.Dispose();
            }

            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task An_anonymous_connection_is_refused_with_401()
    {
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => ConnectAsync(messagePack: false, new Dictionary<string, string>()));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(0, Store.SubscriberCount);
    }

    [Fact]
    public async Task A_signed_in_user_without_a_role_is_refused_with_403()
    {
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => ConnectAsync(messagePack: false, HeaderAuthentication.As("nobody", null)));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(0, Store.SubscriberCount);
    }
}
