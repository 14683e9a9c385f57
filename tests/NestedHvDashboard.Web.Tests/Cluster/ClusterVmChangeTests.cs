using Microsoft.EntityFrameworkCore;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.Tests.Audit;
using NestedHvDashboard.Web.Tests.Data;
using NestedHvDashboard.Web.Tests.Pages;
using static NestedHvDashboard.Web.Tests.Cluster.ClusterTestParts;

namespace NestedHvDashboard.Web.Tests.Cluster;

/// <summary>Two instances (two operation stacks on one PostgreSQL database and one Redis) asked to change the same VM at once.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterVmChangeTests(PostgresServer server) : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartNewAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Two_clicks_on_two_instances_run_one_change_the_other_is_busy_and_the_audit_has_two_entries()
    {
        var database = await server.CreateDatabaseAsync();
        var prefix = Prefix();
        using var redisA = await ConnectAsync(_redis);
        using var redisB = await ConnectAsync(_redis);
        var (settingsA, settingsB) = (Settings("mgmt01:5000", prefix, _redis), Settings("mgmt02:5000", prefix, _redis));
        var off = Vm(VmState.Off);
        var host = new FakeHyperVHost(HostName, Facts, off);
        var operationsA = new NestedVirtualizationOperations(Lock(redisA, settingsA));
        var a = new NestedSwitchService(new HostsOf(host), operationsA, new PendingNestedChanges(), TrailOf(database, settingsA), TimeProvider.System);
        var b = new NestedSwitchService(new HostsOf(host), new NestedVirtualizationOperations(Lock(redisB, settingsB)), new PendingNestedChanges(), TrailOf(database, settingsB), TimeProvider.System);

        var hold = host.HoldNext("SetNested");
        var first = a.RunAsync(TestDatabase.Operator, off, Enable(), null);
        // A has read the VM (and named it for the others) and waits on the host's Set-VMProcessor.
        await Eventually.HoldsAsync(() => host.Calls.Contains("GetHostFacts"));
        var second = await b.RunAsync(TestDatabase.Administrator, off, Enable(), null);
        hold.SetResult();
        var ran = await first;

        Assert.Equal(OperationOutcome.Succeeded, ran.Outcome);
        Assert.Equal(OperationOutcome.Busy, second.Outcome);
        // The words a second click on the same instance gets.
        Assert.Equal("Another change is running on VM 'lab-l1' on host 'hv-a'; try again when it has finished.", second.Message);
        Assert.Single(host.Calls, c => c.StartsWith("SetNested", StringComparison.Ordinal));

        List<AuditEntry> entries;
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            entries = await db.AuditEntries.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
        }

        Assert.Equal(2, entries.Count);
        var succeeded = Assert.Single(entries, e => e.Result == AuditResults.Succeeded);
        Assert.Equal(("olivia", "mgmt01:5000", "Enable nested"), (succeeded.Actor, succeeded.Instance, succeeded.Action));
        var busy = Assert.Single(entries, e => e.Result == AuditResults.Refused);
        Assert.Equal(("ada", "mgmt02:5000", "Enable nested"), (busy.Actor, busy.Instance, busy.Action));
        Assert.Contains("Busy", busy.Message, StringComparison.Ordinal);
        Assert.All(entries, e => Assert.NotNull(e.CompletedAt));

        // Once the first change ended, the VM is free on the other instance too.
        var after = await b.RunAsync(TestDatabase.Administrator, host.Vm(VmId), new NestedVirtualizationRequest(HostName, VmId, false, PowerAction.None, false, false), null);
        Assert.Equal(OperationOutcome.Succeeded, after.Outcome);
    }
}
