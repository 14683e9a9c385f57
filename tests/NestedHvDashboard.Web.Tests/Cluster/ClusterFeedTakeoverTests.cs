using Microsoft.Extensions.Time.Testing;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Cluster;
using static NestedHvDashboard.Web.Tests.Cluster.FeedData;

namespace NestedHvDashboard.Web.Tests.Cluster;

/// <summary>
/// The cluster's feed when a host's owner dies and another takes the host over, on a real Redis with two or three instances
/// in one process: the others show the host's owner stopped until the new owner's state, never after it, and see its first
/// read at once.
/// </summary>
public sealed class ClusterFeedTakeoverTests
{
    private const string H1 = "HV-01";

    [Fact]
    public async Task A_new_owners_first_read_reaches_the_others_at_its_next_quarter_second_not_its_next_round_of_read_times()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var leases = new FakeLeases();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var a = await FeedInstance.StartAsync("A", redis, leases, hosts: [H1]);
        await using var b = await FeedInstance.StartAsync("B", redis, leases, hosts: [H1]);
        await using var c = await FeedInstance.StartAsync("C", redis, leases, null, clock, [H1]);
        leases.Grant(H1, "A");
        var vm = Vm("web01", VmState.Running, 20);
        Read(a.Store, H1, vm);
        await Eventually.HoldsAsync(() => Same(b.Host(H1), a.Host(H1)) && Same(c.Host(H1), a.Host(H1)));

        // A dies; C takes the host over: B has C's full state (told by its read time, set apart on C before), then C reads
        // the host and finds nothing new, so no change carries that read's time.
        await a.DisposeAsync();
        var stateAt = a.Store.ReadAtOf(H1)!.Value.AddMilliseconds(1);
        c.Store.ApplyReplicatedReadAt(H1, stateAt);
        leases.Grant(H1, "C");
        await Eventually.HoldsAsync(() => b.Store.ReadAtOf(H1) == stateAt, what: "B having C's full state");
        Read(c.Store, H1, vm);
        var readHere = c.Store.ReadAtOf(H1);
        Assert.NotEqual(readHere, b.Store.ReadAtOf(H1));

        // A quarter of a second on C's clock, not the second its other hosts' read times wait for: B has the read.
        clock.Advance(ClusterFeedReplicator.TakenReadsInterval);
        await Eventually.HoldsAsync(() => b.Store.ReadAtOf(H1) == readHere, what: "B showing C's first read of the host");
    }

    // A owns H1 and has read it; B (which knows the members from membership) and C follow it.
    private static async Task<(FeedInstance A, (FeedInstance B, FeedInstance C) Followers)> AOwnsH1Async(RedisServer redis, FakeLeases leases, FakeMembership membership, VmSnapshot vm)
    {
        var b = await FeedInstance.StartAsync("B", redis, leases, membership, hosts: [H1]);
        var c = await FeedInstance.StartAsync("C", redis, leases, hosts: [H1]);
        var a = await FeedInstance.StartAsync("A", redis, leases, hosts: [H1]);
        leases.Grant(H1, "A");
        Read(a.Store, H1, vm);
        await Eventually.HoldsAsync(() => Same(b.Host(H1), a.Host(H1)) && Same(c.Host(H1), a.Host(H1)));
        return (a, (b, c));
    }

    [Fact]
    public async Task A_host_whose_owner_stopped_shows_connecting_naming_it_until_the_new_owner_state_arrives()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var leases = new FakeLeases();
        var membership = new FakeMembership { LiveMembers = ["A", "B", "C"] };
        var vm = Vm("web01", VmState.Running, 20);
        var (a, followers) = await AOwnsH1Async(redis, leases, membership, vm);
        await using var b = followers.B;
        await using var c = followers.C;

        // A dies: it is no longer a member, its lease expires.
        await a.DisposeAsync();
        membership.LiveMembers = ["B", "C"];
        leases.Expire(H1);
        await Eventually.HoldsAsync(() => b.Host(H1)!.Status is { State: HostConnectionState.Connecting, LastError: { } error } && error.Contains("instance A stopped", StringComparison.Ordinal));
        Assert.Equal(ClusterFeedReplicator.OwnerStoppedMessage("A"), b.Host(H1)!.Status.LastError);
        Assert.Single(b.Host(H1)!.Vms);

        // C takes it over (a higher fence) and reads the host: B follows C.
        leases.Grant(H1, "C");
        Read(c.Store, H1, vm with { CpuUsagePercent = 30 }, Vm("new01"));
        await Eventually.HoldsAsync(() => Same(b.Host(H1), c.Host(H1)));
        Assert.Equal(HostConnectionState.Connected, b.Host(H1)!.Status.State);
    }

    [Fact]
    public async Task An_owner_shown_stopped_never_overwrites_the_new_owners_state_that_arrived_meanwhile()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var leases = new FakeLeases();
        var membership = new FakeMembership { LiveMembers = ["A", "B", "C"] };
        var vm = Vm("web01", VmState.Running, 20);
        var (a, followers) = await AOwnsH1Async(redis, leases, membership, vm);
        await using var b = followers.B;
        await using var c = followers.C;

        // B's look for stopped owners is held where it logs "A stopped" (it used to show it only after that line).
        var said = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        b.Log.Logged = id =>
        {
            if (id.Id == 7606 && said.TrySetResult())
            {
                release.Wait(TimeSpan.FromSeconds(30));
            }
        };
        await a.DisposeAsync();
        membership.LiveMembers = ["B", "C"];
        leases.Expire(H1);
        await said.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Meanwhile C takes the host over. Its store says Connected already (A's state, from the feed) and its first read finds
        // only a new CPU reading: its full state at the takeover and that metric are all it sends, and B shows them.
        leases.Grant(H1, "C");
        Read(c.Store, H1, vm with { CpuUsagePercent = 30 });
        await Eventually.HoldsAsync(() => Same(b.Host(H1), c.Host(H1)));

        // The held look goes on: B still shows the host as C has it, through three more looks and C's read times.
        release.Set();
        for (var i = 0; i < 60; i++)
        {
            await Task.Delay(50);
            var shown = b.Host(H1)!;
            Assert.True(Same(shown, c.Host(H1)), $"B shows {H1} {shown.Status.State} ({shown.Status.LastError}), C has it {c.Host(H1)!.Status.State}");
        }
    }

    [Fact]
    public async Task An_owner_taken_for_stopped_that_speaks_again_has_its_host_shown_as_it_says()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var leases = new FakeLeases();
        var membership = new FakeMembership { LiveMembers = ["A", "B"] };
        await using var b = await FeedInstance.StartAsync("B", redis, leases, membership, hosts: [H1]);
        await using var a = await FeedInstance.StartAsync("A", redis, leases, hosts: [H1]);
        leases.Grant(H1, "A");
        var vm = Vm("web01", VmState.Running, 20);
        Read(a.Store, H1, vm);
        await Eventually.HoldsAsync(() => Same(b.Host(H1), a.Host(H1)));

        // B's view of the members misses A (A's entry not yet seen, or A starved past its membership): A's owner record is
        // still there, so nothing is shown; it lapses too (A starved past it, its lock still held): the host shows A stopped.
        membership.LiveMembers = ["B"];
        await Task.Delay(TimeSpan.FromSeconds(3)); // three of the feed's once-a-second looks for stopped owners
        Assert.Equal(HostConnectionState.Connected, b.Host(H1)!.Status.State);
        leases.LapseRecord(H1);
        await Eventually.HoldsAsync(() => b.Host(H1)!.Status.LastError == ClusterFeedReplicator.OwnerStoppedMessage("A"));

        // A is alive and says so with its next reading: B asks for its state and shows the host as A has it, Connected.
        membership.LiveMembers = ["A", "B"];
        Read(a.Store, H1, vm with { CpuUsagePercent = 35 });
        await Eventually.HoldsAsync(() => b.Host(H1)!.Status is { State: HostConnectionState.Connected, LastError: null } && Same(b.Host(H1), a.Host(H1)));
    }
}
