using NestedHvDashboard.Core.Operations;
using static NestedHvDashboard.Web.Tests.Cluster.ClusterTestParts;

namespace NestedHvDashboard.Web.Tests.Cluster;

/// <summary>The per-VM lock across instances on a real redis-server: one instance gets the VM, another is told "busy".</summary>
public sealed class RedisVmLockTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartNewAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task One_instance_gets_the_vm_the_other_is_busy_naming_it_and_gets_it_once_released()
    {
        var prefix = Prefix();
        using var redisA = await ConnectAsync(_redis);
        using var redisB = await ConnectAsync(_redis);
        var a = new NestedVirtualizationOperations(Lock(redisA, Settings("a", prefix, _redis)));
        var b = new NestedVirtualizationOperations(Lock(redisB, Settings("b", prefix, _redis)));

        var held = a.TryLock(HostName, VmId, "lab-l1", out var none);
        Assert.Null(none);
        Assert.NotNull(held);

        // The host's name in another case is the same VM, as on one instance.
        Assert.Null(b.TryLock("HV-A", VmId, null, out var busy));
        Assert.Equal("Another change is running on VM 'lab-l1' on host 'HV-A'; try again when it has finished.", busy);
        Assert.False(b.IsRunning(HostName, VmId));

        // Another VM on the same host is free.
        using (var other = b.TryLock(HostName, Guid.NewGuid(), "lab-l2", out _))
        {
            Assert.NotNull(other);
        }

        held!.Dispose();
        using var second = b.TryLock(HostName, VmId, "lab-l1", out busy);
        Assert.NotNull(second);
        Assert.Null(busy);
    }

    [Fact]
    public async Task A_dead_holders_lock_frees_itself_after_the_lease_time()
    {
        var prefix = Prefix();
        using var redisB = await ConnectAsync(_redis);
        var b = new NestedVirtualizationOperations(Lock(redisB, Settings("b", prefix, _redis)));
        var redisA = await ConnectAsync(_redis);
        var a = new NestedVirtualizationOperations(Lock(redisA, Settings("a", prefix, _redis)));
        Assert.NotNull(a.TryLock(HostName, VmId, "lab-l1", out _));

        // Instance A dies with the change running: its connection is gone, the lock never released nor extended again.
        redisA.Dispose();
        Assert.Null(b.TryLock(HostName, VmId, null, out var busy));
        Assert.Contains("Another change is running on VM 'lab-l1'", busy, StringComparison.Ordinal);

        IDisposable? taken = null;
        await Eventually.HoldsAsync(() => (taken = b.TryLock(HostName, VmId, null, out _)) is not null, TimeSpan.FromSeconds(15));
        taken!.Dispose();
    }

    [Fact]
    public async Task A_change_is_refused_when_the_other_instances_cannot_be_asked()
    {
        using var redis = await ConnectAsync(_redis, syncTimeoutMs: 1000);
        var operations = new NestedVirtualizationOperations(Lock(redis, Settings("a", Prefix(), _redis)));
        await _redis.StopAsync();

        Assert.Null(operations.TryLock(HostName, VmId, "lab-l1", out var refused));
        Assert.StartsWith("The other dashboard instances could not be asked whether a change runs on VM 'lab-l1' on host 'hv-a'", refused, StringComparison.Ordinal);
        // The local lock was let go with it: nothing runs here.
        Assert.False(operations.IsRunning(HostName, VmId));
    }
}
