using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Cluster;
using StackExchange.Redis;

namespace NestedHvDashboard.Web.Tests.Cluster;

/// <summary>
/// One dashboard instance's leases, in the test's process: its own settings (instance id, lease time), its own Redis
/// connection, its membership, lease manager and lease service, and one loop per host standing for the inventory monitor's
/// (wait for the lease, "watch" until it is lost, wait again).
/// </summary>
internal sealed class ClusterInstance : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _watching = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly ClusterLeaseService _service;
    private bool _stopped;

    private ClusterInstance(ClusterSettings settings, ConnectionMultiplexer redis)
    {
        Settings = settings;
        Redis = redis;
        Membership = new ClusterMembership(settings, redis);
        Leases = new HostLeaseManager(settings, redis, Membership, NullLogger<HostLeaseManager>.Instance);
        _service = new ClusterLeaseService(Leases, settings, NullLogger<ClusterLeaseService>.Instance);
    }

    public ClusterSettings Settings { get; }

    public string Id => Settings.InstanceId;

    public ConnectionMultiplexer Redis { get; }

    public ClusterMembership Membership { get; }

    public HostLeaseManager Leases { get; }

    /// <summary>Starts an instance named <paramref name="id"/> that wants every host of <paramref name="hosts"/>.</summary>
    public static async Task<ClusterInstance> StartAsync(RedisServer server, string id, IEnumerable<string> hosts, double leaseSeconds = 3)
    {
        var settings = new ClusterSettings(true, id, TimeSpan.FromSeconds(leaseSeconds), "nhv", server.ConnectionString);
        var options = ConfigurationOptions.Parse(server.ConnectionString);
        options.AbortOnConnectFail = false;
        options.ClientName = "nhv-" + id;
        options.ReconnectRetryPolicy = new LinearRetry(1000);
        var instance = new ClusterInstance(settings, await ConnectionMultiplexer.ConnectAsync(options));
        instance.Want(hosts);
        await instance._service.StartAsync(CancellationToken.None);
        return instance;
    }

    /// <summary>Starts wanting <paramref name="hosts"/> too (as when hosts are added to its configuration).</summary>
    public void Want(IEnumerable<string> hosts)
    {
        foreach (var host in hosts)
        {
            _loops.Add(Task.Run(() => WatchAsync(host, _stop.Token)));
        }
    }

    /// <summary>The hosts its loops watch now (they hold the lease).</summary>
    public IReadOnlyList<string> Watched
    {
        get
        {
            lock (_gate)
            {
                return [.. _watching.Order(StringComparer.OrdinalIgnoreCase)];
            }
        }
    }

    public bool Watches(string host)
    {
        lock (_gate)
        {
            return _watching.Contains(host);
        }
    }

    /// <summary>Stops as the app stops: the lease service first (it hands everything back), then the loops.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _service.StopAsync(CancellationToken.None);
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
    }

    /// <summary>Vanishes as with <c>kill -9</c>: its Redis connection is gone, nothing is given back.</summary>
    public void Vanish() => Redis.Dispose();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _service.Dispose();
        await Redis.DisposeAsync();
        _stop.Dispose();
    }

    private async Task WatchAsync(string host, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            HostLease lease;
            try
            {
                lease = await Leases.AcquireAsync(host, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            lock (_gate)
            {
                _watching.Add(host);
            }

            try
            {
                using var watching = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease.Lost);
                await Task.Delay(Timeout.InfiniteTimeSpan, watching.Token);
            }
            catch (OperationCanceledException)
            {
                // Lost, or stopping.
            }
            finally
            {
                lock (_gate)
                {
                    _watching.Remove(host);
                }

                await Leases.ReleaseAsync(lease);
            }
        }
    }
}
