using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Cluster;
using Xunit.Abstractions;
using static NestedHvDashboard.Web.Tests.Cluster.FeedData;

namespace NestedHvDashboard.Web.Tests.Cluster;

/// <summary>
/// The cluster's feed on a real Redis, two or three instances in one process (each its own store, Redis connection and
/// ownership view): what the owner's store says of its hosts reaches every other instance's store, as changes and metrics.
/// </summary>
public sealed class ClusterFeedTests(ITestOutputHelper output)
{
    private const string H1 = "HV-01";
    private const string H2 = "HV-02";

    [Fact]
    public async Task What_changes_on_the_owner_reaches_another_instance_as_changes_and_metrics_as_metrics()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var leases = new FakeLeases();
        await using var a = await FeedInstance.StartAsync("A", redis, leases, hosts: [H1]);
        await using var b = await FeedInstance.StartAsync("B", redis, leases, hosts: [H1]);
        leases.Grant(H1, "A");
        var web = Vm("web01", VmState.Running, cpu: 5);
        var db = Vm("db01");
        Read(a.Store, H1, web, db);
        await Eventually.HoldsAsync(() => Same(b.Host(H1), a.Host(H1)));
        Assert.Equal(HostConnectionState.Connected, b.Host(H1)!.Status.State);

        await using var seen = new BatchRecorder(b.Store);
        var webOff = web with { State = VmState.Off, Uptime = TimeSpan.Zero, CpuUsagePercent = 0 };
        var added = Vm("app01");
        Read(a.Store, H1, webOff, added);
        a.Store.SetHostStatus(H1, new HostStatus(HostConnectionState.Unreachable, DateTimeOffset.UtcNow, "WinRM did not answer"));
        await Eventually.HoldsAsync(() => Same(b.Host(H1), a.Host(H1)));
        await Eventually.HoldsAsync(() => seen.Changes.Any(c => c.Kind == InventoryChangeKind.HostChanged && c.Status?.State == HostConnectionState.Unreachable));
        var changes = seen.Changes.ToList();
        Assert.Contains(changes, c => c.Kind == InventoryChangeKind.VmChanged && c.Vm?.Id == web.Id && c.Vm.State == VmState.Off);
        Assert.Contains(changes, c => c.Kind == InventoryChangeKind.VmAdded && c.Vm?.Id == added.Id);
        Assert.Contains(changes, c => c.Kind == InventoryChangeKind.VmRemoved && c.VmId == db.Id);
        Assert.Equal("WinRM did not answer", b.Host(H1)!.Status.LastError);

        // CPU and uptime: metric updates on the other instance too, never changes.
        a.Store.SetHostStatus(H1, new HostStatus(HostConnectionState.Connected, DateTimeOffset.UtcNow));
        var running = webOff with { State = VmState.Running, Uptime = TimeSpan.FromMinutes(1), CpuUsagePercent = 10 };
        Read(a.Store, H1, running, added);
        await Eventually.HoldsAsync(() => seen.Changes.Any(c => c.Vm?.Id == web.Id && c.Vm.State == VmState.Running));
        var before = seen.Changes.Count();
        Read(a.Store, H1, running with { CpuUsagePercent = 73, Uptime = TimeSpan.FromMinutes(2) }, added);
        await Eventually.HoldsAsync(() => seen.Batches.Any(batch => batch.MetricUpdates.Any(m => m.Host == H1 && m.Vms.Any(v => v.VmId == web.Id && v.CpuUsagePercent == 73))));
        Assert.Equal(73, b.Host(H1)!.Vms.Single(v => v.Id == web.Id).CpuUsagePercent);
        Assert.Equal(before, seen.Changes.Count());
    }

    [Fact]
    public async Task A_newcomer_gets_the_full_state_of_every_host_from_their_owners()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var leases = new FakeLeases();
        await using var a = await FeedInstance.StartAsync("A", redis, leases, hosts: [H1, H2]);
        await using var b = await FeedInstance.StartAsync("B", redis, leases, hosts: [H1, H2]);
        leases.Grant(H1, "A");
        leases.Grant(H2, "B");
        Read(a.Store, H1, Vm("web01", VmState.Running, 12), Vm("db01"));
        Read(b.Store, H2, [.. Enumerable.Range(1, 50).Select(i => Vm($"vm{i:00}", i % 2 == 0 ? VmState.Running : VmState.Off, i))]);

        await using var c = await FeedInstance.StartAsync("C", redis, leases, hosts: [H1, H2]);

        await Eventually.HoldsAsync(() => Same(c.Host(H1), a.Host(H1)) && Same(c.Host(H2), b.Host(H2)));
        await Eventually.HoldsAsync(() => Same(a.Host(H2), b.Host(H2)) && Same(b.Host(H1), a.Host(H1)));
    }

    // Three instances on H1: A owns it and has read web01, B and C show what A read.
    private static async Task<FeedTrio> FollowingAAsync(RedisServer redis, FakeLeases leases, VmSnapshot vm)
    {
        var trio = new FeedTrio(
            await FeedInstance.StartAsync("A", redis, leases, hosts: [H1]),
            await FeedInstance.StartAsync("B", redis, leases, hosts: [H1]),
            await FeedInstance.StartAsync("C", redis, leases, hosts: [H1]));
        leases.Grant(H1, "A");
        Read(trio.A.Store, H1, vm);
        await Eventually.HoldsAsync(() => Same(trio.B.Host(H1), trio.A.Host(H1)) && Same(trio.C.Host(H1), trio.A.Host(H1)));
        return trio;
    }

    [Fact]
    public async Task A_vm_written_on_an_instance_that_does_not_own_its_host_reaches_the_owner_and_a_third_instance_at_once()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var leases = new FakeLeases();
        var vm = Vm("web01");
        await using var trio = await FollowingAAsync(redis, leases, vm);
        var (a, b, c) = trio;

        // A change ran on B (the owner's watch would read the new configuration only at its slow config read).
        var nested = vm with { ExposeVirtualizationExtensions = true, ProcessorCount = 4 };
        b.Store.ApplyVm(H1, nested);

        bool Nested(FeedInstance instance) => instance.Host(H1)!.Vms.Single().ExposeVirtualizationExtensions;
        await Eventually.HoldsAsync(() => Nested(a) && Nested(c));
        Assert.Contains(a.Nudged, n => n.Host == H1 && n.Vm.Id == vm.Id && n.Vm.ExposeVirtualizationExtensions);
        Assert.Empty(b.Nudged);
        Assert.Empty(c.Nudged);
        Assert.True(Nested(b));
    }

    [Fact]
    public async Task A_missed_message_makes_an_instance_ask_for_the_full_state_and_a_stale_owner_is_not_heard()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var leases = new FakeLeases();
        await using var a = await FeedInstance.StartAsync("A", redis, leases, hosts: [H1]);
        await using var b = await FeedInstance.StartAsync("B", redis, leases, hosts: [H1]);
        var fence = leases.Grant(H1, "A");
        var vm = Vm("web01");
        Read(a.Store, H1, vm);
        await Eventually.HoldsAsync(() => Same(b.Host(H1), a.Host(H1)));
        var publisher = a.Redis.GetSubscriber();
        var channel = StackExchange.Redis.RedisChannel.Literal("nhvtest:feed");

        // A message far ahead of the last one B applied: B missed some, so it takes nothing of it and asks A for the host.
        var ghost = Vm("ghost");
        await publisher.PublishAsync(channel, FeedMessages.Serialize(new FeedMessage(
            FeedMessageKind.Changes, "A", H1, fence, 1000, Changes: [FeedChange.Of(InventoryChange.VmAdded(H1, 99, ghost))])));
        var renamed = vm with { Name = "web01-renamed" };
        a.Store.ApplyVm(H1, renamed);
        await Eventually.HoldsAsync(() => Same(b.Host(H1), a.Host(H1)));
        Assert.DoesNotContain(b.Host(H1)!.Vms, v => v.Id == ghost.Id);

        // The instance that owned the host before A (a lower fence) still sends: dropped.
        await publisher.PublishAsync(channel, FeedMessages.Serialize(new FeedMessage(
            FeedMessageKind.State, "OLD", H1, fence - 1, 1, State: new HostInventoryState(H1, new HostStatus(HostConnectionState.Unreachable, DateTimeOffset.UtcNow, "old"), Facts(H1), [ghost], 1, DateTimeOffset.UtcNow))));
        a.Store.ApplyVm(H1, renamed with { Name = "web01-again" });
        await Eventually.HoldsAsync(() => b.Host(H1)!.Vms.Any(v => v.Name == "web01-again"));
        Assert.True(Same(b.Host(H1), a.Host(H1)));
        Assert.Equal(HostConnectionState.Connected, b.Host(H1)!.Status.State);
    }

    [Fact]
    public async Task A_read_that_finds_nothing_new_moves_the_last_read_on_every_instance_and_only_from_the_owner_followed()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var leases = new FakeLeases();
        await using var a = await FeedInstance.StartAsync("A", redis, leases, hosts: [H1]);
        await using var b = await FeedInstance.StartAsync("B", redis, leases, hosts: [H1]);
        await using var c = await FeedInstance.StartAsync("C", redis, leases, hosts: [H1]);
        var fence = leases.Grant(H1, "A");
        var vm = Vm("web01");
        Read(a.Store, H1, vm);
        await Eventually.HoldsAsync(() => Same(b.Host(H1), a.Host(H1)) && b.Host(H1)!.ReadAt == a.Host(H1)!.ReadAt);

        // The same VMs read again a minute later: no change, no metric, yet B's "last read" is A's.
        await using var seen = new BatchRecorder(b.Store);
        var later = a.Host(H1)!.ReadAt!.Value.AddMinutes(1);
        a.Store.ApplyInventory(H1, new HostInventory(Facts(H1), [vm], later));
        await Eventually.HoldsAsync(() => b.Host(H1)!.ReadAt == later);
        Assert.Empty(seen.Changes);

        // C takes the host over; its first read finds nothing new: B shows C's read, not A's older one.
        leases.Grant(H1, "C");
        await Eventually.HoldsAsync(() => Same(b.Host(H1), c.Host(H1)));
        var taken = later.AddMinutes(1);
        c.Store.ApplyInventory(H1, new HostInventory(Facts(H1), [vm], taken));
        await Eventually.HoldsAsync(() => b.Host(H1)!.ReadAt == taken);

        // A, no longer the owner, says it read the host later still (under its old fence): B keeps C's time.
        var channel = StackExchange.Redis.RedisChannel.Literal("nhvtest:feed");
        await a.Redis.GetSubscriber().PublishAsync(channel, FeedMessages.Serialize(new FeedMessage(
            FeedMessageKind.Reads, "A", null, 0, 0, Reads: [new FeedRead(H1, fence, taken.AddHours(1))])));
        var echo = taken.AddMinutes(1);
        c.Store.ApplyInventory(H1, new HostInventory(Facts(H1), [vm], echo));
        await Eventually.HoldsAsync(() => b.Host(H1)!.ReadAt == echo);
        Assert.Empty(seen.Changes);
    }

    [Fact]
    public async Task A_new_owner_whose_full_state_never_arrived_is_followed_from_its_reads_which_ask_for_that_state()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var leases = new FakeLeases();
        var vm = Vm("web01");
        await using var trio = await FollowingAAsync(redis, leases, vm);
        var (a, b, c) = trio;

        // C takes the host over but its full state is lost; its reads find nothing new, so no change or metric names its
        // fence either: only its read times do. B asks for C's state from them, and then shows C's reads.
        await using var fromC = new BatchRecorder(c.Store);
        leases.Grant(H1, "C", tellNewOwner: false);
        var taken = a.Host(H1)!.ReadAt!.Value.AddMinutes(1);
        c.Store.ApplyInventory(H1, new HostInventory(Facts(H1), [vm], taken));
        var later = taken;
        await Eventually.HoldsAsync(
            () =>
            {
                // C keeps reading the host, as its watch does every cycle.
                later = later.AddSeconds(1);
                c.Store.ApplyInventory(H1, new HostInventory(Facts(H1), [vm], later));
                return b.Host(H1)!.ReadAt > taken;
            },
            TimeSpan.FromSeconds(20),
            "B showing a read of C's");
        Assert.True(Same(b.Host(H1), c.Host(H1)));
        Assert.Empty(fromC.Changes);
        Assert.Empty(fromC.Batches.SelectMany(batch => batch.MetricUpdates));
    }

    [Fact]
    public async Task A_read_time_that_says_the_owner_sent_more_than_arrived_asks_the_owner_for_its_full_state()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var leases = new FakeLeases();
        await using var a = await FeedInstance.StartAsync("A", redis, leases, hosts: [H1]);
        await using var b = await FeedInstance.StartAsync("B", redis, leases, hosts: [H1]);
        var fence = leases.Grant(H1, "A");
        Read(a.Store, H1, Vm("web01"));
        await Eventually.HoldsAsync(() => Same(b.Host(H1), a.Host(H1)));
        var channel = StackExchange.Redis.RedisChannel.Literal("nhvtest:feed");
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await a.Redis.GetSubscriber().SubscribeAsync(channel, (_, value) =>
        {
            if (FeedMessages.Deserialize((byte[])value!) is { Kind: FeedMessageKind.StateRequest, Instance: "B", Host: H1 })
            {
                asked.TrySetResult();
            }
        });

        // A's read times with the number of its last message about the host: B, which applied them all, asks for nothing.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.False(asked.Task.IsCompleted, "B asked for the state although it had every message");

        // A says it sent a message B never got (lost, and nothing after it to show the gap): B asks for the state.
        await a.Redis.GetSubscriber().PublishAsync(channel, FeedMessages.Serialize(new FeedMessage(
            FeedMessageKind.Reads, "A", null, 0, 0, Reads: [new FeedRead(H1, fence, DateTimeOffset.UtcNow, Sequence: 1_000)])));
        await asked.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_host_removed_from_the_dashboard_by_its_owner_leaves_every_instance()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var leases = new FakeLeases();
        await using var a = await FeedInstance.StartAsync("A", redis, leases, hosts: [H1, H2]);
        await using var b = await FeedInstance.StartAsync("B", redis, leases, hosts: [H1, H2]);
        leases.Grant(H1, "A");
        Read(a.Store, H1, Vm("web01"));
        await Eventually.HoldsAsync(() => Same(b.Host(H1), a.Host(H1)));

        // The monitor stops the host's watch (its lease goes with it), then drops it from the store.
        leases.Expire(H1);
        a.Store.RemoveHost(H1);

        await Eventually.HoldsAsync(() => b.Host(H1) is null);
        Assert.NotNull(b.Host(H2));
    }

    [Fact]
    public void A_vm_change_message_is_compact()
    {
        var vm = Vm("web01", VmState.Running, 12) with { NetworkAdapters = [new VmNetworkAdapterInfo("Network Adapter", "LabSwitch", "00155D010203", true)] };
        var change = new FeedMessage(FeedMessageKind.Changes, "mgmt01:5000", H1, 3, 1234, Changes: [FeedChange.Of(InventoryChange.VmChanged(H1, 88, vm))], ReadAt: DateTimeOffset.UtcNow);
        var metrics = new FeedMessage(FeedMessageKind.Metrics, "mgmt01:5000", H1, 3, 1235, Metrics: [FeedMetric.Of(vm.MetricOf())], ReadAt: DateTimeOffset.UtcNow);
        var changeBytes = FeedMessages.Serialize(change).Length;
        var metricBytes = FeedMessages.Serialize(metrics).Length;
        output.WriteLine($"cluster feed: bytes per VM-change message {changeBytes}; per one-VM metrics message {metricBytes}");

        var back = FeedMessages.Deserialize(FeedMessages.Serialize(change));
        Assert.True(back.Changes!.Single().Vm!.SameAs(vm));
        Assert.Equal(vm.Id, back.Changes!.Single().ToChange(H1).VmId);
        Assert.Equal(change with { Changes = back.Changes }, back);
        Assert.InRange(changeBytes, 1, 1024);
        Assert.InRange(metricBytes, 1, 256);
    }
}
