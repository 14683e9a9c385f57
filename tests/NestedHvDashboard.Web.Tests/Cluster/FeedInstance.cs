using System.Collections.Concurrent;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Cluster;
using NestedHvDashboard.Web.Tests.Hosts;
using StackExchange.Redis;

namespace NestedHvDashboard.Web.Tests.Cluster;

/// <summary>
/// The leases of a cluster as the feed sees them, shared by the instances of one test: each host has one owner (or none) and a
/// fence that grows at each grant. Each instance reads it through its own <see cref="IHostOwnershipView"/>.
/// </summary>
internal sealed class FakeLeases
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string? Owner, long Fence)> _leases = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, View> _views = new(StringComparer.Ordinal);
    private readonly HashSet<string> _lapsed = new(StringComparer.OrdinalIgnoreCase);

    public IHostOwnershipView ViewFor(string instance)
    {
        lock (_gate)
        {
            if (!_views.TryGetValue(instance, out var view))
            {
                view = new View(this, instance);
                _views[instance] = view;
            }

            return view;
        }
    }

    /// <summary>
    /// Gives <paramref name="host"/> to <paramref name="instance"/> under a new fence; the old owner is told it lost it, and the
    /// new one that it took it unless <paramref name="tellNewOwner"/> is false (then it sends no full state for it: as if that
    /// message were lost).
    /// </summary>
    public long Grant(string host, string instance, bool tellNewOwner = true)
    {
        string? previous;
        long fence;
        lock (_gate)
        {
            var (owner, last) = _leases.GetValueOrDefault(host);
            previous = owner;
            fence = last + 1;
            _leases[host] = (instance, fence);
            _lapsed.Remove(host);
        }

        if (previous is not null && previous != instance)
        {
            ((View)ViewFor(previous)).RaiseReleased(host);
        }

        if (tellNewOwner)
        {
            ((View)ViewFor(instance)).RaiseAcquired(host, fence);
        }

        return fence;
    }

    /// <summary>The lease expired (its owner died): no one owns the host until the next grant.</summary>
    public void Expire(string host)
    {
        lock (_gate)
        {
            _leases[host] = (null, _leases.GetValueOrDefault(host).Fence);
        }
    }

    /// <summary>
    /// The owner's record of <paramref name="host"/> lapsed (not renewed in time, its owner starved) while its lock still holds:
    /// the others read no owner, the owner still owns it. Until the next grant.
    /// </summary>
    public void LapseRecord(string host)
    {
        lock (_gate)
        {
            _lapsed.Add(host);
        }
    }

    private sealed class View(FakeLeases leases, string instance) : IHostOwnershipView
    {
        public event Action<string, long>? Acquired;

        public event Action<string>? Released;

        public bool Owns(string host, out long fence)
        {
            lock (leases._gate)
            {
                var (owner, current) = leases._leases.GetValueOrDefault(host);
                fence = current;
                return owner == instance;
            }
        }

        public string? OwnerOf(string host)
        {
            lock (leases._gate)
            {
                return leases._lapsed.Contains(host) ? null : leases._leases.GetValueOrDefault(host).Owner;
            }
        }

        public void RaiseAcquired(string host, long fence) => Acquired?.Invoke(host, fence);

        public void RaiseReleased(string host) => Released?.Invoke(host);
    }
}

/// <summary>
/// One dashboard instance as the feed sees it: its own store (with fast batches and metrics), its own Redis connection and
/// its replicator. The hosts' names given are in its store from the start, Connecting, as the monitor puts them there.
/// </summary>
internal sealed class FeedInstance : IAsyncDisposable
{
    public static readonly InventoryFeedOptions FastFeed = new() { BatchInterval = TimeSpan.FromMilliseconds(20), MetricsInterval = TimeSpan.FromMilliseconds(200) };

    private FeedInstance(string id, InventoryStore store, ConnectionMultiplexer redis, ClusterFeedReplicator replicator, ListLogger<ClusterFeedReplicator> log)
    {
        Id = id;
        Store = store;
        Redis = redis;
        Replicator = replicator;
        Log = log;
    }

    public string Id { get; }

    public InventoryStore Store { get; }

    public ConnectionMultiplexer Redis { get; }

    public ClusterFeedReplicator Replicator { get; }

    public ListLogger<ClusterFeedReplicator> Log { get; }

    /// <summary>The VMs other instances wrote that this one's watch was told of (as owner).</summary>
    public ConcurrentQueue<(string Host, VmSnapshot Vm)> Nudged { get; } = new();

    public static Task<FeedInstance> StartAsync(string id, RedisServer server, FakeLeases leases, IClusterMembership? membership = null, params string[] hosts) =>
        StartAsync(id, server, leases, membership, null, hosts);

    /// <summary>The same, its replicator on <paramref name="time"/> (its loops' waits: the read times, the looks for stopped owners).</summary>
    public static async Task<FeedInstance> StartAsync(string id, RedisServer server, FakeLeases leases, IClusterMembership? membership, TimeProvider? time, params string[] hosts)
    {
        var store = new InventoryStore(FastFeed);
        foreach (var host in hosts)
        {
            store.SetHostStatus(host, new HostStatus(HostConnectionState.Connecting, DateTimeOffset.UtcNow));
        }

        var options = ConfigurationOptions.Parse(server.ConnectionString);
        options.AbortOnConnectFail = false;
        options.ReconnectRetryPolicy = new LinearRetry(200);
        options.ClientName = "feed-test-" + id;
        var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var log = new ListLogger<ClusterFeedReplicator>();
        var settings = new ClusterSettings(true, id, ClusterSettings.DefaultLeaseTime, "nhvtest", server.ConnectionString);
        FeedInstance? instance = null;
        var replicator = new ClusterFeedReplicator(settings, redis, store, leases.ViewFor(id), membership, log, (host, vm) => instance!.Nudged.Enqueue((host, vm)), time);
        instance = new FeedInstance(id, store, redis, replicator, log);
        await replicator.StartAsync(CancellationToken.None);
        await replicator.Ready.WaitAsync(TimeSpan.FromSeconds(20));
        return instance;
    }

    public HostInventoryState? Host(string name) => Store.GetSnapshot(name).Find(name);

    public async ValueTask DisposeAsync()
    {
        await Replicator.StopAsync(CancellationToken.None);
        Replicator.Dispose();
        await Redis.DisposeAsync();
    }
}

/// <summary>Three feed instances of one test, stopped together (the last started first).</summary>
internal sealed record FeedTrio(FeedInstance A, FeedInstance B, FeedInstance C) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await C.DisposeAsync();
        await B.DisposeAsync();
        await A.DisposeAsync();
    }
}

/// <summary>Hosts and VMs for the feed's tests, and how two stores compare.</summary>
internal static class FeedData
{
    public static HostFacts Facts(string name) => new(name, "Microsoft Windows Server 2022 Datacenter", "10.0.20348", 20348, true,
        ProcessorVendor.Intel, "GenuineIntel", "Xeon", 16, 64L << 30, true, [new Version(9, 0), new Version(10, 0)], new Version(10, 0), false, null);

    public static VmSnapshot Vm(string name, VmState state = VmState.Off, int cpu = 0) =>
        new(Guid.NewGuid(), name, state, state == VmState.Running ? TimeSpan.FromHours(1) : TimeSpan.Zero, cpu, 4L << 30, false, 4L << 30,
            new Version(10, 0), 2, 2, false, false, [new VmNetworkAdapterInfo("Network Adapter", "LabSwitch", "00155D010203", false)], null, null);

    /// <summary>The owner's watch read <paramref name="vms"/> and the host answers.</summary>
    public static void Read(InventoryStore store, string host, params VmSnapshot[] vms)
    {
        store.ApplyInventory(host, new HostInventory(Facts(host), vms, DateTimeOffset.UtcNow));
        store.SetHostStatus(host, new HostStatus(HostConnectionState.Connected, DateTimeOffset.UtcNow));
    }

    /// <summary>True when both say the same of the host: status, facts and every VM (metrics included), in any order.</summary>
    public static bool Same(HostInventoryState? left, HostInventoryState? right)
    {
        if (left is null || right is null)
        {
            return false;
        }

        var vms = right.Vms.ToDictionary(v => v.Id);
        return left.Status.SaysSameAs(right.Status)
            && left.Facts.SameAs(right.Facts)
            && left.Vms.Count == right.Vms.Count
            && left.Vms.All(v => vms.TryGetValue(v.Id, out var other) && v.SameAs(other));
    }
}

/// <summary>Every batch a subscription of a store reads, as a hub client or a page would get them.</summary>
internal sealed class BatchRecorder : IAsyncDisposable
{
    private readonly InventorySubscription _subscription;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    public BatchRecorder(InventoryStore store)
    {
        _subscription = store.Subscribe();
        _reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var batch in _subscription.ReadBatchesAsync(_stop.Token))
                {
                    Batches.Enqueue(batch);
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        });
    }

    public ConcurrentQueue<InventoryBatch> Batches { get; } = new();

    public IEnumerable<InventoryChange> Changes => Batches.SelectMany(b => b.Changes);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        await _subscription.DisposeAsync();
        _stop.Dispose();
    }
}
