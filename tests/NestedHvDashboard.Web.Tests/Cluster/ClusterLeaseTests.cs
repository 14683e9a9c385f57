using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NestedHvDashboard.Web.Cluster;
using StackExchange.Redis;

namespace NestedHvDashboard.Web.Tests.Cluster;

/// <summary>
/// Host leases across instances, against a real redis-server: every host has exactly one owner, the instances alive share
/// the hosts as rendezvous hashing says, a stopping instance hands its hosts back at once, a vanished one loses them after
/// the lease time with a higher fence, and Redis lost and back leaves every host owned, by one instance.
/// </summary>
public sealed class ClusterLeaseTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly string[] Hosts = [.. Enumerable.Range(1, 12).Select(i => $"HV-{i:00}")];

    [Fact]
    public async Task Every_host_has_one_owner_and_each_newcomer_takes_its_rendezvous_share()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var a = await ClusterInstance.StartAsync(redis, "mgmt01:5000", Hosts);
        await Eventually.HoldsAsync(() => Settled(a), Patience);
        Assert.Equal(Hosts, a.Watched);

        await using var b = await ClusterInstance.StartAsync(redis, "mgmt02:5000", Hosts);
        await Eventually.HoldsAsync(() => Settled(a, b), Patience);
        Assert.NotEmpty(b.Watched);

        await using var c = await ClusterInstance.StartAsync(redis, "mgmt03:5000", Hosts);
        await Eventually.HoldsAsync(() => Settled(a, b, c), Patience);
        ClusterInstance[] all = [a, b, c];
        foreach (var host in Hosts)
        {
            Assert.Single(all, i => i.Leases.Owns(host, out _));
        }

        Assert.All(all, i => Assert.NotEmpty(i.Watched));

        // Every instance reads the same owner of every host, and says what it owns on its health reading.
        await Eventually.HoldsAsync(() => Hosts.All(h => all.All(i => i.Leases.OwnerOf(h) == Rendezvous.Pick(h, all.Select(x => x.Id)))), Patience);
        await Eventually.HoldsAsync(() => all.All(i => i.Leases.Read() is { RedisConnected: true, LiveMembers: 3, LateRenewals.Count: 0 } r && r.OwnedHosts.SequenceEqual(i.Watched)), Patience);
    }

    [Fact]
    public async Task A_stopping_instance_hands_its_hosts_back_at_once_and_the_others_take_them_before_its_leases_could_expire()
    {
        await using var redis = await RedisServer.StartNewAsync();

        // Leases of 60 s: taking its hosts within the patience proves they were handed back, not left to expire.
        await using var a = await ClusterInstance.StartAsync(redis, "mgmt01:5000", Hosts, leaseSeconds: 60);
        await using var b = await ClusterInstance.StartAsync(redis, "mgmt02:5000", Hosts, leaseSeconds: 60);
        await using var c = await ClusterInstance.StartAsync(redis, "mgmt03:5000", Hosts, leaseSeconds: 60);
        await Eventually.HoldsAsync(() => Settled(a, b, c), Patience);
        var hers = b.Watched;
        Assert.NotEmpty(hers);

        await b.StopAsync();

        Assert.Empty(b.Watched);
        Assert.Empty(b.Leases.Read().OwnedHosts);
        var database = a.Redis.GetDatabase();
        Assert.Null(await database.SortedSetScoreAsync(a.Settings.Key("members"), b.Id));
        foreach (var host in hers)
        {
            Assert.False(((string?)await database.StringGetAsync(a.Settings.Key("owner", host)))?.StartsWith(b.Id + " ", StringComparison.Ordinal) ?? false, $"{host}'s owner record still names {b.Id}");
        }

        await Eventually.HoldsAsync(() => Settled(a, c), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_vanished_instance_loses_its_hosts_to_the_others_after_the_lease_time_with_a_higher_fence()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var a = await ClusterInstance.StartAsync(redis, "mgmt01:5000", Hosts);
        await using var b = await ClusterInstance.StartAsync(redis, "mgmt02:5000", Hosts);
        await Eventually.HoldsAsync(() => Settled(a, b), Patience);
        var fences = b.Watched.ToDictionary(h => h, h => b.Leases.Owns(h, out var fence) ? fence : throw new InvalidOperationException(h));
        Assert.NotEmpty(fences);

        b.Vanish();

        await Eventually.HoldsAsync(() => Settled(a), Patience);
        foreach (var (host, fence) in fences)
        {
            Assert.True(a.Leases.Owns(host, out var taken));
            Assert.True(taken > fence, $"{host}: fence {taken} after {fence}");
        }

        await Eventually.HoldsAsync(() => a.Leases.Read().LiveMembers == 1, Patience);
    }

    [Fact]
    public async Task A_host_taken_as_an_orphan_goes_back_to_the_instance_chosen_for_it_once_that_one_wants_it()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var a = await ClusterInstance.StartAsync(redis, "mgmt01:5000", Hosts);

        // B lives but wants none of the hosts (not in its configuration yet): A hands B's share back, nobody takes it, and
        // two lease times later A takes it again as orphans. The members stay the same from then on.
        await using var b = await ClusterInstance.StartAsync(redis, "mgmt02:5000", []);
        var hers = Hosts.Where(h => Rendezvous.Pick(h, [a.Id, b.Id]) == b.Id).ToList();
        Assert.NotEmpty(hers);
        await Eventually.HoldsAsync(() => a.Leases.Read() is { LiveMembers: 2 } && a.Watched.SequenceEqual(Hosts), Patience);
        Assert.Empty(b.Watched);

        // B now wants them: A hands them back though the members did not change, and each host ends with its chosen owner.
        b.Want(Hosts);
        await Eventually.HoldsAsync(() => Settled(a, b), Patience);
        Assert.Equal(hers, b.Watched);
        Assert.Equal(2, a.Leases.Read().LiveMembers);
        await Eventually.HoldsAsync(() => hers.All(h => a.Leases.OwnerOf(h) == b.Id), Patience);
    }

    [Theory]
    [InlineData(10, 5)]
    [InlineData(60, 30)]
    [InlineData(4, 3)]
    [InlineData(3, 3)]
    public void An_instance_counts_as_alive_half_a_lease_time_after_its_last_renewal_at_least_three_seconds_at_most_the_lease(int leaseSeconds, int memberSeconds)
    {
        var settings = new ClusterSettings(true, "mgmt01:5000", TimeSpan.FromSeconds(leaseSeconds), "nhv", "127.0.0.1:6379");
        Assert.Equal(TimeSpan.FromSeconds(memberSeconds), settings.MemberTime);
    }

    [Fact]
    public async Task A_membership_entry_expires_half_a_lease_after_its_renewal_so_a_dead_instance_is_counted_out_before_its_leases_expire()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var settings = new ClusterSettings(true, "mgmt02:5000", TimeSpan.FromSeconds(10), "nhv", redis.ConnectionString);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var membership = new ClusterMembership(settings, connection);
        Assert.True(await membership.RenewAsync(CancellationToken.None));

        // Scored on Redis' clock: the entry's expiry is the member time after the renewal, not the lease time.
        var database = connection.GetDatabase();
        var score = await database.SortedSetScoreAsync(membership.Key, settings.InstanceId);
        var time = (RedisResult[])(await database.ExecuteAsync("TIME"))!;
        var now = (long.Parse((string)time[0]!, CultureInfo.InvariantCulture) * 1000) + (long.Parse((string)time[1]!, CultureInfo.InvariantCulture) / 1000);
        Assert.NotNull(score);
        Assert.InRange(score!.Value - now, 3_000, 5_000);

        // The lease it would hold is renewed every third of a lease: at its death it still has two thirds of a lease or more.
        Assert.True(settings.MemberTime < settings.LeaseTime - settings.RenewInterval);
    }

    [Fact]
    public async Task While_Redis_is_down_each_instance_keeps_its_hosts_and_once_back_every_host_has_exactly_one_owner()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var a = await ClusterInstance.StartAsync(redis, "mgmt01:5000", Hosts);
        await using var b = await ClusterInstance.StartAsync(redis, "mgmt02:5000", Hosts);
        await Eventually.HoldsAsync(() => Settled(a, b), Patience);
        var (mine, hers) = (a.Watched, b.Watched);

        await redis.StopAsync();

        // Lost: said so, with its hosts late (not renewed), and still watched by the same instance.
        await Eventually.HoldsAsync(
            () => a.Leases.Read() is { RedisConnected: false, RedisLostSince: not null } ra && ra.LateRenewals.SequenceEqual(mine)
                && b.Leases.Read() is { RedisConnected: false } rb && rb.LateRenewals.SequenceEqual(hers),
            Patience);
        Assert.Equal(mine, a.Watched);
        Assert.Equal(hers, b.Watched);
        Assert.Null(a.Membership.LiveMembers);
        var check = await new ClusterHealthCheck(a.Settings, a.Leases).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Degraded, check.Status);
        Assert.Contains("redis lost since", check.Description, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"owns {mine.Count} host"), check.Description, StringComparison.Ordinal);

        // From Redis' return on, no host is watched twice at any moment.
        var twice = new List<string>();
        using var stopSampling = new CancellationTokenSource();
        var sampling = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                twice.AddRange(Hosts.Where(h => a.Watches(h) && b.Watches(h)));
                await Task.Delay(10);
            }
        });
        await redis.StartAsync();

        await Eventually.HoldsAsync(
            () => Settled(a, b) && new[] { a, b }.All(i => i.Leases.Read() is { RedisConnected: true, LateRenewals.Count: 0, LiveMembers: 2 }),
            Patience);
        await stopSampling.CancelAsync();
        await sampling;
        Assert.Empty(twice.Distinct());
        foreach (var host in Hosts)
        {
            Assert.Single(new[] { a, b }, i => i.Leases.Owns(host, out _));
        }
    }

    // Every host watched by exactly one of the instances, the one rendezvous hashing picks among them, which holds its lease.
    private static bool Settled(params ClusterInstance[] instances)
    {
        var ids = instances.Select(i => i.Id).ToList();
        return Hosts.All(h =>
            instances.Count(i => i.Watches(h)) == 1
            && Rendezvous.Pick(h, ids) is { } chosen
            && instances.Single(i => i.Id == chosen) is var owner
            && owner.Watches(h)
            && owner.Leases.Owns(h, out _));
    }
}
