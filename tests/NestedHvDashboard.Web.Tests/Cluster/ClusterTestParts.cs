using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Cluster;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Tests.Data;
using StackExchange.Redis;

namespace NestedHvDashboard.Web.Tests.Cluster;

/// <summary>What the cluster tests share: one "instance" (its settings, its Redis connection, its audit trail and lock), a host, a VM.</summary>
internal static class ClusterTestParts
{
    public const string HostName = "hv-a";

    public static readonly Guid VmId = Guid.Parse("7c1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d");

    public static readonly HostFacts Facts = new(
        HostName, "Microsoft Windows Server 2022 Datacenter", "10.0.20348", 20348, true, ProcessorVendor.Intel, "GenuineIntel", "Xeon", 16, 64L << 30, true,
        [new Version(9, 0), new Version(10, 0)], new Version(10, 0), false, null);

    /// <summary>A key prefix of the test's own, so tests sharing nothing never meet in one Redis.</summary>
    public static string Prefix() => "t" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>An instance's settings in a cluster whose leases live <paramref name="leaseSeconds"/>.</summary>
    public static ClusterSettings Settings(string instanceId, string prefix, RedisServer redis, double leaseSeconds = 3) =>
        new(true, instanceId, TimeSpan.FromSeconds(leaseSeconds), prefix, redis.ConnectionString);

    public static async Task<ConnectionMultiplexer> ConnectAsync(RedisServer redis, int syncTimeoutMs = 5000)
    {
        var options = ConfigurationOptions.Parse(redis.ConnectionString);
        options.AbortOnConnectFail = false;
        options.SyncTimeout = syncTimeoutMs;
        options.AsyncTimeout = syncTimeoutMs;
        var connection = await ConnectionMultiplexer.ConnectAsync(options);
        // As the app, which starts only once Redis answered (CheckClusterAsync).
        await Eventually.HoldsAsync(() => connection.IsConnected);
        return connection;
    }

    public static RedisVmLock Lock(IConnectionMultiplexer redis, ClusterSettings settings) => new(redis, settings, NullLogger<RedisVmLock>.Instance);

    public static DbAuditTrail TrailOf(ITestDatabase database, ClusterSettings settings) =>
        new(database.Factory, TimeProvider.System, NullLogger<DbAuditTrail>.Instance, null, settings);

    public static VmSnapshot Vm(VmState state) => new(
        VmId, "lab-l1", state, TimeSpan.Zero, 0, 8L << 30, false, 8L << 30, new Version(10, 0), 2, 4, false, false,
        [new VmNetworkAdapterInfo("Network Adapter", "Lab", "00155D010203", false)], null, null);

    public static NestedVirtualizationRequest Enable() => new(HostName, VmId, true, PowerAction.None, false, false);
}

/// <summary>The hosts an instance owns, as the test says (the leases part's own tests cover how they are taken).</summary>
internal sealed class FakeOwnership(params string[] owned) : IHostOwnershipView
{
    private readonly HashSet<string> _owned = new(owned, StringComparer.OrdinalIgnoreCase);

    public event Action<string, long>? Acquired;

    public event Action<string>? Released
    {
        add { }
        remove { }
    }

    public bool Owns(string host, out long fence)
    {
        fence = 1;
        lock (_owned)
        {
            return _owned.Contains(host);
        }
    }

    public string? OwnerOf(string host) => null;

    /// <summary>This instance takes <paramref name="host"/> over.</summary>
    public void Take(string host)
    {
        lock (_owned)
        {
            _owned.Add(host);
        }

        Acquired?.Invoke(host, 2);
    }
}

/// <summary>The instances alive, as the test says; null while not known.</summary>
internal sealed class FakeMembership(params string[]? live) : IClusterMembership
{
    public IReadOnlyCollection<string>? LiveMembers { get; set; } = live;
}

internal sealed class HostsOf(params IHyperVHost[] hosts) : IHostLookup
{
    public IHyperVHost? Find(string name) => hosts.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));
}
