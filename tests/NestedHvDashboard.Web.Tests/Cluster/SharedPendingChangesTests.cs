using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Cluster;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.Tests.Data;
using NestedHvDashboard.Web.Tests.Pages;
using StackExchange.Redis;
using static NestedHvDashboard.Web.Tests.Cluster.ClusterTestParts;

namespace NestedHvDashboard.Web.Tests.Cluster;

/// <summary>"Apply at next shutdown" changes shared by two instances on one PostgreSQL database and one Redis.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedPendingChangesTests(PostgresServer server) : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _stops = [];
    private RedisServer _redis = null!;
    private PostgresTestDatabase _database = null!;
    private string _prefix = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartNewAsync();
        _database = await server.CreateDatabaseAsync();
        _prefix = Prefix();
    }

    public async Task DisposeAsync()
    {
        foreach (var stop in Enumerable.Reverse(_stops))
        {
            await stop.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_change_added_on_one_instance_is_seen_on_the_other_and_a_cancel_there_is_seen_back()
    {
        var a = await InstanceAsync("a");
        var b = await InstanceAsync("b");
        var change = new PendingNestedChange(HostName, VmId, "lab-l1", Enable: true, EnableMacAddressSpoofing: false, DateTimeOffset.UtcNow);

        await a.Pending.AddAsync(change);
        await Eventually.HoldsAsync(() => b.Pending.Find(HostName, VmId) is { Enable: true });

        // A second VM's change added on B does not undo A's (each save is its own row).
        var other = Guid.NewGuid();
        await b.Pending.AddAsync(change with { VmId = other, VmName = "lab-l2" });
        await Eventually.HoldsAsync(() => a.Pending.List().Count == 2);

        Assert.True(await b.Pending.RemoveAsync(HostName, VmId));
        await Eventually.HoldsAsync(() => a.Pending.Find(HostName, VmId) is null);
        Assert.Equal(["lab-l2"], a.Pending.List().Select(c => c.VmName));
    }

    [Fact]
    public async Task A_pending_change_is_applied_once_by_the_hosts_owner_though_both_instances_see_the_vm_off()
    {
        var off = Vm(VmState.Off);
        var host = new FakeHyperVHost(HostName, Facts, off);
        var a = await InstanceAsync("a");
        var b = await InstanceAsync("b");
        await a.Pending.AddAsync(new PendingNestedChange(HostName, VmId, "lab-l1", Enable: true, EnableMacAddressSpoofing: false, DateTimeOffset.UtcNow));
        await Eventually.HoldsAsync(() => b.Pending.Find(HostName, VmId) is not null);

        // A added it but B owns the host; both feeds show the VM Off.
        await StartApplierAsync(a, host, off, new FakeOwnership());
        await StartApplierAsync(b, host, off, new FakeOwnership(HostName));

        await Eventually.HoldsAsync(() => host.Vm(VmId).ExposeVirtualizationExtensions);
        await Eventually.HoldsAsync(async () => (await EntriesAsync()) is [{ CompletedAt: not null }]);
        await Eventually.HoldsAsync(() => a.Pending.Find(HostName, VmId) is null && b.Pending.Find(HostName, VmId) is null);

        Assert.Single(host.Calls, c => c.StartsWith("SetNested", StringComparison.Ordinal));
        var entry = Assert.Single(await EntriesAsync());
        Assert.Equal((AuditResults.Succeeded, "b", "Enable nested (applied at next shutdown)"), (entry.Result, entry.Instance, entry.Action));
        await using var db = await _database.Factory.CreateDbContextAsync();
        Assert.Empty(await db.PendingChanges.ToListAsync());
    }

    [Fact]
    public async Task Two_instances_both_believing_they_own_the_host_apply_the_change_once()
    {
        // A lease handed over mid-way: for a moment both instances act as the owner; the claim in the database decides.
        var off = Vm(VmState.Off);
        var host = new FakeHyperVHost(HostName, Facts, off);
        var a = await InstanceAsync("a");
        var b = await InstanceAsync("b");
        await a.Pending.AddAsync(new PendingNestedChange(HostName, VmId, "lab-l1", Enable: true, EnableMacAddressSpoofing: false, DateTimeOffset.UtcNow));
        await Eventually.HoldsAsync(() => b.Pending.Find(HostName, VmId) is not null);

        await Task.WhenAll(StartApplierAsync(a, host, off, new FakeOwnership(HostName)), StartApplierAsync(b, host, off, new FakeOwnership(HostName)));

        await Eventually.HoldsAsync(async () => (await EntriesAsync()).Any(e => e.Result == AuditResults.Succeeded));
        await Eventually.HoldsAsync(async () => (await EntriesAsync()).All(e => e.CompletedAt is not null));
        Assert.Single(host.Calls, c => c.StartsWith("SetNested", StringComparison.Ordinal));
        var entries = await EntriesAsync();
        Assert.Single(entries, e => e.Result == AuditResults.Succeeded);
        Assert.DoesNotContain(entries, e => e.Result == AuditResults.Failed);
    }

    [Fact]
    public async Task A_host_taken_over_applies_the_change_its_vm_waited_with_while_off()
    {
        var nestedOn = Vm(VmState.Off) with { ExposeVirtualizationExtensions = true };
        var host = new FakeHyperVHost(HostName, Facts, nestedOn);
        var b = await InstanceAsync("b");
        await b.Pending.AddAsync(new PendingNestedChange(HostName, VmId, "lab-l1", Enable: false, EnableMacAddressSpoofing: false, DateTimeOffset.UtcNow));
        var ownership = new FakeOwnership();
        await StartApplierAsync(b, host, nestedOn, ownership);

        // Not the owner: nothing happens; once B takes the host over, the change is applied without a new feed batch.
        Assert.DoesNotContain(host.Calls, c => c.StartsWith("SetNested", StringComparison.Ordinal));
        ownership.Take(HostName);
        await Eventually.HoldsAsync(() => host.Calls.Contains("SetNested False"));
        await Eventually.HoldsAsync(() => b.Pending.Find(HostName, VmId) is null);
    }

    private async Task<Instance> InstanceAsync(string id)
    {
        var settings = Settings(id, _prefix, _redis);
        var redis = await ConnectAsync(_redis);
        _stops.Add(redis);
        var store = new SharedPendingChangeStore(_database.Factory, _database.Settings, settings, redis, NullLogger<SharedPendingChangeStore>.Instance);
        var pending = new PendingNestedChanges(store);
        await pending.LoadAsync();
        var refresh = new PendingChangesRefresh(pending, redis, settings, NullLogger<PendingChangesRefresh>.Instance);
        await refresh.StartAsync(CancellationToken.None);
        _stops.Add(new Stop(() => refresh.StopAsync(CancellationToken.None)));
        return new Instance(settings, pending, TrailOf(_database, settings));
    }

    private async Task StartApplierAsync(Instance instance, FakeHyperVHost host, VmSnapshot seen, FakeOwnership ownership)
    {
        var feed = new InventoryStore(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(20) });
        feed.ApplyInventory(HostName, new HostInventory(Facts, [seen], DateTimeOffset.UtcNow));
        var applier = new PendingChangeApplier(feed, new HostsOf(host), new NestedVirtualizationOperations(), instance.Pending, instance.Audit, NullLogger<PendingChangeApplier>.Instance, ownership);
        await applier.StartAsync(CancellationToken.None);
        _stops.Add(new Stop(async () =>
        {
            await applier.StopAsync(CancellationToken.None);
            applier.Dispose();
        }));
    }

    private async Task<List<AuditEntry>> EntriesAsync()
    {
        await using var db = await _database.Factory.CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }

    private sealed record Instance(ClusterSettings Settings, PendingNestedChanges Pending, DbAuditTrail Audit);

    private sealed class Stop(Func<Task> stop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await stop();
    }
}
