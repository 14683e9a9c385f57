using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Cluster;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Tests.Audit;
using NestedHvDashboard.Web.Tests.Data;
using NestedHvDashboard.Web.Tests.Pages;
using static NestedHvDashboard.Web.Tests.Cluster.ClusterTestParts;

namespace NestedHvDashboard.Web.Tests.Cluster;

/// <summary>The audit entries an instance that died left "Started", marked Interrupted by the live instance whose turn it is.</summary>
[Collection(PostgresCollection.Name)]
public sealed class InterruptedSweeperTests(PostgresServer server) : IAsyncLifetime
{
    private const string Dead = "mgmt02:5000";
    private RedisServer _redis = null!;
    private PostgresTestDatabase _database = null!;
    private string _prefix = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartNewAsync();
        _database = await server.CreateDatabaseAsync();
        _prefix = Prefix();
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task A_dead_instances_entries_are_marked_by_the_hosts_owner_host_less_ones_by_the_first_live_instance_and_live_ones_never()
    {
        var dead = TrailOf(_database, Settings(Dead, _prefix, _redis));
        var onHost = await dead.BeginAsync(new AuditStart(TestDatabase.Operator, "Enable nested", HostName, "lab-l1", VmId));
        dead.NoteProgress(onHost, "It was at step 2 of 3: Set-VMProcessor -ExposeVirtualizationExtensions.");
        var hostLess = await dead.BeginAsync(new AuditStart(TestDatabase.Administrator, "Add host", null, null, null));
        var (settingsA, settingsB) = (Settings("mgmt01:5000", _prefix, _redis), Settings("mgmt03:5000", _prefix, _redis));
        var (auditA, auditB) = (TrailOf(_database, settingsA), TrailOf(_database, settingsB));
        var live = await auditB.BeginAsync(new AuditStart(TestDatabase.Operator, "Disable nested", HostName, "lab-l2", Guid.NewGuid()));
        var membership = new FakeMembership();
        // A (first by id) owns no host; B took hv-a over from the dead instance.
        var a = Sweeper(auditA, settingsA, membership, new FakeOwnership());
        var b = Sweeper(auditB, settingsB, membership, new FakeOwnership(HostName));

        // While the membership is not known, nobody is judged dead.
        Assert.Equal(0, await a.SweepAsync());
        Assert.Equal(0, await b.SweepAsync());
        Assert.All(await EntriesAsync(), e => Assert.Equal(AuditResults.Started, e.Result));

        membership.LiveMembers = ["mgmt01:5000", "mgmt03:5000"];
        var seenByB = new List<AuditEntry>();
        auditB.Changed += seenByB.Add;
        Assert.Equal(1, await a.SweepAsync());
        Assert.Equal(1, await b.SweepAsync());
        Assert.Equal(0, await a.SweepAsync());

        var entries = (await EntriesAsync()).ToDictionary(e => e.Id);
        Assert.Equal(AuditResults.Interrupted, entries[onHost].Result);
        Assert.NotNull(entries[onHost].CompletedAt);
        Assert.Equal(
            "Dashboard instance 'mgmt02:5000' stopped before this change ended; instance 'mgmt03:5000' took over and marked it Interrupted (the change was not run again). " +
            "It was at step 2 of 3: Set-VMProcessor -ExposeVirtualizationExtensions. Check the VM's state on the host.",
            entries[onHost].Message);
        Assert.Equal(AuditResults.Interrupted, entries[hostLess].Result);
        Assert.Contains("instance 'mgmt01:5000' took over", entries[hostLess].Message, StringComparison.Ordinal);
        Assert.Equal(AuditResults.Started, entries[live].Result);
        // The Activity page hears of it from the trail of the instance that marked it.
        Assert.Equal([onHost], seenByB.Select(e => e.Id));
        Assert.Equal(AuditResults.Interrupted, seenByB[0].Result);
    }

    [Fact]
    public async Task In_cluster_mode_an_instance_marks_at_start_only_its_own_entries()
    {
        var settingsA = Settings("mgmt01:5000", _prefix, _redis);
        var mine = await TrailOf(_database, settingsA).BeginAsync(new AuditStart(TestDatabase.Operator, "Enable nested", HostName, "lab-l1", VmId));
        var others = await TrailOf(_database, Settings(Dead, _prefix, _redis)).BeginAsync(new AuditStart(TestDatabase.Operator, "Enable nested", HostName, "lab-l2", Guid.NewGuid()));

        Assert.Equal(1, await TrailOf(_database, settingsA).MarkInterruptedAsync());

        var entries = (await EntriesAsync()).ToDictionary(e => e.Id);
        Assert.Equal((AuditResults.Interrupted, "mgmt01:5000"), (entries[mine].Result, entries[mine].Instance));
        Assert.Equal((AuditResults.Started, Dead), (entries[others].Result, entries[others].Instance));
    }

    private static InterruptedSweeper Sweeper(DbAuditTrail audit, ClusterSettings settings, FakeMembership membership, FakeOwnership ownership) =>
        new(audit, membership, ownership, new HostsOf(new FakeHyperVHost(HostName, Facts, Vm(VmState.Running))), settings, NullLogger<InterruptedSweeper>.Instance);

    private async Task<List<AuditEntry>> EntriesAsync()
    {
        await using var db = await _database.Factory.CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }
}
