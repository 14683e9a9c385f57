using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Cluster;

namespace NestedHvDashboard.Web.Tests.Cluster;

/// <summary>What <c>AddDashboardCluster</c> registers for the leases: in a cluster one lease manager behind every contract and its service; on a single instance none of it.</summary>
public sealed class ClusterLeasesWiringTests
{
    [Fact]
    public async Task A_cluster_has_one_lease_manager_behind_every_contract_and_its_service_runs_the_leases()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var provider = Build(new()
        {
            ["Cluster:Enabled"] = "true",
            ["Cluster:InstanceId"] = "mgmt01:5000",
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
        });

        var leases = Assert.IsType<HostLeaseManager>(provider.GetRequiredService<IHostOwnership>());
        Assert.Same(leases, provider.GetRequiredService<IHostOwnershipView>());
        Assert.Same(leases, provider.GetRequiredService<IClusterHealth>());
        Assert.IsType<ClusterMembership>(provider.GetRequiredService<IClusterMembership>());
        // The other parts' hosted services need the whole app's services: the leases' own is made from its registration.
        Assert.Single(Registrations, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(ClusterLeaseService));
        Assert.Single(Registrations, d => d.ServiceType == typeof(ConnectAhead));
        var service = ActivatorUtilities.CreateInstance<ClusterLeaseService>(provider);

        await service.StartAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => leases.Read() is { RedisConnected: true, LiveMembers: 1 });
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_single_instance_owns_every_host_and_registers_no_leases()
    {
        await using var provider = Build([]);

        Assert.Same(AlwaysOwned.Instance, provider.GetRequiredService<IHostOwnership>());
        Assert.Null(provider.GetService<IClusterHealth>());
        Assert.DoesNotContain(Registrations, d => d.ImplementationType == typeof(ClusterLeaseService));
        Assert.DoesNotContain(Registrations, d => d.ServiceType == typeof(ConnectAhead));
    }

    private ServiceCollection Registrations { get; } = [];

    private ServiceProvider Build(Dictionary<string, string?> settings)
    {
        Registrations.AddLogging();
        Registrations.AddDashboardCluster(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return Registrations.BuildServiceProvider();
    }
}
